"""The bundled demo study is consistent: gold offsets address the normalised text."""

from pathlib import Path

import pandas as pd
import pytest

from qualframe.coding import codebook_from_dict
from qualframe.evaluate import read_gold_jsonl
from qualframe.ingest import discover_transcripts, normalise_text, read_transcript
from qualframe.io import read_yaml

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"


@pytest.fixture(scope="module")
def texts():
    found = discover_transcripts(DEMO / "transcripts")
    return {tid: normalise_text(read_transcript(path)) for tid, path in found.items()}


def test_demo_has_18_transcripts_in_three_formats(texts):
    files = discover_transcripts(DEMO / "transcripts").values()
    suffixes = pd.Series([Path(f).suffix for f in files]).value_counts()
    assert len(texts) == 18
    assert suffixes[".docx"] >= 3 and suffixes[".vtt"] >= 2
    raw = [Path(f).read_bytes() for f in files if f.endswith(".txt")]
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw)
    assert any(b"\r\n" in b for b in raw)


def test_demo_transcripts_are_interview_length(texts):
    words = {tid: len(text.split()) for tid, text in texts.items()}
    assert all(1000 <= n <= 2000 for n in words.values()), words


def test_gold_offsets_address_the_normalised_text(texts):
    gold = read_gold_jsonl((DEMO / "gold/identifiers.jsonl").read_text().splitlines())
    assert len(gold) > 300
    for row in gold.itertuples():
        assert texts[row.transcript_id][row.start : row.end] == row.text


def test_codebook_and_cases_load():
    codebook = codebook_from_dict(read_yaml(DEMO / "codebook.yaml"), "codebook.yaml")
    assert len(codebook) == 16
    assert {"facilitator", "barrier"} <= set(codebook["valence"])
    cases = pd.read_csv(DEMO / "cases.tsv", sep="\t")
    assert cases["case_id"].tolist() == [f"P{i:02d}" for i in range(1, 19)]
