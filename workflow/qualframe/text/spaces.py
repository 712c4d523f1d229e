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


def collapse_spaces(values: pd.Series) -> pd.Series:
    """`" ".join(text.split())` of every text of `values` (strings, no missing values),
    in Arrow's kernels: runs of whitespace become one space, none at either end."""
    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    single = pc.replace_substring_regex(array, WHITESPACE_CLASS + "+", " ")
    trimmed = pc.utf8_trim(single, characters=" ")
    collapsed = trimmed.to_pandas()
    collapsed.index = values.index
    return collapsed.astype(values.dtype)
