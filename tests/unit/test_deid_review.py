"""The review report: candidates left in the text, and the HTML page that highlights them."""

import html
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.deid.pseudonymise import pseudonymise_corpus
from qualframe.deid.review import (
    CANDIDATE_COLUMNS,
    DIGITS,
    FIRST_NAME,
    LOW_CONFIDENCE,
    NOT_REPLACED,
    UNKNOWN_WORD,
    ReviewCandidate,
    review_candidates,
)
from qualframe.deid.review_page import review_html
from qualframe.schemas import Detection

DETECTION_COLUMNS = ["transcript_id", "start", "end", "entity_type", "text", "detector"]


def detections(rows) -> pd.DataFrame:
    """Detection frame from (tid, text, surface, entity_type, detector, confidence) rows."""
    built = []
    for tid, text, surface, entity_type, detector, confidence in rows:
        start = text.index(surface)
        built.append((tid, start, start + len(surface), entity_type, surface, detector, confidence))
    frame = pd.DataFrame(built, columns=[*DETECTION_COLUMNS, "confidence"])
    types = {c: str for c in DETECTION_COLUMNS} | {"start": "int64", "end": "int64"}
    return Detection.validate(frame.astype(types | {"confidence": "float64"}))


def review(texts: dict[str, str], rows=(), low_confidence=0.6, allow_list=()):
    found = detections(rows)
    result = pseudonymise_corpus(texts, found, allow_list)
    candidates = review_candidates(texts, result.log, found, low_confidence, allow_list)
    return result, candidates


def listed(candidates: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(candidates["text"], candidates["reason"], strict=True))


# --- candidates --------------------------------------------------------------------------


def test_unknown_capitalised_word_in_mid_sentence_is_listed():
    _, candidates = review({"P01": "We went with Lowenna to the café."})
    ReviewCandidate.validate(candidates)
    assert list(candidates.columns) == CANDIDATE_COLUMNS
    assert listed(candidates) == [("Lowenna", UNKNOWN_WORD)]
    assert candidates.iloc[0][["start", "end"]].tolist() == [13, 20]


def test_sentence_starts_english_words_titles_and_i_are_not_listed():
    text = "Lowenna came. Then the Crisis Team said I'm fine, Dr, and English is fine."
    _, candidates = review({"P01": text})
    assert candidates.empty


def test_replaced_allowed_and_placeholder_words_are_not_listed():
    text = "We met Lowenna at Treliske and [Trust A] and Zedcorp Partners, via CAMHS."
    rows = [("P01", text, "Lowenna", "PERSON", "ner", 0.9)]
    _, candidates = review({"P01": text}, rows, allow_list=["Zedcorp Partners", "CAMHS"])
    assert listed(candidates) == [("Treliske", UNKNOWN_WORD)]


def test_english_first_names_and_first_name_pairs_are_listed():
    text = "Thanks, Tom. Steve Lamb runs it, and we trust Grace."
    _, candidates = review({"P01": text})
    assert listed(candidates) == [
        ("Tom", FIRST_NAME),
        ("Steve Lamb", FIRST_NAME),
        ("Grace", FIRST_NAME),
    ]


def test_digit_runs_left_in_the_text_are_listed():
    text = "In 2019 we rang 07700 900481, on 5/3, for 2-3 weeks at 10 o'clock, ref 12345."
    rows = [("P01", text, "07700 900481", "PHONE", "rule:phone", 0.95)]
    _, candidates = review({"P01": text}, rows)
    assert listed(candidates) == [("2019", DIGITS), ("5/3", DIGITS), ("12345", DIGITS)]
    _, candidates = review({"P01": text})
    assert ("07700 900481", DIGITS) in listed(candidates)


def test_low_confidence_replacements_are_listed_below_the_threshold():
    text = "We met Kirsty and Dave there."
    rows = [
        ("P01", text, "Kirsty", "PERSON", "rule:unfamiliar", 0.4),
        ("P01", text, "Dave", "PERSON", "ner", 0.85),
    ]
    _, candidates = review({"P01": text}, rows)
    assert listed(candidates) == [("Kirsty", LOW_CONFIDENCE)]
    _, candidates = review({"P01": text}, rows, low_confidence=0.9)
    assert listed(candidates) == [("Kirsty", LOW_CONFIDENCE), ("Dave", LOW_CONFIDENCE)]


def test_log_read_back_as_text_and_log_without_confidence_both_work():
    text = "We met Kirsty there."
    rows = [("P01", text, "Kirsty", "PERSON", "rule:unfamiliar", 0.4)]
    result, expected = review({"P01": text}, rows)
    found = detections(rows)
    as_text = result.log.astype(str).astype({c: "int64" for c in ("start", "end")})
    assert review_candidates({"P01": text}, as_text, found).equals(expected)
    no_confidence = result.log.drop(columns="confidence")
    assert review_candidates({"P01": text}, no_confidence, found).equals(expected)


def test_detection_no_replacement_covers_is_listed():
    text = "We met Kirsty there."
    found = detections([("P01", text, "Kirsty", "PERSON", "ner", 0.9)])
    empty_log = pseudonymise_corpus({"P01": text}, found.iloc[0:0], []).log
    candidates = review_candidates({"P01": text}, empty_log, found, allow_list=[])
    assert listed(candidates) == [("Kirsty", NOT_REPLACED), ("Kirsty", UNKNOWN_WORD)]


def test_candidates_are_sorted_by_transcript_and_offset():
    texts = {"P02": "Then Treliske, 2019.", "P01": "With Lowenna and Penhallow."}
    _, candidates = review(texts)
    assert list(zip(candidates["transcript_id"], candidates["text"], strict=True)) == [
        ("P01", "Lowenna"),
        ("P01", "Penhallow"),
        ("P02", "Treliske"),
        ("P02", "2019"),
    ]


# --- the page ----------------------------------------------------------------------------


class Highlights(HTMLParser):
    """Collects each highlight (offsets, kind, tooltip, original text) and each transcript's
    text as shown, without the inserted replacements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.marks: list[dict] = []
        self.open: list[str] = []  # tags open inside a transcript's text
        self.sections: dict[str, str] = {}
        self.section: str | None = None
        self.in_text = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs["id"].removeprefix("t-")
            self.sections[self.section] = ""
        elif tag == "div" and attrs.get("class") == "text":
            self.in_text = True
        elif self.in_text:
            self.open.append(tag)
            if "data-start" in attrs:
                kind = "candidate" if tag == "mark" else attrs["class"]
                start, end = int(attrs["data-start"]), int(attrs["data-end"])
                self.marks.append(
                    {"start": start, "end": end, "kind": kind, "title": attrs["title"], "text": ""}
                )

    def handle_endtag(self, tag):
        if self.in_text and self.open:
            self.open.pop()
        elif tag == "div":
            self.in_text = False

    def handle_data(self, data):
        if not self.in_text or "ins" in self.open:
            return
        self.sections[self.section] += data
        if self.open and self.open[-1] in ("del", "mark"):
            self.marks[-1]["text"] += data


def parse(page: str) -> Highlights:
    parser = Highlights()
    parser.feed(page)
    return parser


def page_for(texts: dict[str, str], rows=(), allow_list=()):
    result, candidates = review(texts, rows, allow_list=allow_list)
    return result, candidates, review_html(texts, result.log, candidates, title="Review")


def test_highlights_sit_at_the_right_offsets():
    text = "We met Kirsty and Dave, then Lowenna, in 2019."
    rows = [
        ("P01", text, "Kirsty", "PERSON", "rule:unfamiliar", 0.4),
        ("P01", text, "Dave", "PERSON", "register", 1.0),
    ]
    result, _, page = page_for({"P01": text}, rows)
    parsed = parse(page)
    for mark in parsed.marks:
        expected = text[mark["start"] : mark["end"]]
        assert mark["text"] == expected, mark
    kinds = {(m["text"], m["kind"]) for m in parsed.marks}
    assert kinds == {
        ("Kirsty", "rep flag"),
        ("Dave", "rep"),
        ("Lowenna", "candidate"),
        ("2019", "candidate"),
    }
    titles = {m["text"]: m["title"] for m in parsed.marks}
    assert "[PERSON_1]" in titles["Kirsty"] and "low confidence" in titles["Kirsty"]
    assert titles["Lowenna"] == UNKNOWN_WORD


def test_page_shows_every_transcript_whole_with_its_replacements():
    texts = {"P01": "We met Dave.\n\nThen Lowenna.", "P02": "Nothing here."}
    result, _, page = page_for(texts, [("P01", texts["P01"], "Dave", "PERSON", "ner", 1.0)])
    parsed = parse(page)
    # the raw text minus the inserted replacements is the raw text, plus one space each
    assert parsed.sections["P01"] == "We met Dave .\n\nThen Lowenna."
    assert parsed.sections["P02"] == texts["P02"]
    assert "<ins>[PERSON_1]</ins>" in page
    assert 'href="#t-P01"' in page and 'id="t-P02"' in page


def test_page_escapes_all_text():
    text = 'She typed <script>alert("x")</script> & left Zork<b>.'
    title = "<b>Review</b>"
    rows = [("P01", text, "Zork", "PERSON", "ner", 0.3)]
    result, candidates = review({"P01": text}, rows)
    page = review_html({"P01": text}, result.log, candidates, title=title)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; left" in page
    assert "<b>" not in page and "&lt;b&gt;Review&lt;/b&gt;" in page
    assert parse(page).sections["P01"] == text.replace("Zork", "Zork ")


def test_page_is_self_contained():
    texts = {"P01": "See www.example.org or http://bad.example, says Lowenna."}
    _, _, page = page_for(texts)
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<html") == 1 and page.count("<style>") == 1
    assert not re.search(r"<(script|link|img|iframe|object)\b", page, re.IGNORECASE)
    assert "src=" not in page.lower()
    assert all(link.startswith("#") for link in re.findall(r'href="([^"]*)"', page))
    assert "@import" not in page and "url(" not in page


def test_summary_counts_replacements_and_candidates_per_transcript():
    texts = {"P01": "We met Dave and Lowenna in 2019.", "P02": "Nothing."}
    _, _, page = page_for(texts, [("P01", texts["P01"], "Dave", "PERSON", "ner", 1.0)])
    row = re.search(r'<tr><td><a href="#t-P01">P01</a></td>(.*?)</tr>', page).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "2", "1", "0", "1", "0", "0"]
    assert "<tfoot><tr><td>All</td><td>1</td><td>2</td>" in page


def test_legend_names_every_reason():
    _, _, page = page_for({"P01": "Nothing."})
    for reason in (UNKNOWN_WORD, FIRST_NAME, DIGITS, LOW_CONFIDENCE, NOT_REPLACED):
        assert f"<dt>{html.escape(reason)}</dt>" in page


TEXT_CHARS = st.sampled_from(list("abc XYZ<>&\"'\n.09é"))


@settings(deadline=None, max_examples=100)
@given(st.text(TEXT_CHARS, min_size=1, max_size=60), st.data())
def test_property_page_reproduces_the_raw_text_and_offsets(text, data):
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(1, 6)), max_size=4))
    rows, taken = [], [False] * len(text)
    for start, length in spans:
        end = min(start + length, len(text))
        if start < end and not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            rows.append(("P01", start, end, "ORG", text[start:end], "ner", 0.5))
    frame = pd.DataFrame(rows, columns=[*DETECTION_COLUMNS, "confidence"])
    types = {c: str for c in DETECTION_COLUMNS} | {"start": "int64", "end": "int64"}
    found = Detection.validate(frame.astype(types | {"confidence": "float64"}))
    result = pseudonymise_corpus({"P01": text}, found, [])
    candidates = review_candidates({"P01": text}, result.log, found, allow_list=[])
    parsed = parse(review_html({"P01": text}, result.log, candidates, title="t"))
    expected, cursor = "", 0
    for end in sorted(result.log["end"]):
        expected += text[cursor:end] + " "  # the space between original and replacement
        cursor = end
    assert parsed.sections["P01"] == expected + text[cursor:]
    for mark in parsed.marks:
        assert mark["text"] == text[mark["start"] : mark["end"]]


def test_bad_reason_fails_validation():
    frame = pd.DataFrame([("P01", 0, 1, "x", "because")], columns=CANDIDATE_COLUMNS)
    with pytest.raises(Exception, match="reason"):
        ReviewCandidate.validate(frame)
