"""`qualframe ingest`: raw transcripts (one shard of the study) to normalised text."""

import hashlib
from pathlib import Path

from qualframe import io as qio
from qualframe import provenance
from qualframe.commands.paths import transcript_id_of
from qualframe.errors import QualframeError


def add_parsers(steps) -> None:
    ingest = steps.add_parser(
        "ingest", help="normalise raw transcripts (.txt/.docx/.vtt) into one restricted table"
    )
    ingest.add_argument("--input", nargs="+", required=True, help="raw transcript files")
    ingest.add_argument(
        "--output", required=True, help="normalised transcripts with their sources (Parquet)"
    )
    ingest.set_defaults(run=run_ingest)


def run_ingest(args) -> None:
    import pandas as pd

    from qualframe.ingest import normalise_text, read_transcript
    from qualframe.schemas import IngestedTranscript

    rows = []
    for path in args.input:
        text = normalise_text(read_transcript(path))
        if not text.strip():
            raise QualframeError("the transcript is empty", path=path)
        rows.append(
            {
                "transcript_id": transcript_id_of(path),
                "source_file": provenance.as_posix(path),
                "source_format": Path(path).suffix.lower().lstrip("."),
                "source_bytes": Path(path).stat().st_size,
                "source_sha256": qio.sha256_file(path),
                "normalised_characters": len(text),
                "normalised_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "text": text,
            }
        )
        print(f"{rows[-1]['transcript_id']}: {len(text)} characters from {path}")
    table = pd.DataFrame(rows)
    duplicates = table["transcript_id"][table["transcript_id"].duplicated()]
    if not duplicates.empty:
        raise QualframeError(f"two raw files give the transcript id {duplicates.iloc[0]!r}")
    table = IngestedTranscript.validate(table)
    qio.make_restricted_dir(Path(args.output).parent)
    qio.write_table(table, args.output, restricted=True)
