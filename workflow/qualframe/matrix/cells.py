"""The texts of the framework matrix's cells, made by Arrow kernels over whole columns:
each segment's text and reference joined, the segments of a cell joined, the cells
placed on the matrix's rows, without a Python call per segment or cell."""

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from qualframe.text.spaces import collapse_arrow

EXCERPT_SEPARATOR = "\n\n"

SPACE = pyarrow.scalar(" ", type=pyarrow.large_string())


def large_text(values: pd.Series) -> pyarrow.Array:
    """A Series of strings as one Arrow large_string array."""
    array = pyarrow.array(values, type=pyarrow.large_string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pyarrow.ChunkedArray) else array


def group_joiner(group_numbers: np.ndarray):
    """Return join(values, separator) -> one string per group, in group-number order,
    joining each group's values in their row order.

    One Arrow kernel over the rows sorted by group (a list array cut at the group
    boundaries), instead of a Python call per group. `join.order` is the rows sorted by
    group, `join.pieces(rows)` cuts them into runs of whole groups of about `rows` rows,
    and `join.piece(values, separator, first, last)` joins the groups `first` … `last - 1`
    of their values, given in that order.
    """
    order = np.argsort(group_numbers, kind="stable")
    bounds = np.flatnonzero(np.diff(group_numbers[order])) + 1
    starts = np.concatenate(([0], bounds, [len(order)])) if len(order) else np.zeros(1, np.int64)
    starts = starts.astype(np.int64)
    offsets = pyarrow.array(starts)

    def piece(values: pyarrow.Array, separator: str, first: int, last: int) -> pyarrow.Array:
        lists = pyarrow.LargeListArray.from_arrays(
            pyarrow.array(starts[first : last + 1] - starts[first]), values
        )
        return pc.binary_join(lists, pyarrow.scalar(separator, type=pyarrow.large_string()))

    def pieces(rows: int) -> list[tuple[int, int]]:
        cuts = np.unique(np.searchsorted(starts, np.arange(0, len(order), rows)))
        groups = np.append(cuts, len(starts) - 1)
        return [(int(a), int(b)) for a, b in zip(groups[:-1], groups[1:], strict=True) if b > a]

    def join(values, separator: str, in_order: bool = False) -> pd.api.extensions.ExtensionArray:
        """`values`: a Series or an Arrow array of strings, one per row; `in_order`: one
        per row already in `join.order` (the rows sorted by group)."""
        if not isinstance(values, pyarrow.Array):
            values = large_text(values)
        ordered = values if in_order else values.take(order)
        lists = pyarrow.LargeListArray.from_arrays(offsets, ordered)
        joined = pc.binary_join(lists, pyarrow.scalar(separator, type=pyarrow.large_string()))
        return joined.to_pandas().astype("str").array

    join.order = order
    join.starts = starts
    join.piece = piece
    join.pieces = pieces
    return join


ROWS_PER_PIECE = 100_000  # segments whose texts are taken, collapsed and joined at a time


def cell_texts(
    join,
    text: pyarrow.Array | pyarrow.ChunkedArray,
    positions: np.ndarray,
    refs: pyarrow.Array,
    summaries=None,
) -> tuple[pd.api.extensions.ExtensionArray, pd.api.extensions.ExtensionArray | None]:
    """(excerpts, charted text) per cell (group of `join`): each segment's text (`text`
    at its `positions`, whitespace-collapsed) followed by its reference (`refs`), the
    segments joined by EXCERPT_SEPARATOR; in the charted text a segment with an analyst's
    summary (`summaries`, an Arrow array "" where none; None for no summaries) gives the
    summary instead of its text (None when there are none). Made a run of whole cells at
    a time: a copy of every segment's text is not held at once."""
    excerpts, charted = [], []
    for first, last in join.pieces(ROWS_PER_PIECE):
        rows = join.order[join.starts[first] : join.starts[last]]
        in_rows = pyarrow.array(rows)
        cited = refs.take(in_rows)
        taken = take_from_chunks(text, positions[rows])
        verbatim = pc.binary_join_element_wise(collapse_arrow(taken), cited, SPACE)
        del taken
        excerpts.append(join.piece(verbatim, EXCERPT_SEPARATOR, first, last))
        if summaries is not None:
            summary = summaries.take(in_rows)
            written = pc.binary_join_element_wise(summary, cited, SPACE)
            chosen = pc.if_else(pc.not_equal(summary, ""), written, verbatim)
            charted.append(join.piece(chosen, EXCERPT_SEPARATOR, first, last))
    # one array per column (the pieces go as it is made): the matrix takes from it
    as_cells = [
        pyarrow.concat_arrays(parts or [pyarrow.array([], pyarrow.large_string())])
        .to_pandas()
        .astype("str")
        .array
        for parts in (excerpts, charted)
    ]
    return as_cells[0], (as_cells[1] if summaries is not None else None)


def take_from_chunks(values: pyarrow.Array | pyarrow.ChunkedArray, at: np.ndarray) -> pyarrow.Array:
    """`values` at the positions `at`, as one array. From a chunked array each chunk is
    taken from on its own, then the texts put back in the order of `at`: Arrow's take
    over a chunked array joins all its chunks first, a copy of the whole column at every
    call."""
    if isinstance(values, pyarrow.Array):
        return values.take(pyarrow.array(at))
    if values.num_chunks == 1:
        return values.chunk(0).take(pyarrow.array(at))
    bounds = np.cumsum([0, *(len(chunk) for chunk in values.chunks)])
    chunk_of = np.searchsorted(bounds, at, side="right") - 1
    by_chunk = np.argsort(chunk_of, kind="stable")
    edges = np.searchsorted(chunk_of[by_chunk], np.arange(values.num_chunks + 1))
    parts = [
        values.chunk(c).take(pyarrow.array(at[by_chunk[edges[c] : edges[c + 1]]] - bounds[c]))
        for c in range(values.num_chunks)
        if edges[c + 1] > edges[c]
    ]
    gathered = pyarrow.concat_arrays(parts) if parts else pyarrow.array([], values.type)
    if np.array_equal(by_chunk, np.arange(len(at))):
        return gathered
    back = np.empty(len(at), dtype=np.int64)
    back[by_chunk] = np.arange(len(at))
    return gathered.take(pyarrow.array(back))


def placed(values: pd.Series, cell_of_row: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """`values` (one per charted cell) at each matrix row's cell (`cell_of_row`, NaN for
    an empty cell, which gets "")."""
    present = ~np.isnan(cell_of_row)
    source = pyarrow.array(values, type=pyarrow.large_string(), from_pandas=True)
    taken = take_from_chunks(source, cell_of_row[present].astype(np.int64))
    # the empty cells put between the taken texts as zero-length entries of the same
    # bytes: one copy of the texts, not a second through a kernel
    ends = np.frombuffer(taken.buffers()[1], dtype=np.int64)[
        taken.offset : taken.offset + len(taken) + 1
    ]
    sizes = np.zeros(len(cell_of_row), dtype=np.int64)
    sizes[present] = np.diff(ends)
    offsets = np.concatenate(([ends[0] if len(ends) else 0], sizes)).cumsum()
    data = taken.buffers()[2] if len(taken) else None
    text = pyarrow.Array.from_buffers(
        pyarrow.large_string(), len(cell_of_row), [None, pyarrow.py_buffer(offsets), data]
    )
    return text.to_pandas().astype("str").array
