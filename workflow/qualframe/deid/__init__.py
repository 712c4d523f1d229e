"""De-identification: find identifiers in transcripts and replace them consistently.

Pure functions only; reading and writing files is the command line's job.
"""

from qualframe.deid.allow import DEFAULT_ALLOW_LIST, normalise_entity, parse_allow_list
from qualframe.deid.detect import detect_transcript
from qualframe.deid.ner import load_ner
from qualframe.deid.pseudonymise import Pseudonymised, pseudonymise_corpus
from qualframe.deid.register import Register, build_register
from qualframe.deid.review import review_candidates
from qualframe.deid.review_page import review_html, review_pages

__all__ = [
    "DEFAULT_ALLOW_LIST",
    "Pseudonymised",
    "Register",
    "build_register",
    "detect_transcript",
    "load_ner",
    "normalise_entity",
    "parse_allow_list",
    "pseudonymise_corpus",
    "review_candidates",
    "review_html",
    "review_pages",
]
