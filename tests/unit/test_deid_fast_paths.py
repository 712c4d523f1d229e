"""The rules' fast paths find exactly what a scan of the whole text finds."""

import contextlib
import re

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qualframe import uk
from qualframe.deid import context, dates, language, names, rules, spoken, structured, words
from qualframe.synth import synthesise

# Fragments from which texts that exercise every anchor are drawn.
FRAGMENTS = [
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    ",",
    ".",
    "/",
    "-",
    "@",
    "(",
    ")",
    "+",
    "'s",
    "0",
    "1",
    "7",
    "12",
    "34",
    "56",
    "943",
    "476",
    "5919",
    "2019",
    "07700",
    "900",
    "123",
    "AB",
    "ab",
    "C",
    "SW1A",
    "1AA",
    "LS1",
    "4AP",
    "x",
    "jo.bloggs",
    "nhs.net",
    "example",
    "May",
    "may",
    "march",
    "Mar",
    "sept",
    "5th",
    "the",
    "of",
    "June",
    "july",
    "she",
    "was",
    "is",
    "aged",
    "age of",
    "my son",
    "Dale",
    "years old",
    "and",
    "when",
    "sixteen",
    "seventy",
    "five",
    "twenty",
    "one",
    "oh",
    "O",
    "double",
    "seven",
    "zero",
    "nought",
    "treble",
    "nine",
    "Sixteen",
    "SEVEN",
    # timestamps and labels of automatic transcripts, and letters re folds to others
    "0:00:07",
    ":",
    "_",
    "\u017f",
    "\u212a",
    "Okay.",
]
texts = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


def spans(matches) -> list[tuple[int, int]]:
    return [match.span() for match in matches]


def slow_word_edge(text: str, index: int, step: int) -> int:
    """The plain character loop that `word_edge` must agree with."""
    while 0 < index < len(text) and not text[index - (step < 0)].isspace():
        index += step
    return max(0, min(len(text), index))


@settings(max_examples=300)
@given(texts, st.integers(-5, 80), st.sampled_from([-1, 1]))
def test_word_edge_agrees_with_a_character_loop(text, index, step):
    assert rules.word_edge(text, index, step) == slow_word_edge(text, index, step)


def full_scan_numbers(text: str) -> list[rules.Hit]:
    """Postcodes, NHS numbers, numeric dates and NI numbers, scanning the whole text."""
    hits = [
        rules.hit_from_match(m, "POSTCODE", "postcode", 0.95) for m in uk.POSTCODE.finditer(text)
    ]
    for m in structured.NHS_NUMBER.finditer(text):
        hit = rules.hit_from_match(m, "NHS_NUMBER", "nhs_number", 1.0)
        checksum = uk.nhs_checksum_ok(re.sub(r"\D", "", hit.text))
        if structured.has_nhs_context(text, hit.start, hit.end) or checksum:
            hits.append(hit if checksum else hit._replace(confidence=0.9))
    for m in dates.NUMERIC_DATE.finditer(text):
        day = m.group("day") or m.group("iso_day")
        month = m.group("month") or m.group("iso_month")
        if dates.is_calendar_day(day, month):
            hits.append(rules.hit_from_match(m, "DATE", "date", 0.95))
    hits += [
        rules.hit_from_match(m, "NI_NUMBER", "ni_number", 0.95 if m.group().isupper() else 0.85)
        for m in uk.NI_NUMBER.finditer(text)
    ]
    return hits


def anchored_numbers(text: str) -> list[rules.Hit]:
    return (
        structured.find_postcodes(text)
        + structured.find_nhs_numbers(text, [])
        + dates.find_numeric_dates(text)
        + structured.find_ni_numbers(text)
    )


def full_scan_ages(text: str) -> list[rules.Hit]:
    """`find_ages` with every pattern run over the whole text."""
    found = [
        (dates.AGE_YEARS_OLD, 0.95),
        (dates.AGE_AGED, 0.9),
        (dates.AGE_PERSON_IS, 0.7),
        (dates.AGE_NAMED_IS, 0.6),
    ]
    best: dict[tuple[int, int], rules.Hit] = {}
    for pattern, confidence in found:
        for m in pattern.finditer(text):
            hit = rules.hit_from_match(m, "AGE", "age", confidence, group=1)
            kept = best.get((hit.start, hit.end))
            if kept is None or hit.confidence > kept.confidence:
                best[(hit.start, hit.end)] = hit
    return sorted(best.values())


@contextlib.contextmanager
def anchors_taken_as(density: int):
    """Run the anchored finders with `rules.DENSE_ANCHORS` set: 0 never scans the whole
    text (windows around anchors only), a huge value always does."""
    kept = rules.DENSE_ANCHORS
    rules.DENSE_ANCHORS = density
    try:
        yield
    finally:
        rules.DENSE_ANCHORS = kept


BOTH_WAYS = (0, 10**9)  # windows around the anchors; one scan of the whole text


@settings(max_examples=300)
@given(texts)
def test_number_finders_match_a_full_scan(text):
    for density in BOTH_WAYS:
        with anchors_taken_as(density):
            assert anchored_numbers(text) == full_scan_numbers(text)


@settings(max_examples=300)
@given(texts)
def test_emails_month_words_and_ages_match_a_full_scan(text):
    for density in BOTH_WAYS:
        with anchors_taken_as(density):
            assert structured.find_emails(text) == [
                rules.hit_from_match(m, "EMAIL", "email", 0.99)
                for m in structured.EMAIL.finditer(text)
            ]
            assert dates.find_ages(text) == full_scan_ages(text)
    month_word = re.compile(r"\b(?:" + dates.MONTH + r"|may)\b", re.IGNORECASE)
    assert spans(dates.MONTH_WORD.finditer(text)) == spans(month_word.finditer(text))


def full_scan_spoken_phones(text: str) -> list[rules.Hit]:
    hits = []
    for run in spoken.SPOKEN_RUN.finditer(text):
        tokens = list(spoken.SPOKEN_TOKEN_RE.finditer(text, run.start(), run.end()))
        for first, last in spoken.phone_spans_in_run(tokens):
            start, end = tokens[first].start(), tokens[last].end()
            hits.append(rules.Hit(start, end, "PHONE", text[start:end], "rule:phone_spoken", 0.9))
    return hits


def full_scan_written_phones(text: str) -> list[rules.Hit]:
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    return [
        rules.Hit(m.start, m.end, "PHONE", m.raw_string, "rule:phone", 0.95)
        for m in matcher
        if structured.is_plausible_phone(m.raw_string, m.number)
    ]


@settings(max_examples=300)
@given(texts)
@example("0000")  # too few digits for any phone number
@example("call 0113/496/0000 or 0113 496 0000.")  # slashes are phone punctuation too
def test_phones_match_a_full_scan(text):
    assert spoken.find_spoken_phones(text) == full_scan_spoken_phones(text)
    assert structured.find_written_phones(text) == full_scan_written_phones(text)


def test_word_start_pattern_matches_words_at_word_starts_in_any_case():
    pattern = re.compile(rules.word_start_pattern(["may", "march", "mar"]) + r"\b")
    text = "In MARCH, or May; not Mayor, dismay or summary. mar"
    assert [m.group() for m in pattern.finditer(text)] == ["MARCH", "May", "mar"]


@pytest.mark.parametrize("density", BOTH_WAYS)
def test_structured_finders_on_a_synthetic_corpus_match_full_scans(density):
    texts_by_id, _ = synthesise(30, 7)
    for text in texts_by_id.values():
        with anchors_taken_as(density):
            assert anchored_numbers(text) == full_scan_numbers(text)
            assert dates.find_ages(text) == full_scan_ages(text)
        assert spoken.find_spoken_phones(text) == full_scan_spoken_phones(text)
        assert structured.find_written_phones(text) == full_scan_written_phones(text)
        assert anchored_numbers(text) == full_scan_numbers(text)
        assert dates.find_ages(text) == full_scan_ages(text)


CUE_FRAGMENTS = [
    " ", "\n", ",", ", ", "-", "a", "x", "İn", "ın", "ſettled", "\u212anown as", "é", "É",
    "based", "BASED", "Lives", "living", "moved", "grew  up", "Brought up", "settled",
    "commuting", "out of", "back", " in ", " to", " at", "near", "around", "from", "of",
    "Leeds", "sale", "the", "An", "café", "CAFÉ", "called", "Named", "known as", "local",
    "paper", "radio station", "Pub", "shop", "The Anchor",
]  # fmt: skip


@settings(max_examples=300)
@given(st.lists(st.sampled_from(CUE_FRAGMENTS), max_size=40).map("".join))
@example("I was ſettled in Leeds; we LIVE IN sale, a CAFÉ called The Anchor")
def test_any_case_words_find_what_the_case_insensitive_pattern_finds(text):
    for cue in (context.STRONG_PLACE_CUE, context.WEAK_PLACE_CUE, context.ORG_CUE):
        assert spans(cue.finditer(text)) == spans(cue.any_case.finditer(text))


@settings(max_examples=300)
@given(st.text(alphabet="IiaÀéß_1 -.\n'", max_size=40))
def test_capital_and_pronoun_patterns_match_their_word_boundary_forms(text):
    assert spans(words.CAPITAL_START.finditer(text)) == spans(re.finditer(r"\b[A-ZÀ-ÖØ-Þ]", text))
    assert spans(words.PRONOUN_I.finditer(text)) == spans(re.finditer(r"\bI\b", text))


NAME_FRAGMENTS = [
    " ", "  ", "\n", ",", ", ", ".", "-", "'", "’", "&", "a", "x", "I", "J", "J.", "K.",
    "St", "St.", "Street", "and", "of", "le", "Dr", "Quist", "O'Neill", "Smith-Jones",
    "NHS", "HVNFT", "ABC", "Leeds", "thanks", "Thank you", "HELLO", "hi", "over to you",
    "Rose", "Grace", "?", "to", "é", "1", "Mr", "mrs", "DR", "Sgt.", "PC", "DCI", "Cllr",
    "Doctor", "Who", "B", "_",
]  # fmt: skip
# The names patterns as first written, with their look-behind in front.
NAME_PATTERNS_AS_WRITTEN = {
    "CAPITALISED_RUN": r"(?<![\w'’&-])(?:St\b\.?|[A-Z][\w'’&-]*)"
    r"(?:\s+(?:(?:and|&|of|upon|on|in|le|la|de)\s+)?(?:St\b\.?|[A-Z][\w'’&-]*))+",
    "INITIALLED_NAME": r"(?<!\S)((?:[A-Z]\.\s?){1,2}[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'’-])",
    "BARE_INITIAL_NAME": r"(?<!\S)([A-HJ-Z] [A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'’-])",
    "CAPITALISED_WORD": r"(?<![\w'’-])[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*(?![\w'’-])",
    "ACRONYM_WORD": r"\b[A-Z]{3,}\b",
}


@settings(max_examples=300)
@given(st.lists(st.sampled_from(NAME_FRAGMENTS), max_size=40).map("".join))
@example("Met Dr J. K. Quist and J Leach at St Brannock's, HVNFT; thanks, Rose.")
def test_name_patterns_match_as_first_written(text):
    for name, written in NAME_PATTERNS_AS_WRITTEN.items():
        fast = getattr(names, name)
        found = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in re.finditer(written, text)], name
    titled = rules.matches_at(names.TITLED_NAME, text, names.word_capitals(text))
    assert [(m.span(), m.groups()) for m in titled] == [
        (m.span(), m.groups()) for m in names.TITLED_NAME.finditer(text)
    ]
    everywhere = [(m.span(), m.groups()) for m in context.VOCATIVE.finditer(text)]
    starts = context.vocative_starts(text)
    assert [(m.span(), m.groups()) for m in rules.matches_at(context.VOCATIVE, text, starts)] == (
        everywhere
    )


TIMESTAMPED = (
    "0:00:07\tSPEAKER_00\n Okay, she's 16.\n\n0:00:15\tSPEAKER_01\n Dale is 75 now\n\n"
    "0:01:02\tNone\n ref AB 12 34 56 C, SW1A 1AA, 943 476 5919 on 05/03/2021 or 2021-03-05\n"
)


@pytest.mark.parametrize("density", BOTH_WAYS)
def test_finders_on_a_timestamped_transcript_match_full_scans(density):
    # numbers are dense, so the finders' own anchors (digit runs followed by a letter,
    # "3/0", numbers after a word) decide what is scanned
    with anchors_taken_as(density):
        assert anchored_numbers(TIMESTAMPED) == full_scan_numbers(TIMESTAMPED)
        assert dates.find_ages(TIMESTAMPED) == full_scan_ages(TIMESTAMPED)
    assert len(full_scan_numbers(TIMESTAMPED)) >= 5
    assert len(full_scan_ages(TIMESTAMPED)) == 2


@given(st.text(st.sampled_from("ab Z9_-'\t\u00a0\u2003.,")), st.integers(0, 40))
def test_follows_a_word_agrees_with_stripping_the_text_before(text, start):
    start = min(start, len(text))
    head = text[:start]
    before = head.rstrip()
    expected = before != head and before != "" and before[-1].isalpha()
    assert dates.follows_a_word(text, start) == expected


@given(st.text(st.characters(max_codepoint=127)))
def test_ascii_words_are_the_words_of_a_lower_case_ascii_line(line):
    lowered = line.lower()
    assert language.ASCII_WORD.findall(lowered) == language.WORD.findall(lowered)


@given(st.lists(st.sampled_from(["a", "to", "Été", "x1", " ", "\n", "42", "_ab"]), max_size=40))
def test_enough_words_is_a_count_of_every_word(parts):
    text = "".join(parts)
    expected = len(language.WORD.findall(text)) >= language.MIN_PARAGRAPH_WORDS
    assert language.has_enough_words(text) == expected


UNCASED_FRAGMENTS = [
    " ", "  ", "\n", ",", "-", "'", "’", "grace", "Grace", "hughes", "HUGHES", "will", "smith",
    "jones", "priya", "shah", "newcastle", "upon", "tyne", "stoke-on-trent", "sale", "in",
    "from", "leeds", "bolton", "bradford", "ß", "é", "1", "the",
]  # fmt: skip


def full_names_by_every_pair(text):
    """`find_full_names_uncased` as first written: every pair of neighbouring words tried."""
    given, surnames = context.name_lists()
    found = list(context.WORD.finditer(text))
    return [
        (a.start(), b.end())
        for a, b in zip(found, found[1:], strict=False)
        if a.group().casefold() in given
        and b.group().casefold() in surnames
        and text[a.end() : b.start()] == " "
        and not words.is_function_word(a.group().casefold())
        and not words.is_function_word(b.group().casefold())
    ]


def place_after_every_run(text, start):
    """`place_after` as first written: every run of up to three words looked up."""
    found = list(re.finditer(context.PLACE_WORD, text[start : start + 60]))
    for count in range(min(context.MAX_PLACE_WORDS, len(found)), 0, -1):
        chosen = found[:count]
        pairs = zip(chosen, chosen[1:], strict=False)
        gaps = [text[start + a.end() : start + b.start()] for a, b in pairs]
        if chosen[0].start() == 0 and all(gap == " " for gap in gaps):
            name = " ".join(word.group() for word in chosen).casefold()
            if name in context.uk_place_names():
                return start, start + chosen[-1].end()
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(UNCASED_FRAGMENTS), max_size=40).map("".join))
@example("met grace hughes from stoke-on-trent, then will smith in newcastle upon tyne")
def test_uncased_names_and_places_match_their_first_forms(text):
    found = [(hit.start, hit.end) for hit in context.find_full_names_uncased(text)]
    assert found == full_names_by_every_pair(text)
    for start in range(len(text) + 1):
        assert context.place_after(text, start) == place_after_every_run(text, start)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aeilorstuz", max_size=14))
@example("organisation")
@example("colourful")
def test_american_spelling_skips_only_words_no_pattern_changes(word):
    expected = word
    for pattern, replacement in words.BRITISH_SPELLINGS:
        expected = pattern.sub(replacement, expected)
    assert words.american_spelling(word) == expected


def paragraphs_by_split(text):
    """`language.judged_paragraphs` as first written: the text split at line breaks."""
    sample = text[: language.SAMPLE]
    usual = language.guess(sample)[0] if language.has_enough_words(sample) else None
    common = language.stop_words(usual) if usual else frozenset()
    found, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if len(line) < language.SHORTEST_JUDGED:
            if line:
                found.append((start, end, None, 0))
        else:
            words = [word.casefold() for word in language.WORD.findall(line)]
            judged = None
            if len(words) >= language.MIN_PARAGRAPH_WORDS:
                share = sum(word in common for word in words) / len(words)
                judged = usual if share >= language.FUNCTION_SHARE else language.guess(line)[0]
            found.append((start, end, judged, len(words)))
        start = end + 1
    return tuple(found)


LINE_FRAGMENTS = [
    "\n", "\n\n", " ", "0:00:07\tSPEAKER_00", "Okay.", "and we went to the shop on the corner",
    " of the street because it was the only one that was open", "et puis on est allés au",
    " marché parce que c'était le seul qui était ouvert", "Straße", "été",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LINE_FRAGMENTS), max_size=30).map("".join))
@example("0:00:07\tSPEAKER_00\n Okay, she's 16.\n\n" + LINE_FRAGMENTS[5] * 3 + "\n")
def test_paragraphs_found_by_line_match_those_found_by_splitting(text):
    assert language.judged_paragraphs(text) == paragraphs_by_split(text)


@settings(max_examples=300, deadline=None)
@given(texts)
@example("12+4412345678 (0113) 496-0000 1 2 3 4 +1 ")
def test_long_digit_clusters_are_the_clusters_long_enough_for_a_phone(text):
    expected = [
        m.span()
        for m in structured.DIGIT_CLUSTER.finditer(text)
        if m.end() - m.start() >= structured.MIN_PHONE_DIGITS
    ]
    assert spans(structured.LONG_DIGIT_CLUSTER.finditer(text)) == expected
