"""CSV bytes of a table built by Arrow string kernels, the same bytes as pandas' `to_csv`
(no index, LF line endings, minimal quoting), without a Python string per cell.

pandas hands every cell to Python's csv writer as a Python string: at a million cells of
quoted text that is most of a table's writing time. Here each column becomes one Arrow
string array, formatted as pandas formats it (numbers as NumPy's `astype(str)`, missing
values as ""), quoted where Python's csv writer would quote it (a field holding the
separator, a double quote or a character of the line ending; double quotes doubled), and
the rows are joined by one kernel, a block of rows at a time. Columns of other kinds
(dates, mixed objects, nullable floats, …) and one-column tables are left to pandas:
`csv_blocks` returns None for them.
"""

import csv
import io as stdio
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

LINE_END = "\n"
QUOTE = '"'
ROWS_PER_BLOCK = 50_000


def quoted_characters(sep: str) -> str:
    """The characters that make Python's csv writer (QUOTE_MINIMAL, line ending LINE_END)
    quote a field, asked of the csv module itself: a carriage return is one of them from
    Python 3.12, not before."""
    candidates = dict.fromkeys([sep, QUOTE, "\n", "\r"])
    found = []
    for character in candidates:
        buffer = stdio.StringIO()
        csv.writer(buffer, delimiter=sep, lineterminator=LINE_END).writerow([character, ""])
        if buffer.getvalue().startswith(QUOTE):
            found.append(character)
    return "".join(found)


def large(value: str) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())


def text_of(values: pd.Series, formula_starts: tuple[str, ...]) -> pa.Array | None:
    """One column's cells as pandas writes them (before quoting), as a large_string array
    without nulls; text that starts with one of `formula_starts` gets a leading
    apostrophe. None for a column pandas formats otherwise than handled here."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return pa.array(np.where(values.to_numpy(), "True", "False"), type=pa.large_string())
    if dtype.kind in "iu" and isinstance(dtype, np.dtype):
        return pa.array(values.to_numpy()).cast(pa.large_string())
    if dtype.kind == "f" and isinstance(dtype, np.dtype) and dtype.itemsize == 8:
        numbers = values.to_numpy()
        missing = np.isnan(numbers)
        # distinct by bits: 0.0 and -0.0 are equal numbers printed differently
        bits, inverse = np.unique(numbers[~missing].view(np.int64), return_inverse=True)
        texts = np.full(len(numbers), "", dtype=object)
        texts[~missing] = bits.view(np.float64).astype(str).astype(object)[inverse.reshape(-1)]
        return pa.array(texts, type=pa.large_string())
    if isinstance(dtype, pd.Int64Dtype | pd.Int32Dtype | pd.Int16Dtype | pd.Int8Dtype):
        array = pa.array(values.array, from_pandas=True)
        return pc.fill_null(array.cast(pa.large_string()), large(""))
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        try:
            array = pa.array(values.array, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
            return None
        if pa.types.is_null(array.type):
            array = array.cast(pa.large_string())
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            return None
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        array = pc.fill_null(array.cast(pa.large_string()), large(""))
        return neutralised(array, formula_starts)
    return None


def neutralised(array: pa.Array, formula_starts: tuple[str, ...]) -> pa.Array:
    """`array` with an apostrophe before each text starting with one of `formula_starts`."""
    if not formula_starts or not len(array):
        return array
    risky = starting_with(array, formula_starts)
    if not pc.any(risky).as_py():
        return array
    prefixed = pc.binary_join_element_wise(large("'"), array, large(""))
    return pc.if_else(risky, prefixed, array)


def starting_with(array: pa.Array, starts: tuple[str, ...]) -> pa.Array:
    """Whether each text of `array` (large_string, no nulls) starts with one of `starts`;
    single ASCII characters are looked up in the texts' first bytes at once."""
    if not all(len(start) == 1 and start.isascii() for start in starts):
        risky = pc.starts_with(array, starts[0])
        for start in starts[1:]:
            risky = pc.or_(risky, pc.starts_with(array, start))
        return risky
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)
    offsets = offsets[array.offset : array.offset + len(array) + 1]
    found = np.zeros(len(array), dtype=bool)
    filled = np.flatnonzero(offsets[1:] > offsets[:-1])
    if len(filled):
        data = np.frombuffer(array.buffers()[2], dtype=np.uint8)
        firsts = data[offsets[filled]]
        found[filled] = np.isin(firsts, np.frombuffer("".join(starts).encode("ascii"), np.uint8))
    return pa.array(found)


def quoted(array: pa.Array, characters: str) -> pa.Array:
    """`array` with every text holding one of `characters` in double quotes, its own
    double quotes doubled."""
    marks, text = quote_marks(array, characters)
    if marks is None:
        return text
    return pc.binary_join_element_wise(marks, text, marks, large(""))


def quote_marks(array: pa.Array, characters: str) -> tuple[pa.Array | None, pa.Array]:
    """(marks, text): per text, the double quote to write before and after it ("" for a
    text holding none of `characters`; None when no text needs one), and the texts with
    their double quotes doubled (every text holding one is quoted). The texts' bytes are
    searched first (`characters` are ASCII): most columns hold none of them, and are
    neither matched text by text nor copied."""
    data = bytes(data_of(array))
    if not any(character.encode("ascii") in data for character in characters):
        return None, array
    pattern = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in characters) + "]"
    needs = pc.match_substring_regex(array, pattern)
    if QUOTE.encode("ascii") in data:
        array = pc.replace_substring(array, QUOTE, QUOTE + QUOTE)
    return pc.if_else(needs, large(QUOTE), large("")), array


def same_as_earlier(columns: list[pa.Array]) -> list[int]:
    """For each column, the index of the first column holding the very same memory (the
    matrix's charted text and excerpts share theirs when no cell is summarised): its
    quoted text is made once."""
    first: dict[tuple, int] = {}
    found = []
    for index, column in enumerate(columns):
        key = (
            column.type,
            column.offset,
            len(column),
            *(buffer.address if buffer is not None else 0 for buffer in column.buffers()),
        )
        found.append(first.setdefault(key, index))
    return found


def csv_blocks(
    df: pd.DataFrame, sep: str = ",", formula_starts: tuple[str, ...] = ()
) -> Iterator[bytes | memoryview] | None:
    """The CSV of `df` (header, then one line per row) as blocks of UTF-8 bytes, equal to
    `df.to_csv(index=False, lineterminator="\\n", sep=sep)` of `df` whose text cells and
    column names starting with one of `formula_starts` got a leading apostrophe. None when
    a column (or the table's shape) is one pandas must write."""
    if df.shape[1] < 2 or not all(isinstance(name, str) for name in df.columns):
        return None
    columns = []
    characters = quoted_characters(sep)
    for i in range(df.shape[1]):
        text = text_of(df.iloc[:, i], formula_starts)
        if text is None:
            return None
        columns.append(text)
    names = pa.array([str(name) for name in df.columns], type=pa.large_string())
    header = quoted(neutralised(names, formula_starts), characters).to_pylist()
    same = same_as_earlier(columns)
    separator = large(sep)

    def blocks() -> Iterator[bytes | memoryview]:
        yield (sep.join(header) + LINE_END).encode("utf-8")
        for start in range(0, len(df), ROWS_PER_BLOCK):
            # quoted a block at a time, by marks joined with the texts as the rows are:
            # no quoted copy of a column is made
            parts: list[tuple[pa.Array | None, pa.Array]] = []
            for column, earlier in zip(columns, same, strict=True):
                block = column.slice(start, ROWS_PER_BLOCK)
                parts.append(
                    parts[earlier] if earlier < len(parts) else quote_marks(block, characters)
                )
            pieces: list[pa.Array | pa.Scalar] = []
            for marks, text in parts:
                pieces.extend(
                    [text, separator] if marks is None else [marks, text, marks, separator]
                )
            pieces[-1] = large(LINE_END)
            yield data_of(pc.binary_join_element_wise(*pieces, large("")))

    return blocks()


def data_of(array: pa.Array) -> memoryview:
    """The concatenated bytes of a large_string array's values."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[
        array.offset : array.offset + len(array) + 1
    ]
    data = array.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[offsets[0] : offsets[-1]]
