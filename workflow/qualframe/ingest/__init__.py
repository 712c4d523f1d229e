"""Ingest: raw transcripts (.txt, .docx, .vtt) to normalised UTF-8 text."""

from qualframe.ingest.discover import discover_transcripts, transcript_id_of
from qualframe.ingest.normalise import normalise_text
from qualframe.ingest.readers import SUPPORTED_SUFFIXES, read_transcript

__all__ = [
    "SUPPORTED_SUFFIXES",
    "discover_transcripts",
    "normalise_text",
    "read_transcript",
    "transcript_id_of",
]
