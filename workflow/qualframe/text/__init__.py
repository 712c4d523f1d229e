"""Text transformations that keep a map back to the text they came from."""

from qualframe.text.offsets import OffsetMap, normalize, replace_spans, rewrite, translate

__all__ = ["OffsetMap", "normalize", "replace_spans", "rewrite", "translate"]
