"""Time the framework matrix and theme summaries on a synthetic study of any size.

    python benchmarks/matrix/run.py --cases 200 --codes 100 --segments-per-case 40

Builds cases, a codebook and coded segments with a seeded generator (no transcripts are
read: texts are random words), then times each step once after a warm-up (with
--no-warm-up, its first call) and prints a markdown table. Nothing here is asserted:
the numbers go into benchmarks/README.md.
"""

import argparse
import platform
import resource
import time

import numpy as np
import pandas as pd

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--codes", type=int, default=100)
    parser.add_argument("--segments-per-case", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-warm-up", action="store_true", help="time the first call (for large studies)"
    )
    args = parser.parse_args()
    global WARM_UP
    WARM_UP = not args.no_warm_up
    cases, codebook, texts, segments = study(
        args.cases, args.codes, args.segments_per_case, args.seed
    )
    lengths = {case: len(text) for case, text in texts.items()}
    attributes = ["service_type", "region"]
    results: list[tuple[str, float]] = []
    matrix = timed(
        "framework matrix (long)",
        results,
        chart_matrix,
        segments,
        codebook,
        cases,
        attributes,
        "A",
        text_lengths=lengths,
        sort_by=["service_type"],
    )
    timed("wide view", results, wide_matrix, matrix, attributes, 1500)
    timed("XLSX workbook", results, framework_workbook, matrix, codebook, attributes)
    timed("theme summary", results, summarise_themes, matrix, attributes)
    charted = select_segments(segments, "A")
    cooccurrence = timed("code co-occurrence", results, code_cooccurrence, matrix, charted)
    timed("presence table", results, presence_table, matrix)
    exemplars = timed("exemplar quotes", results, exemplar_quotes, charted, codebook)
    timed("code profiles", results, code_profiles, matrix, cooccurrence, exemplars)
    total = sum(seconds for _, seconds in results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.cases} cases × {len(codebook)} codes, {len(segments):,} segments; "
        f"Python {platform.python_version()}, peak {peak:.0f} MB\n"
    )
    print("| step | seconds |\n|---|---|")
    for label, seconds in results:
        print(f"| {label} | {seconds:.2f} |")
    print(f"| **all** | **{total:.2f}** |")


if __name__ == "__main__":
    main()
