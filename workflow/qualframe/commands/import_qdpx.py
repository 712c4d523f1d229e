"""Read a REFI-QDA project (.qdpx) into tables.

The codebook, cases, sources and codings of a project (or the codes of a .qdc codebook),
each as Parquet and CSV in one folder.
"""

from pathlib import Path

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.readers import read_file, read_project_file

TABLES = ("codebook", "cases", "sources", "segments")


def register_parser(subparsers):
    parser = options.add_command(subparsers, "import-qdpx", __doc__)
    parser.add_argument("file", help="the .qdpx (or a .qdc codebook)")
    options.add_output(
        parser,
        None,
        "folder for <table>.parquet and <table>.csv: codebook, cases, sources, segments",
    )
    return parser


def run(args) -> None:
    from qualframe.refi.read import read_codebook_qdc

    out = Path(args.output)
    if Path(args.file).suffix.lower() == ".qdc":
        codebook = read_codebook_qdc(read_file(args.file), args.file)
        qio.write_table(codebook, out / "codebook.parquet", out / "codebook.csv")
        print(f"{args.file}: {len(codebook)} codes")
        return
    project = read_project_file(args.file)
    for table in TABLES:
        frame = getattr(project, table)
        qio.write_table(frame, out / f"{table}.parquet", out / f"{table}.csv")
    print(
        f"{args.file}: {len(project.codebook)} codes, {len(project.cases)} cases, "
        f"{len(project.sources)} sources, {len(project.segments)} codings by "
        f"{project.segments['coder'].nunique()} coder(s)"
    )
