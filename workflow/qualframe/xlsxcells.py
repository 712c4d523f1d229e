"""The cells of a worksheet column made safe to write, by Arrow kernels and NumPy over the
whole column: characters XML cannot hold removed, text cut to Excel's cell limit,
formula-like text marked for Excel's quote prefix, error codes kept as errors, numbers as
openpyxl writes them, escapes and padding found as lxml and openpyxl find them. What most
text never holds is looked for in the column's bytes first, so the kernels run only where
it is found."""

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.cell.cell import ERROR_CODES

from qualframe.csvtext import data_of, starting_with
from qualframe.io import FORMULA_STARTS
from qualframe.text.spaces import WHITESPACE

EXCEL_CELL_LIMIT = 32_767
# What openpyxl refuses in a cell (XML 1.0 cannot hold these control characters).
ILLEGAL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
# Text with leading or trailing whitespace (Python's str.isspace) keeps it: xml:space.
SPACES = pa.array(list(WHITESPACE), type=pa.large_string())
# The kinds of cell, and the type attribute and opening each is written with (a value then
# follows, and </v>). EMPTY_TEXT is "", NONE a missing value (written only when styled).
NONE, EMPTY_TEXT, TEXT, NUMBER, BOOL, ERROR = range(6)


@dataclasses.dataclass
class Prepared:
    """A column's cells made safe: kind (NONE … ERROR), the text to write, and which
    text could be read as a formula."""

    kind: np.ndarray
    text: pa.Array
    quote: np.ndarray


def large(value) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())


def strings(values) -> pa.Array:
    return pa.array(values, type=pa.large_string())


def trim(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def number_texts(values: np.ndarray) -> np.ndarray:
    """Each number as openpyxl writes it ("%.16g"; "" for infinity), formatting each
    distinct value once."""
    # distinct by bits: 0.0 and -0.0 are equal numbers printed differently
    bits = np.asarray(values, dtype=np.float64).view(np.int64)
    bits, inverse = np.unique(bits, return_inverse=True)
    distinct = bits.view(np.float64)
    texts = np.array(list(map("%.16g".__mod__, distinct.tolist())), dtype=object)
    texts[np.isinf(distinct)] = ""
    return texts[inverse.reshape(-1)]


def prepare(values: pd.Series) -> Prepared:
    """The cells of one column: numbers, booleans and text vectorised; a column of mixed
    Python objects cell by cell."""
    n = len(values)
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) and not values.isna().any():
        kind = np.full(n, BOOL, dtype=np.int8)
        text = strings(np.where(values.to_numpy(dtype=bool), "1", "0"))
        return Prepared(kind, text, np.zeros(n, dtype=bool))
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        # "%.16g" formats an int through float, so floats stand for every number
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(numbers)
        texts = np.full(n, "", dtype=object)
        if (~missing).any():
            texts[~missing] = number_texts(numbers[~missing])
        kind = np.where(missing, NONE, NUMBER).astype(np.int8)
        return Prepared(kind, strings(texts), np.zeros(n, dtype=bool))
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = None
    if array is not None and pa.types.is_null(array.type):
        array = array.cast(pa.large_string())
    if array is None or not (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        return prepare_objects(values)
    return prepare_text(array.cast(pa.large_string()))


def prepare_text(array: pa.Array) -> Prepared:
    """Text cells: illegal characters removed, cut to the cell limit, formula-like text
    marked for the quote prefix, error codes (#N/A …) kept as errors. What most text
    never holds (control characters, a text over the limit, a leading "#") is looked for
    in the texts' bytes and offsets first, and the kernels run only where it is found."""
    missing = pc.is_null(array).to_numpy(zero_copy_only=False)
    array = pc.fill_null(array, "")
    if illegal_bytes(array):
        array = pc.replace_substring_regex(array, ILLEGAL_CHARACTERS, "")
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)
    sizes = np.diff(offsets[array.offset : array.offset + len(array) + 1])
    if len(sizes) and sizes.max() > EXCEL_CELL_LIMIT:  # characters are at most bytes
        long = pc.greater(pc.utf8_length(array), EXCEL_CELL_LIMIT)
        if pc.any(long).as_py():
            cut = [trim(text, EXCEL_CELL_LIMIT) for text in pc.filter(array, long).to_pylist()]
            array = pc.replace_with_mask(array, long, pa.array(cut, type=array.type))
            offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)
            sizes = np.diff(offsets[array.offset : array.offset + len(array) + 1])
    quote = starting_with(array, FORMULA_STARTS).to_numpy(zero_copy_only=False)
    kind = np.full(len(array), TEXT, dtype=np.int8)
    kind[sizes == 0] = EMPTY_TEXT
    if starting_with(array, ("#",)).to_numpy(zero_copy_only=False).any():
        errors = pc.is_in(array, value_set=pa.array(ERROR_CODES, type=array.type))
        kind[errors.to_numpy(zero_copy_only=False) & ~quote] = ERROR
    kind[missing] = NONE
    return Prepared(kind, array, quote)


# The bytes of the characters ILLEGAL_CHARACTERS matches (all ASCII control characters).
ILLEGAL_BYTES = np.array([c for c in range(32) if c not in (9, 10, 13)], dtype=np.uint8)


def illegal_bytes(array: pa.Array) -> bool:
    """Whether a text of `array` (large_string, no nulls) holds a character XML cannot."""
    data = np.frombuffer(data_of(array), dtype=np.uint8)
    controls = data[data < 32]
    return bool(np.isin(controls, ILLEGAL_BYTES).any())


def prepare_objects(values: pd.Series) -> Prepared:
    """Cells of a column of mixed Python objects, one by one."""
    kinds, texts, quotes = [], [], []
    for value in values.tolist():
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            kinds.append(NONE), texts.append(""), quotes.append(False)
            continue
        if hasattr(value, "item"):  # numpy scalar → Python scalar
            value = value.item()
        if isinstance(value, bool):
            kinds.append(BOOL), texts.append("1" if value else "0"), quotes.append(False)
        elif isinstance(value, int | float):
            kinds.append(NUMBER), texts.append(number_texts(np.array([value]))[0])
            quotes.append(False)
        else:
            kinds.append(TEXT), texts.append(str(value)), quotes.append(False)
    prepared = prepare_text(pa.array(texts, type=pa.large_string()))
    kind = np.array(kinds, dtype=np.int8)
    is_text = kind == TEXT
    kind[is_text] = prepared.kind[is_text]
    text = pc.if_else(pa.array(is_text), prepared.text, pa.array(texts, type=pa.large_string()))
    return Prepared(kind, text, prepared.quote & is_text)


def escaped(text: pa.Array) -> pa.Array:
    """Text as lxml writes it into an element (non-ASCII is escaped later, sheet-wide)."""
    data = bytes(data_of(text))
    if not any(character in data for character in (b"&", b"<", b">", b"\r")):
        return text
    holding = pc.match_substring_regex(text, "[&<>\r]")
    count = pc.sum(holding).as_py() or 0
    if count == 0:
        return text
    some = pc.filter(text, holding) if count < len(text) else text
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        some = pc.replace_substring(some, character, entity)
    return some if count == len(text) else pc.replace_with_mask(text, holding, some)


def padded(text: pa.Array) -> pa.Array:
    """Whether each text (large_string, no nulls) starts or ends with whitespace (`SPACES`):
    its first and last bytes looked at, and only texts starting or ending with a
    character outside ASCII looked at by kernels."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)
    offsets = offsets[text.offset : text.offset + len(text) + 1]
    found = np.zeros(len(text), dtype=bool)
    filled = np.flatnonzero(offsets[1:] > offsets[:-1])
    if not len(filled):
        return pa.array(found)
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    first, last = data[offsets[filled]], data[offsets[filled + 1] - 1]
    found[filled] = ASCII_SPACE[first] | ASCII_SPACE[last]
    unsure = filled[(first >= 0x80) | (last >= 0x80)]
    if len(unsure):
        some = text.take(pa.array(unsure))
        ends = pc.or_(
            pc.is_in(pc.utf8_slice_codeunits(some, 0, 1), value_set=SPACES),
            pc.is_in(pc.utf8_slice_codeunits(some, -1), value_set=SPACES),
        )
        found[unsure] = ends.to_numpy(zero_copy_only=False)
    return pa.array(found)


# Which bytes are whitespace characters on their own (those of ASCII in WHITESPACE).
ASCII_SPACE = np.zeros(256, dtype=bool)
ASCII_SPACE[[ord(c) for c in WHITESPACE if ord(c) < 0x80]] = True
