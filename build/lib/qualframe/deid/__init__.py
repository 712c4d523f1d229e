"""De-identification: find identifiers in transcripts and replace them consistently.

Pure functions only; reading and writing files is the command line's job.
"""

from qualframe.deid.allow import DEFAULT_ALLOW_LIST, normalise_entity
from qualframe.deid.detect import detect_transcript
from qualframe.deid.pseudonymise import map_offset, pseudonymise_corpus
from qualframe.deid.register import Register, build_register

__all__ = [
    "DEFAULT_ALLOW_LIST",
    "Register",
    "build_register",
    "detect_transcript",
    "map_offset",
    "normalise_entity",
    "pseudonymise_corpus",
]
