"""Normalise raw transcripts (.txt/.docx/.vtt) into one restricted table.

Reads the raw files of one shard of the study and writes their normalised text, with
the offset maps back to the raw characters and each source file's checksum.
"""

import hashlib
from pathlib import Path

from qualframe import io as qio
from qualframe import provenance
from qualframe.commands import options
from qualframe.errors import QualframeError

# 50 MB: a long interview is about 100 kB of text; a bigger "transcript" is a mistake
# (a recording, an export of a whole folder) or hostile, and would fill the memory of every
# later step.
DEFAULT_MAX_BYTES = 50_000_000


def register_parser(subparsers):
    parser = options.add_command(subparsers, "ingest", __doc__)
    parser.add_argument("--input", nargs="+", required=True, help="raw transcript files")
    options.add_output(
        parser, None, "normalised transcripts with their sources (Parquet, restricted)"
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        help=f"refuse a transcript file larger than this (default {DEFAULT_MAX_BYTES:,})",
    )
    return parser


def run(args) -> None:
    import pandas as pd

    from qualframe.ingest import read_transcript, transcript_id_of
    from qualframe.ingest.normalise import normalise_with_maps
    from qualframe.schemas import IngestedTranscript

    if args.max_bytes < 1:
        raise QualframeError(f"--max-bytes must be a positive number, not {args.max_bytes}")
    rows, seen = [], {}
    for path in args.input:
        transcript_id = transcript_id_of(path)
        if transcript_id in seen:
            raise QualframeError(
                f"two raw files give the transcript id {transcript_id!r}: {seen[transcript_id]}",
                path=path,
            )
        seen[transcript_id] = path
        text, maps = normalise_with_maps(read_transcript(path, max_bytes=args.max_bytes))
        if not text.strip():
            raise QualframeError(
                "the transcript is empty (no text, or only white space and a BOM)", path=path
            )
        rows.append(
            {
                "transcript_id": transcript_id,
                "source_file": provenance.as_posix(path),
                "source_format": Path(path).suffix.lower().lstrip("."),
                "source_bytes": Path(path).stat().st_size,
                "source_sha256": qio.sha256_file(path),
                "normalised_characters": len(text),
                "normalised_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "text": text,
                **maps.to_columns(),
            }
        )
        print(f"{rows[-1]['transcript_id']}: {len(text)} characters from {path}")
    table = IngestedTranscript.validate(pd.DataFrame(rows))
    qio.make_restricted_dir(Path(args.output).parent)
    qio.write_table(table, args.output, restricted=True)
