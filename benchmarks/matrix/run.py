"""Time the framework matrix and theme summaries on a synthetic study of any size.

    python benchmarks/matrix/run.py --cases 10000 --codes 100 --segments-per-case 100

Builds cases, a codebook, de-identified texts and coded segments with a seeded generator
(texts are random words), writes them to a study folder (--folder; kept, and reused when
it already holds the same study), then runs `qualframe chart` and `qualframe summarise` on
it as the workflow does, each in its own process, and ends with one line:
`chart+summarise: X s, peak Y MB` (wall time of both, peak resident memory of the larger).
With --steps it also times each step in this process, once after a warm-up (with
--no-warm-up, its first call), as a markdown table. Nothing here is asserted: the numbers
go into benchmarks/README.md.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from qualframe import io as qio
from qualframe.coding import codebook_from_dict
from qualframe.coding.segments import assign_segment_ids
from qualframe.matrix import chart_matrix, framework_workbook, select_segments, wide_matrix
from qualframe.themes import (
    code_cooccurrence,
    code_profiles,
    exemplar_quotes,
    presence_table,
    summarise_themes,
)

WORDS = (
    "crisis staff funding police partners café house users peer support commissioners "
    "building covid referral team night beds ambulance carers trust council waiting"
).split()


def study(n_cases: int, n_codes: int, per_case: int, seed: int):
    """Cases, codebook, de-identified texts and segments of a synthetic study."""
    rng = np.random.default_rng(seed)
    themes = [
        {
            "id": f"t{t}",
            "name": f"Theme {t}",
            "codes": [
                {
                    "id": f"c{t}_{c}",
                    "name": f"Code {t}.{c}",
                    "definition": "d",
                    "valence": ("facilitator", "barrier", "mixed")[c % 3],
                    "cfir_domain": "Inner Setting",
                    "cfir_construct": "x",
                }
                for c in range(n_codes // 10)
            ],
        }
        for t in range(10)
    ]
    codebook = codebook_from_dict({"themes": themes})
    cases = pd.DataFrame(
        {
            "case_id": [f"C{i:04d}" for i in range(n_cases)],
            "service_type": [f"type {i % 8}" for i in range(n_cases)],
            "region": [f"region {i % 7}" for i in range(n_cases)],
        }
    )
    texts = {case: " ".join(rng.choice(WORDS, size=2000)) for case in cases["case_id"]}
    rows = []
    for case, text in texts.items():
        for _ in range(per_case):
            start = int(rng.integers(0, len(text) - 400))
            end = start + int(rng.integers(50, 400))
            rows.append(
                {
                    "transcript_id": case,
                    "start": start,
                    "end": end,
                    "case_id": case,
                    "code_id": str(rng.choice(codebook["code_id"])),
                    "coder": "A" if rng.random() < 0.9 else "B",
                    "paragraph": 1,
                    "text": text[start:end],
                    "source_file": "synthetic",
                    "source_row": 1,
                }
            )
    segments = assign_segment_ids(pd.DataFrame(rows), codebook)
    return cases, codebook, texts, segments


WARM_UP = True


def timed(label: str, results: list, function, *args, **kwargs):
    if WARM_UP:
        function(*args, **kwargs)
    start = time.perf_counter()
    value = function(*args, **kwargs)
    results.append((label, time.perf_counter() - start))
    return value


ATTRIBUTES = ["service_type", "region"]


def write_study(folder: Path, cases, codebook, texts, segments, settings: dict) -> None:
    """The study's tables (Parquet, as `qualframe import-coding` writes them) and
    de-identified texts (one .txt per case), then settings.json, written last."""
    (folder / "transcripts").mkdir(parents=True, exist_ok=True)
    for case, text in texts.items():
        (folder / "transcripts" / f"{case}.txt").write_text(text, encoding="utf-8")
    qio.write_table(segments, folder / "segments.parquet")
    qio.write_table(codebook, folder / "codebook.parquet")
    qio.write_table(cases, folder / "cases.parquet")
    (folder / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


def run_measured(command: list[str]) -> tuple[float, float, float]:
    """Run `command`; (wall seconds, CPU seconds, peak resident MB of its process): on a
    shared machine the CPU time shows what the wall time would be without other load.
    Fails loudly."""
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"failed ({process.returncode}): {' '.join(command)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_commands(folder: Path) -> None:
    """`qualframe chart` then `qualframe summarise` on the study in `folder`."""
    qualframe = str(Path(sys.executable).parent / "qualframe")
    out = folder / "results"
    chart = [
        qualframe, "chart",
        "--segments", str(folder / "segments.parquet"),
        "--codebook", str(folder / "codebook.parquet"),
        "--cases", str(folder / "cases.parquet"),
        "--attributes", *ATTRIBUTES,
        "--primary-coder", "A",
        "--max-cell-chars", "1500",
        "--transcripts", str(folder / "transcripts"),
        "--sort-by", "service_type",
        "--output", str(out / "framework_matrix.parquet"),
        "--csv", str(out / "framework_matrix.csv"),
        "--output-wide", str(out / "framework_matrix_wide.parquet"),
        "--wide-csv", str(out / "framework_matrix_wide.csv"),
        "--output-workbook", str(out / "framework_matrix.xlsx"),
    ]  # fmt: skip
    summarise = [
        qualframe, "summarise",
        "--matrix", str(out / "framework_matrix.parquet"),
        "--segments", str(folder / "segments.parquet"),
        "--codebook", str(folder / "codebook.parquet"),
        "--primary-coder", "A",
        "--attributes", *ATTRIBUTES,
        "--exemplars-per-code", "3",
        "--output", str(out / "theme_summary.parquet"),
        "--csv", str(out / "theme_summary.csv"),
        "--output-profiles", str(out / "code_profiles.parquet"),
        "--profiles-csv", str(out / "code_profiles.csv"),
        "--output-cooccurrence", str(out / "code_cooccurrence.parquet"),
        "--cooccurrence-csv", str(out / "code_cooccurrence.csv"),
        "--output-presence", str(out / "code_presence.parquet"),
        "--presence-csv", str(out / "code_presence.csv"),
        "--output-exemplars", str(out / "exemplar_quotes.parquet"),
        "--exemplars-csv", str(out / "exemplar_quotes.csv"),
    ]  # fmt: skip
    measured = {"chart": run_measured(chart), "summarise": run_measured(summarise)}
    for step, (seconds, cpu, peak) in measured.items():
        print(f"{step}: {seconds:.1f} s (CPU {cpu:.1f} s), peak {peak:.0f} MB")
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end; "
        f"CPU time of both {sum(cpu for _, cpu, _ in measured.values()):.1f} s"
    )
    total = sum(seconds for seconds, _, _ in measured.values())
    peak = max(peak for _, _, peak in measured.values())
    print(f"chart+summarise: {total:.1f} s, peak {peak:.0f} MB")


def time_steps(cases, codebook, texts, segments, n_cases: int) -> None:
    """Each step timed in this process, as a markdown table."""
    lengths = {case: len(text) for case, text in texts.items()}
    results: list[tuple[str, float]] = []
    matrix = timed(
        "framework matrix (long)",
        results,
        chart_matrix,
        segments,
        codebook,
        cases,
        ATTRIBUTES,
        "A",
        text_lengths=lengths,
        sort_by=["service_type"],
    )
    timed("wide view", results, wide_matrix, matrix, ATTRIBUTES, 1500)
    timed("XLSX workbook", results, framework_workbook, matrix, codebook, ATTRIBUTES)
    timed("theme summary", results, summarise_themes, matrix, ATTRIBUTES)
    charted = select_segments(segments, "A")
    cooccurrence = timed("code co-occurrence", results, code_cooccurrence, matrix, charted)
    timed("presence table", results, presence_table, matrix)
    exemplars = timed("exemplar quotes", results, exemplar_quotes, charted, codebook)
    timed("code profiles", results, code_profiles, matrix, cooccurrence, exemplars)
    total = sum(seconds for _, seconds in results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{n_cases} cases × {len(codebook)} codes, {len(segments):,} segments; "
        f"Python {platform.python_version()}, peak {peak:.0f} MB\n"
    )
    print("| step | seconds |\n|---|---|")
    for label, seconds in results:
        print(f"| {label} | {seconds:.2f} |")
    print(f"| **all** | **{total:.2f}** |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--codes", type=int, default=100)
    parser.add_argument("--segments-per-case", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--folder",
        type=Path,
        help="study folder (default: qualframe-matrix-CASES-CODES-SEGMENTS-SEED in the "
        "temporary folder)",
    )
    parser.add_argument("--steps", action="store_true", help="also time each step in-process")
    parser.add_argument("--write-only", action="store_true", help="write the study folder and stop")
    parser.add_argument(
        "--no-warm-up", action="store_true", help="time the first call (for large studies)"
    )
    args = parser.parse_args()
    global WARM_UP
    WARM_UP = not args.no_warm_up
    settings = {
        "cases": args.cases,
        "codes": args.codes,
        "segments_per_case": args.segments_per_case,
        "seed": args.seed,
    }
    folder = args.folder or Path(tempfile.gettempdir()) / (
        f"qualframe-matrix-{args.cases}-{args.codes}-{args.segments_per_case}-{args.seed}"
    )
    written = folder / "settings.json"
    generated = None
    if not written.exists() or json.loads(written.read_text(encoding="utf-8")) != settings:
        written.unlink(missing_ok=True)
        generated = study(args.cases, args.codes, args.segments_per_case, args.seed)
        write_study(folder, *generated, settings)
    if args.write_only:
        print(f"study written to {folder}")
        return
    segments = qio.read_parquet(folder / "segments.parquet")
    print(
        f"study: {folder} ({args.cases:,} cases × {args.codes} codes, {len(segments):,} "
        f"segments); Python {platform.python_version()}; load average "
        f"{os.getloadavg()[0]:.1f} at the start",
        flush=True,
    )
    if args.steps:
        generated = generated or study(args.cases, args.codes, args.segments_per_case, args.seed)
        time_steps(*generated, args.cases)
    run_commands(folder)


if __name__ == "__main__":
    main()
