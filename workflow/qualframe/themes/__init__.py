"""Interpretation: theme and code summaries, co-occurrence and exemplar quotes."""

from qualframe.themes.cooccurrence import code_cooccurrence, presence_table
from qualframe.themes.exemplars import exemplar_quotes
from qualframe.themes.summary import code_profiles, summarise_themes

__all__ = [
    "code_cooccurrence",
    "code_profiles",
    "exemplar_quotes",
    "presence_table",
    "summarise_themes",
]
