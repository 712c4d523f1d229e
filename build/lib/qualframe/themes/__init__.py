"""Interpretation: theme and code summaries from the framework matrix."""

from qualframe.themes.summary import summarise_themes

__all__ = ["summarise_themes"]
