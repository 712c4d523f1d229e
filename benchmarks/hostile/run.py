"""Hostile text: how long de-identification takes on one huge token.

A pattern that backtracks can turn one long token (a pasted hash, a run of capitals, a
line of punctuation) into minutes of work: one 100,000-character token took 125 s before
every pattern was made linear. This feeds texts made of one token of 1,000,000 characters
(and, to show the growth, of 250,000) through rules-only detection, pseudonymisation and
the review list, and writes the seconds each took to `benchmarks/hostile/results.md`.
Linear work takes about four times as long at four times the size; quadratic, sixteen.

    .venv/bin/python benchmarks/hostile/run.py [--sizes 250000 1000000]
"""

import argparse
import os
import time
from pathlib import Path

import pandas as pd

from qualframe.deid import build_register, detect_transcript
from qualframe.deid.pseudonymise import pseudonymise_corpus
from qualframe.deid.review import review_candidates

# The shapes that made a pattern backtrack, and ordinary text for comparison.
TOKENS = {
    "capitals (AAAA…)": "A",
    "capitalised pairs (AaAa…)": "Aa",
    "lower case (aaaa…)": "a",
    "digits (1111…)": "1",
    "per cent signs (%%%%…)": "%",
    "capitals and hyphens (A-A-…)": "A-",
    "letters and dots (a.a.…)": "a.",
    "letters and at signs (a@a@…)": "a@",
    "zero-width spaces in a name (Fake\u200bley…)": "Fake\u200b",
    "ordinary interview text": "Participant: I worked at the crisis house in Leeds for two years. ",
}
REGISTER = pd.DataFrame({"term": ["Sam Fakeley"], "entity_type": ["PERSON"]})


def timed(function, *args):
    """Seconds `function(*args)` takes, and what it returned."""
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def measure(text: str) -> dict[str, float]:
    """Seconds of detection, pseudonymisation and review of one text."""
    register = build_register(REGISTER)
    detect_s, detections = timed(detect_transcript, "T1", text, register, [])
    pseudo_s, result = timed(pseudonymise_corpus, {"T1": text}, detections, [])
    review_s, _ = timed(review_candidates, {"T1": text}, result.log, detections)
    return {"detect": detect_s, "pseudonymise": pseudo_s, "review": review_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--output", default=Path(__file__).with_name("results.md"))
    args = parser.parse_args()
    rows = []
    for name, token in TOKENS.items():
        for size in args.sizes:
            seconds = measure((token * (size // len(token) + 1))[:size])
            rows.append({"text": name, "characters": f"{size:,}", **seconds})
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    for column in ("detect", "pseudonymise", "review"):
        table[column] = table[column].map(lambda s: f"{s:.2f}")
    load = os.getloadavg()[0]
    lines = [
        "# Hostile text: one huge token",
        "",
        f"`benchmarks/hostile/run.py`, seconds on one core (load average {load:.1f} at the end).",
        "",
        table.to_markdown(index=False),
        "",
    ]
    Path(args.output).write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
