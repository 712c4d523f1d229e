"""Whitespace as Python's `str.isspace` knows it, for Arrow's string kernels: the same
characters, so a vectorised `split()`/`strip()` agrees with Python's to the character."""

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Every character str.isspace accepts lies below U+3001 (tests/unit/test_text_spaces.py
# checks the whole code space).
WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
# The same as a regular-expression class for Arrow's RE2 kernels.
WHITESPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"
# Text collapsing would change inside: whitespace other than a space, or two spaces in a
# row. Any other text collapses to itself with the spaces at either end removed.
INTERIOR = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE if c != " ") + "]|  "


def collapse_spaces(values: pd.Series) -> pd.Series:
    """`" ".join(text.split())` of every text of `values` (strings, no missing values),
    in Arrow's kernels: runs of whitespace become one space, none at either end."""
    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    collapsed = collapse_arrow(array).to_pandas()
    collapsed.index = values.index
    return collapsed.astype(values.dtype)


def collapse_arrow(array: pa.Array) -> pa.Array:
    """`collapse_spaces` of a large_string array (or chunked array) without nulls.

    Texts whose only whitespace is single spaces (most text) lose just the spaces at
    either end (a trim, not a regular expression); only the others go through the
    replacing kernels."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    interior = pc.match_substring_regex(array, INTERIOR)
    count = pc.sum(interior).as_py() or 0
    if count == len(array):
        return trimmed(pc.replace_substring_regex(array, WHITESPACE_CLASS + "+", " "))
    ends = pc.or_(pc.starts_with(array, " "), pc.ends_with(array, " "))
    collapsed = trimmed(array) if pc.any(ends).as_py() else array
    if count == 0:
        return collapsed
    subset = pc.filter(array, interior)
    single = pc.replace_substring_regex(subset, WHITESPACE_CLASS + "+", " ")
    return pc.replace_with_mask(collapsed, interior, trimmed(single))


def trimmed(array: pa.Array) -> pa.Array:
    """`array` without spaces at either end of each text."""
    return pc.ascii_trim(array, characters=" ")
