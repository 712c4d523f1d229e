"""Ingest's normalisation keeps maps back to the text as read, so raw offsets survive it."""

import re
import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.ingest.normalise import IngestMaps, normalise_with_maps

# the characters normalisation touches, mixed with words
PIECES = st.lists(
    st.sampled_from(["\r\n", "\r", "\n", " ", "\t", "e\u0301", "é", "word", "Ab", "\ufeff"]),
    max_size=40,
)


def reference(text: str) -> str:
    """Ingest's normalisation written plainly (what README "Ingest" lists, in order)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n" if text else ""


def stored(maps: IngestMaps, normalised: str) -> IngestMaps:
    """The maps after a trip through the ingest table's columns."""
    return IngestMaps.from_row({**maps.to_columns(), "normalised_characters": len(normalised)})


@settings(max_examples=300)
@given(st.one_of(st.text(), PIECES.map("".join)))
def test_normalisation_and_its_maps(raw):
    normalised, maps = normalise_with_maps(raw)
    assert normalised == reference(raw)
    whole = maps.line_endings.then(maps.normalise)
    assert (whole.source_length, whole.derived_length) == (len(raw), len(normalised))
    # every character copied one for one is the character it came from
    single = whole.ends - whole.starts[:-1] == 1
    for i in np.flatnonzero(single):
        source = raw[whole.starts[i]]
        assert normalised[i] == source or (source == "\r" and normalised[i] == "\n")
    again = stored(maps, normalised)
    for a, b in ((maps.line_endings, again.line_endings), (maps.normalise, again.normalise)):
        assert np.array_equal(a.starts, b.starts) and np.array_equal(a.ends, b.ends)


@given(PIECES, st.sampled_from(["\r\n", "\n"]), st.booleans())
def test_a_word_at_raw_offsets_lands_on_that_word(pieces, newline, bom):
    words = [f"w{i}" for i in range(len(pieces))]
    pairs = zip(pieces, words, strict=True)
    body = "".join(f"{p.replace(chr(0xFEFF), '')}{w}{newline}" for p, w in pairs)
    raw = ("\ufeff" if bom else "") + body
    normalised, maps = normalise_with_maps(raw)
    shift, offsets = maps.readings()["as written"]
    as_written = raw.removeprefix("\ufeff")
    for word in words:
        start = as_written.index(word + newline)
        begin, end = offsets.derived_span(start + shift, start + shift + len(word))
        assert normalised[begin:end] == word


def test_readings_of_a_bom_and_crlf_file():
    raw = "\ufeffQ: Hello?  \r\n\r\n\r\nA: Café it was.\r\n"
    normalised, maps = normalise_with_maps(raw)
    assert normalised == "Q: Hello?\n\nA: Café it was.\n"
    readings = maps.readings()
    assert list(readings) == ["as written", "LF", "with BOM"]
    targets = {
        "as written": raw[1:].index("Café"),
        "LF": raw[1:].replace("\r\n", "\n").index("Café"),
        "with BOM": raw.index("Café"),
    }
    for name, start in targets.items():
        shift, offsets = readings[name]
        begin, end = offsets.derived_span(start + shift, start + shift + 4)
        assert normalised[begin:end] == "Café", name
    assert list(normalise_with_maps("plain\n")[1].readings()) == ["as written"]
