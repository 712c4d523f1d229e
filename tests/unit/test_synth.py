"""The synthetic transcript generator: deterministic, exact gold, valid identifiers."""

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

import qualframe
from qualframe import uk
from qualframe.evaluate import GoldSpan
from qualframe.ingest import normalise_text
from qualframe.schemas import ENTITY_TYPES
from qualframe.synth import interview, synthesise, values
from qualframe.synth.cast import make_area, make_cast
from qualframe.synth.prose import PROSE

N, SEED = 20, 5
# The digest of synthesise(N, SEED): prose, word lists and drawing order unchanged (Faker
# pinned). Change it only with a change that means to give other corpora.
CORPUS_DIGEST = "9844d1e6a6d5bb58463a6e147b398149a87ac5cea323d1e237725129f5db7cf3"
# The UK postcode pattern, written out independently of qualframe.uk.
POSTCODE = re.compile(
    r"^(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$"
)


@pytest.fixture(scope="module")
def corpus():
    return synthesise(N, SEED)


def digest(n: int, seed: int) -> str:
    texts, gold = synthesise(n, seed)
    payload = json.dumps([texts, gold.to_dict("records")], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def test_same_n_and_seed_give_the_same_bytes_in_another_process():
    code = (
        "from tests.unit.test_synth import digest; import sys; "
        f"sys.stdout.write(digest({N}, {SEED}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert other == digest(N, SEED)


def test_a_seed_gives_the_same_corpus_as_ever():
    assert digest(N, SEED) == CORPUS_DIGEST


def test_other_seeds_give_other_transcripts(corpus):
    texts, _ = corpus
    other, _ = synthesise(N, SEED + 1)
    assert texts != other


def test_a_larger_corpus_starts_with_the_same_areas_but_is_its_own_corpus():
    texts, gold = synthesise(3, SEED)
    assert sorted(texts) == ["S0001", "S0002", "S0003"]
    assert set(gold["transcript_id"]) <= set(texts)


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_gold_spans_are_the_text_at_their_offsets(seed):
    texts, gold = synthesise(2, seed)
    GoldSpan.validate(gold)
    for tid, start, end, _, text in gold.itertuples(index=False):
        assert texts[tid][start:end] == text
        assert text == text.strip() and text


def test_labels_are_entity_types_and_every_type_occurs(corpus):
    _, gold = corpus
    assert set(gold["entity_type"]) == set(ENTITY_TYPES)


def test_spans_do_not_overlap(corpus):
    _, gold = corpus
    for _, spans in gold.groupby("transcript_id"):
        assert (spans["start"].to_numpy()[1:] >= spans["end"].to_numpy()[:-1]).all()


def test_texts_are_normalised_interviews_of_the_right_length(corpus):
    texts, _ = corpus
    for text in texts.values():
        assert normalise_text(text) == text
        assert interview.MIN_WORDS <= len(text.split()) <= interview.MAX_WORDS
        turns = text.rstrip("\n").split("\n\n")
        assert all(re.match(r"(?i)(interviewer|participant): \S", turn) for turn in turns)


def test_a_tenth_are_lower_case_auto_transcripts(corpus):
    texts, gold = corpus
    lower = {tid for tid, text in texts.items() if text == text.lower()}
    assert len(lower) == round(N * interview.LOWER_CASE_SHARE)
    spans = gold.loc[gold["transcript_id"].isin(lower), "text"]
    assert not spans.empty and (spans == spans.str.lower()).all()


def test_structured_identifiers_are_valid(corpus):
    _, gold = corpus
    by_type = gold.groupby("entity_type")["text"]
    for nhs in by_type.get_group("NHS_NUMBER"):
        digits = re.sub(r"\D", "", nhs)
        assert len(digits) == 10 and digits.startswith("999")
        check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
        assert check != 10 and check % 11 == int(digits[9])
    for ni in by_type.get_group("NI_NUMBER"):
        compact = ni.replace(" ", "").upper()
        assert re.fullmatch(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]", compact), ni
        assert compact[:2] not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
    for code in by_type.get_group("POSTCODE"):
        compact = code.upper().replace(" ", "")
        assert POSTCODE.match(f"{compact[:-3]} {compact[-3:]}"), code


def test_written_and_spoken_phones_are_in_ofcom_drama_ranges():
    rng = random.Random(1)
    words = {name: str(digit) for digit, name in enumerate(uk.DIGIT_NAMES)} | {"oh": "0"}
    for _ in range(200):
        groups = values.drama_phone(rng)
        national = "".join(groups)
        written = re.sub(r"\D", "", values.written_phone(groups, rng))
        assert written in (national, "44" + national[1:], "440" + national[1:])
        spoken = values.spoken_phone(groups, rng)
        digits, repeat = "", 1
        for word in spoken.replace(",", "").split():
            if word in ("double", "triple"):
                repeat = 2 if word == "double" else 3
                continue
            digits, repeat = digits + words[word] * repeat, 1
        assert digits == national
        assert re.match(r"07700900|011\d496|01\d1496|0207946|0292018|01632960|0808157", national)


def test_number_words():
    assert [uk.number_words(n) for n in (7, 16, 40, 34)] == [
        "seven",
        "sixteen",
        "forty",
        "thirty-four",
    ]


def test_there_are_many_distinct_templates_and_all_render():
    frames = [
        *PROSE.openings_interviewer,
        *PROSE.openings_participant,
        *PROSE.closings_interviewer,
        *PROSE.closings_participant,
        *PROSE.fillers,
        *(frame for questions, answers in PROSE.topics.values() for frame in questions + answers),
    ]
    assert len(set(frames)) >= 150
    rng = random.Random(0)
    fake = Faker("en_GB")
    fake.seed_instance(0)
    cast = make_cast(fake, rng, make_area(fake, rng))
    for frame in frames:
        interview.render(frame, cast, rng)  # raises on an unknown slot


def test_unknown_slot_is_refused():
    rng = random.Random(0)
    fake = Faker("en_GB")
    cast = make_cast(fake, rng, make_area(fake, rng))
    with pytest.raises(ValueError, match=r"unknown slot \{nowhere\}"):
        interview.render("From {nowhere}.", cast, rng)


def test_independent_of_the_detectors():
    code = (
        "import sys, qualframe.synth; "
        "print(any(name.startswith('qualframe.deid') for name in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_negative_n_is_refused():
    with pytest.raises(ValueError, match="n must be zero or more"):
        synthesise(-1, 0)


def test_the_prose_ships_with_the_package():
    root = Path(__file__).parents[2]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["qualframe"]
    package = Path(qualframe.__file__).parent
    data = {path.relative_to(package) for path in (package / "synth").glob("*.yaml")}
    assert data == {Path("synth/prose.yaml"), Path("synth/words.yaml")}
    assert all(any(path.match(glob) for glob in globs) for path in data)
