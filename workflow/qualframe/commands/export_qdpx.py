"""Write de-identified transcripts and coding as a REFI-QDA project.

A .qdpx to import into NVivo, MAXQDA, ATLAS.ti or QualCoder: the de-identified transcripts,
the codebook, the cases and, once there is coding, the coded segments.
"""

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.paths import read_texts


def register_parser(subparsers):
    parser = options.add_command(subparsers, "export-qdpx", __doc__)
    options.add_texts(parser, "--transcripts", options.DEIDENTIFIED)
    parser.add_argument("--codebook", required=True, help=options.CODEBOOK)
    parser.add_argument("--cases", required=True, help=options.CASES)
    parser.add_argument("--segments", help=f"{options.SEGMENTS}, if any")
    parser.add_argument("--name", default="qualframe study", help="project name")
    options.add_output(parser, None, "the .qdpx to write")
    return parser


def run(args) -> None:
    from qualframe.refi.write import build_qdpx

    texts = dict(sorted(read_texts(args.transcripts).items()))
    segments = qio.read_parquet(args.segments) if args.segments else None
    data = build_qdpx(
        texts,
        qio.read_parquet(args.codebook),
        qio.read_parquet(args.cases),
        segments,
        project_name=args.name,
    )
    with qio.atomic_path(args.output) as tmp:
        tmp.write_bytes(data)
    coded = 0 if segments is None else len(segments)
    print(f"{args.output}: {len(texts)} transcripts, {coded} coded segments")
