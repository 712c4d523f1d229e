"""REFI-QDA exchange: `qualframe import-qdpx` and `qualframe export-qdpx`."""

from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands.paths import read_texts
from qualframe.errors import QualframeError

TABLES = ("codebook", "cases", "sources", "segments")


def add_parsers(steps) -> None:
    reader = steps.add_parser("import-qdpx", help="read a REFI-QDA project (.qdpx) into tables")
    reader.add_argument("file", help="the .qdpx (or a .qdc codebook)")
    reader.add_argument(
        "--output", required=True, help="folder: codebook, cases, sources, segments"
    )
    reader.set_defaults(run=run_import_qdpx)

    writer = steps.add_parser(
        "export-qdpx", help="write de-identified transcripts and coding as a REFI-QDA project"
    )
    writer.add_argument("--transcripts", nargs="+", required=True, help="de-identified texts")
    writer.add_argument("--codebook", required=True, help="codebook table (Parquet)")
    writer.add_argument("--cases", required=True, help="case table (Parquet)")
    writer.add_argument("--segments", help="coded segments (Parquet), if any")
    writer.add_argument("--name", default="qualframe study", help="project name")
    writer.add_argument("--output", required=True, help="the .qdpx to write")
    writer.set_defaults(run=run_export_qdpx)


def read_project_file(path: str):
    """The REFI-QDA project of a .qdpx file, validated against the schema."""
    from qualframe.refi.archive import read_qdpx
    from qualframe.refi.read import read_project

    return read_project(read_qdpx(read_file(path), path))


def read_file(path: str) -> bytes:
    """The bytes of a file the user named; a missing or unreadable one is a QualframeError."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise QualframeError(f"cannot read: {exc.strerror}", path=path) from exc


def run_import_qdpx(args) -> None:
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


def run_export_qdpx(args) -> None:
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


def segments_as_export(project) -> pd.DataFrame:
    """A project's codings as a coded-segment export: document, code path, coder, quote
    and offsets, every value text, in the columns `EXPORT_COLUMNS` names."""
    paths = project.codebook.set_index("guid")["path"]
    frame = project.segments
    return pd.DataFrame(
        {
            "document": frame["source_name"].astype(str),
            "code": frame["code_guid"].map(paths).fillna(frame["code_name"]).astype(str),
            "coder": frame["coder"].astype(str),
            "text": frame["text"].astype(str),
            "start": frame["start"].astype(str),
            "end": frame["end"].astype(str),
        }
    )
