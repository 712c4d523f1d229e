"""Write a synthetic corpus with gold identifier spans.

UK-flavoured interview transcripts full of made-up identifiers, and where each one is,
for scoring de-identification with `deid-eval`.
"""

from pathlib import Path

from qualframe import io as qio
from qualframe.commands import options
from qualframe.errors import QualframeError


def register_parser(subparsers):
    parser = options.add_command(subparsers, "synth", __doc__)
    parser.add_argument("--n", type=int, required=True, help="number of transcripts")
    parser.add_argument("--seed", type=int, default=0, help="random seed: one seed, one corpus")
    options.add_output(parser, None, "folder: transcripts/ and gold.jsonl")
    return parser


def run(args) -> None:
    from qualframe.evaluate import gold_to_jsonl
    from qualframe.synth import synthesise

    if args.n < 1:
        raise QualframeError(f"--n must be at least 1, not {args.n}")
    texts, gold = synthesise(args.n, args.seed)
    out = Path(args.output)
    for transcript_id, text in texts.items():
        qio.write_text(out / "transcripts" / f"{transcript_id}.txt", text)
    qio.write_text(out / "gold.jsonl", gold_to_jsonl(gold))
    print(f"{len(texts)} synthetic transcripts, {len(gold)} gold spans (seed {args.seed})")
