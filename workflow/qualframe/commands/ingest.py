"""`qualframe ingest`: one raw transcript to normalised text."""

from pathlib import Path

from qualframe import io as qio
from qualframe.errors import QualframeError


def add_parsers(steps) -> None:
    ingest = steps.add_parser("ingest", help="normalise one raw transcript (.txt/.docx/.vtt)")
    ingest.add_argument("--input", required=True, help="raw transcript file")
    ingest.add_argument("--transcript-id", required=True)
    ingest.add_argument("--output", required=True, help="normalised text (restricted)")
    ingest.add_argument("--metadata", required=True, help="JSON: source file, format, SHA-256")
    ingest.set_defaults(run=run_ingest)


def run_ingest(args) -> None:
    from qualframe.ingest import normalise_text, read_transcript

    text = normalise_text(read_transcript(args.input))
    if not text.strip():
        raise QualframeError("the transcript is empty", path=args.input)
    qio.make_restricted_dir(Path(args.output).parent)
    qio.write_text(args.output, text, restricted=True)
    qio.write_json(
        args.metadata,
        {
            "transcript_id": args.transcript_id,
            "source_file": args.input,
            "source_format": Path(args.input).suffix.lower().lstrip("."),
            "source_bytes": Path(args.input).stat().st_size,
            "source_sha256": qio.sha256_file(args.input),
            "normalised_characters": len(text),
            "normalised_sha256": qio.sha256_file(args.output),
        },
        restricted=True,
    )
    print(f"{args.transcript_id}: {len(text)} characters from {args.input}")
