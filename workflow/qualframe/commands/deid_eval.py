"""Score de-identification against a gold file.

Recall, precision and leaks per entity type and overall, of an anonymisation log or a
detection table against gold spans (JSON lines, as `synth` writes them).
"""

import json
import sys
from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.paths import read_texts
from qualframe.errors import QualframeError


def register_parser(subparsers):
    parser = options.add_command(subparsers, "deid-eval", __doc__)
    parser.add_argument("--gold", required=True, help="gold spans, JSON lines")
    parser.add_argument(
        "--predicted", required=True, help="anonymisation log or detections (CSV/Parquet)"
    )
    options.add_texts(parser, "--texts", "the normalised transcripts the spans are in")
    options.add_json(parser, "print the scores as JSON")
    return parser


def read_predicted(path: str) -> pd.DataFrame:
    if Path(path).suffix.lower() == ".parquet":
        return qio.read_parquet(path)
    frame = qio.read_csv(path)
    return frame.astype({"start": "int64", "end": "int64"})


def run(args) -> None:
    from qualframe.evaluate import read_gold_jsonl, score, scores_table

    try:
        gold = read_gold_jsonl(qio.read_text(args.gold).splitlines())
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.gold) from exc
    texts = read_texts(args.texts)
    try:
        scores = score(gold, read_predicted(args.predicted), texts)
    except ValueError as exc:
        culprit = args.gold if str(exc).startswith("gold") else args.predicted
        raise QualframeError(str(exc), path=culprit) from exc
    table = scores_table(scores)
    if args.json:
        json.dump(table.to_dict(orient="records"), sys.stdout, indent=2)
        print()
    else:
        print(table.to_string(index=False))
