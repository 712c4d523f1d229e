"""Whole interviews: templates rendered with a cast, turns strung into an interview of a
target length, and `synthesise`, which makes a corpus and its gold spans from (n, seed)."""

import random
import re

import pandas as pd
import pandera.pandas as pa
from faker import Faker
from pandera.typing import DataFrame

from qualframe.evaluate import GOLD_COLUMNS, GoldSpan
from qualframe.synth.cast import Cast, make_area, make_cast, person_pieces
from qualframe.synth.prose import PROSE
from qualframe.synth.text import Piece, assemble, disfluent, lower_keep_length

SLOT = re.compile(r"\{([a-z0-9_]+)(?:\.([a-z_]+))?\}")
LOWER_CASE_SHARE = 0.1  # share of transcripts in lower-case "auto-transcript" style
MIN_WORDS, MAX_WORDS = 800, 2000


def render(template: str, cast: Cast, rng: random.Random, rough: bool = True) -> list[Piece]:
    """Return the pieces of one template with its slots filled from the cast.

    Plain text between slots may be roughened (`disfluent`); identifier text never is.
    Raises ValueError for an unknown slot.
    """
    pieces: list[Piece] = []
    cursor = 0
    for match in SLOT.finditer(template):
        plain = template[cursor : match.start()]
        pieces.append((disfluent(plain, rng) if rough else plain, None))
        name, field = match.groups()
        if name in cast.people:
            pieces += person_pieces(cast.people[name], field or "full", rng)
        elif name in cast.values and field is None:
            pieces += cast.values[name]()
        else:
            raise ValueError(f"unknown slot {match.group(0)} in template {template!r}")
        cursor = match.end()
    tail = template[cursor:]
    pieces.append((disfluent(tail, rng) if rough else tail, None))
    return [piece for piece in pieces if piece[0]]


def turn(speaker: str, frames: list[str], cast: Cast, rng: random.Random) -> list[Piece]:
    """Return one speaker turn: the label, then the frames rendered and joined by spaces."""
    pieces: list[Piece] = [(f"{speaker}: ", None)]
    if speaker == "Participant" and rng.random() < 0.3:
        pieces.append((rng.choice(PROSE.turn_openers), None))
    for number, frame in enumerate(frames):
        if number:
            pieces.append((" ", None))
        pieces += render(frame, cast, rng)
    if speaker == "Participant" and rng.random() < 0.15:
        pieces.append((rng.choice(PROSE.turn_closers), None))
    return pieces


def word_count(pieces: list[Piece]) -> int:
    """Return the number of whitespace-separated words in the pieces."""
    return sum(len(text.split()) for text, _ in pieces)


def pick(options: tuple[str, ...], used: set[str], rng: random.Random, k: int = 1) -> list[str]:
    """Return k options, preferring ones not yet `used` in this transcript; marks them used."""
    fresh = [option for option in options if option not in used]
    chosen = rng.sample(fresh if len(fresh) >= k else list(options), k)
    used.update(chosen)
    return chosen


def interview_turns(cast: Cast, rng: random.Random, target_words: int) -> list[list[Piece]]:
    """Return the turns of one interview: opening, question-and-answer exchanges on random
    topics until about `target_words` words, closing."""
    turns = [
        turn("Interviewer", [rng.choice(PROSE.openings_interviewer)], cast, rng),
        turn("Participant", [rng.choice(PROSE.openings_participant)], cast, rng),
    ]
    closing = [
        turn("Interviewer", [rng.choice(PROSE.closings_interviewer)], cast, rng),
        turn("Participant", [rng.choice(PROSE.closings_participant)], cast, rng),
    ]
    words = sum(map(word_count, turns + closing))
    topics, used = sorted(PROSE.topics), set()
    while words < target_words:
        questions, answers = PROSE.topics[rng.choice(topics)]
        frames = pick(answers, used, rng, rng.choice((1, 1, 2, 2, 3)))
        if rng.random() < 0.25:
            frames.insert(rng.randrange(len(frames) + 1), *pick(PROSE.fillers, used, rng))
        exchange = [
            turn("Interviewer", pick(questions, used, rng), cast, rng),
            turn("Participant", frames, cast, rng),
        ]
        if rng.random() < 0.3:
            exchange.append(turn("Interviewer", [rng.choice(PROSE.backchannels)], cast, rng))
            exchange.append(turn("Participant", pick(answers, used, rng), cast, rng))
        added = sum(map(word_count, exchange))
        if words + added > MAX_WORDS:
            break
        turns += exchange
        words += added
    return turns + closing


def transcript(cast: Cast, rng: random.Random, lower: bool) -> tuple[str, list[tuple]]:
    """Return one transcript's text and its (start, end, entity type, text) gold spans."""
    separator: Piece = ("\n\n", None)
    pieces: list[Piece] = []
    for number, turn_pieces in enumerate(
        interview_turns(cast, rng, rng.randint(MIN_WORDS + 50, MAX_WORDS - 200))
    ):
        if number:
            pieces.append(separator)
        pieces += turn_pieces
    pieces.append(("\n", None))
    text, spans = assemble(pieces)
    if lower:
        text = lower_keep_length(text)
        spans = [(start, end, label, text[start:end]) for start, end, label, _ in spans]
    return text, spans


@pa.check_types
def synthesise(n: int, seed: int) -> tuple[dict[str, str], DataFrame[GoldSpan]]:
    """Return n synthetic interview transcripts and their gold identifier spans.

    Takes the number of transcripts and a seed; the same (n, seed) gives the same texts
    and spans. Returns {transcript id ("S0001", …): normalised text} and a GoldSpan frame
    (transcript_id, start, end, entity_type, text) sorted by transcript and start.
    About a tenth of the transcripts are lower-cased like an automatic transcript.
    """
    if n < 0:
        raise ValueError(f"n must be zero or more, not {n}")
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    areas = [make_area(fake, rng) for _ in range(max(1, (n + 3) // 4))]
    lower_case = set(rng.sample(range(n), round(n * LOWER_CASE_SHARE)))
    texts, rows = {}, []
    for number in range(n):
        transcript_id = f"S{number + 1:04d}"
        cast = make_cast(fake, rng, rng.choice(areas))
        text, spans = transcript(cast, rng, number in lower_case)
        texts[transcript_id] = text
        rows += [(transcript_id, *span) for span in spans]
    gold = pd.DataFrame(rows, columns=GOLD_COLUMNS)
    gold = gold.astype({c: str for c in GOLD_COLUMNS} | {"start": "int64", "end": "int64"})
    return texts, gold.sort_values(["transcript_id", "start"], kind="stable").reset_index(drop=True)
