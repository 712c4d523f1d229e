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
# Text that collapsing would change: whitespace other than a space, two spaces in a row, or
# a space at either end. Any other text is its own collapsed form.
UNCOLLAPSED = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE if c != " ") + "]|  |^ | $"


def collapse_spaces(values: pd.Series) -> pd.Series:
    """`" ".join(text.split())` of every text of `values` (strings, no missing values),
    in Arrow's kernels: runs of whitespace become one space, none at either end."""
    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    collapsed = collapse_arrow(array).to_pandas()
    collapsed.index = values.index
    return collapsed.astype(values.dtype)


def collapse_arrow(array: pa.Array) -> pa.Array:
    """`collapse_spaces` of a large_string array (or chunked array) without nulls: only
    the texts that collapsing changes go through the replacing kernels."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    changed = pc.match_substring_regex(array, UNCOLLAPSED)
    count = pc.sum(changed).as_py() or 0
    if count == 0:
        return array
    subset = pc.filter(array, changed) if count < len(array) else array
    single = pc.replace_substring_regex(subset, WHITESPACE_CLASS + "+", " ")
    trimmed = pc.utf8_trim(single, characters=" ")
    if count == len(array):
        return trimmed
    return pc.replace_with_mask(array, changed, trimmed)
