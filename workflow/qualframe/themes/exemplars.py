"""Exemplar quotes: for each code, the segments most representative of it.

Each segment's text becomes a TF-IDF vector (lower-case words, pseudonym placeholders
such as [PERSON_3] and common function words dropped; document frequencies counted over
all segments given, so words every code uses weigh little). A segment's centrality is its
mean cosine similarity to the code's other segments; the most central segments are the
exemplars, preferring distinct cases so one talkative participant does not supply them all.

The vectors are the rows of one sparse matrix (scipy.sparse), built from words split out
by Arrow compute kernels and NumPy over the texts' bytes: a million segments are scored
without a Python call per segment.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc
from pandera.typing import DataFrame
from scipy import sparse

from qualframe.csvtext import data_of
from qualframe.matrix.cells import take_from_chunks
from qualframe.matrix.chart import references_of
from qualframe.schemas import PLACEHOLDER, Codebook, ExemplarQuote, Segment, columns_of

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
STOP_WORDS = frozenset(
    """a about after all also am an and any are as at be because been but by can could did
    do does doing don't for from had has have having he her here him his how i i'd i'm i've
    if in into is it it's its just like me more my no not now of on one or our out really
    she so some than that that's the their them then there they this those to too up us
    very was we we'd we're we've were what when where which who will with would yeah yes
    you you'd you're your""".split()
)
DECIMALS = 6  # centrality is rounded so ties are ties on every platform
# The same placeholder for Arrow's regular expressions (RE2: \p{Nd} is Python's \d).
PLACEHOLDER_RE2 = PLACEHOLDER.pattern.replace(r"\d", r"\p{Nd}")
# Characters other than ASCII letters and digits whose lower case (Python's str.lower)
# holds an ASCII letter or digit (tests check the list): texts holding one are split
# word by word in Python; in all others only ASCII letters change case.
ASCII_BY_LOWER_CASE = "\u0130\u212a"
CHUNK_ROWS = 50_000  # texts split at a time, to bound the memory words take
SPLITTING_THREADS = 1  # chunks split at once, beside the summary counted in the main thread


def tokenise(text: str) -> list[str]:
    """Lower-case words of `text` without placeholders, stop words and single letters."""
    words = WORD.findall(PLACEHOLDER.sub(" ", text).lower().replace("\u2019", "'"))
    return [w for w in words if len(w) > 1 and w not in STOP_WORDS]


def holds(texts: pa.Array, parts: str) -> bool:
    """Whether any text of `texts` (large_string) holds one of the characters `parts`:
    their UTF-8 bytes searched at once."""
    data = bytes(data_of(texts))
    # a character's first byte is looked for first (one byte: memchr's speed)
    return any((encoded := part.encode("utf-8"))[:1] in data and encoded in data for part in parts)


def only_where(texts: pa.Array, part: str, change) -> pa.Array:
    """`texts` with `change` (a kernel over an array of texts) applied to those holding
    `part`: the others, which it would leave as they are, are not copied through it."""
    if not holds(texts, part):
        return texts
    holding = pc.match_substring(texts, part)
    count = pc.sum(holding).as_py() or 0
    if count == 0:
        return texts
    if count == len(texts):
        return change(texts)
    return pc.replace_with_mask(texts, holding, change(pc.filter(texts, holding)))


def pieces_of(texts: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(row, piece) of the maximal runs of ASCII letters, digits and apostrophes in `texts`
    once placeholders are removed, ASCII letters lower-cased and right single quotes read
    as apostrophes; every other character separates."""
    cleaned = pc.ascii_lower(
        only_where(texts, "[", lambda some: pc.replace_substring_regex(some, PLACEHOLDER_RE2, " "))
    )
    cleaned = only_where(cleaned, "\u2019", lambda some: pc.replace_substring(some, "\u2019", "'"))
    return runs_of_word_bytes(cleaned)


def runs_of_word_bytes(texts: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(row, piece) of the maximal runs of the bytes of ASCII letters a-z, digits and
    apostrophes in the UTF-8 of `texts` (a large_string array), in order.

    The same pieces as splitting each text on the regular expression `[^a-z0-9']+`: every
    byte of a character outside ASCII is 128 or more, so no run takes part of one. Found
    by NumPy over the texts' bytes at once rather than by a regular expression per text.
    """
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)
    offsets = offsets[texts.offset : texts.offset + len(texts) + 1]
    data = texts.buffers()[2]
    first, last = (int(offsets[0]), int(offsets[-1])) if len(offsets) else (0, 0)
    data = np.frombuffer(data, dtype=np.uint8)[first:last] if data is not None else None
    if data is None or len(data) == 0:
        return np.zeros(0, dtype=np.int64), pa.array([], type=pa.large_string())
    offsets = offsets - first
    word = (data - np.uint8(ord("a"))) < 26  # comparisons: faster than a table look-up
    word |= (data - np.uint8(ord("0"))) < 10
    word |= data == ord("'")
    # a run begins at a word byte after a byte that is not one, or where a text begins
    # (and ends before a byte that is not one, or where a text ends)
    bounds = offsets[(offsets > 0) & (offsets < len(data))]
    edge = word.copy()
    edge[1:] &= ~word[:-1]
    edge[bounds] = word[bounds]
    starts = np.flatnonzero(edge)
    edge[:] = word
    edge[:-1] &= ~word[1:]
    edge[bounds - 1] = word[bounds - 1]
    lengths = np.flatnonzero(edge) + 1 - starts
    del edge
    rows = np.searchsorted(offsets, starts, side="right") - 1
    del starts
    piece_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=piece_offsets[1:])
    pieces = pa.Array.from_buffers(
        pa.large_string(),
        len(lengths),
        [None, pa.py_buffer(piece_offsets), pa.py_buffer(data[word])],
    )
    return rows, pieces


def words_of(texts: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(row, word) of every word `tokenise` keeps in `texts`, as two arrays."""
    rows, numbers, words = numbered_words_of(texts)
    return rows, words.take(pa.array(numbers))


def numbered_words_of(texts: pa.Array) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """(row, number, words): every word `tokenise` keeps in `texts`, as its row and its
    number in `words` (the distinct words, sorted).

    The runs of letters, digits and apostrophes (`pieces_of`) are numbered by one Arrow
    kernel; each distinct run is then read once in Python: a run without an apostrophe
    is one word (or a stop word or single letter, dropped), a run with one goes through
    `WORD`, as `tokenise` does. Texts with a character whose lower case is ASCII go
    through `tokenise` whole.
    """
    if holds(texts, ASCII_BY_LOWER_CASE):
        by_python = pc.match_substring_regex(texts, f"[{ASCII_BY_LOWER_CASE}]")
        by_python = by_python.to_numpy(zero_copy_only=False)
    else:
        by_python = np.zeros(len(texts), dtype=bool)
    rows, pieces = pieces_of(texts)
    if by_python.any():
        keep = ~by_python[rows]
        rows, pieces = rows[keep], pieces.filter(pa.array(keep))
    encoded = pc.dictionary_encode(pieces)
    numbers: dict[str, int] = {}
    per_piece = [
        [numbers.setdefault(word, len(numbers)) for word in kept_words(piece)]
        for piece in encoded.dictionary.to_pylist()
    ]
    extra = [(row, tokenise(texts[int(row)].as_py())) for row in np.flatnonzero(by_python)]
    for _, words in extra:
        for word in words:
            numbers.setdefault(word, len(numbers))
    # numbered in sorted order: a row's words are then in the vocabulary's order
    words = pa.array(list(numbers), type=pa.large_string())
    rank = np.empty(len(numbers), dtype=np.int64)
    rank[pc.sort_indices(words).to_numpy()] = np.arange(len(numbers))
    sizes = np.array([len(found) for found in per_piece], dtype=np.int64)
    flat = rank[np.array([number for found in per_piece for number in found], dtype=np.int64)]
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    if sizes.max(initial=0) <= 1:  # no piece gives two words: one look-up per piece
        single = np.full(len(sizes), -1, dtype=np.int64)
        single[sizes == 1] = flat
        found = single[codes]
        kept = found >= 0
        found_rows, found = [rows[kept]], [found[kept]]
    else:  # each piece's words in turn: piece i gives flat[first[i] : first[i] + counts[i]]
        counts = sizes[codes]
        first = np.repeat((np.cumsum(sizes) - sizes)[codes], counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        found_rows, found = [np.repeat(rows, counts)], [flat[first + within]]
    for row, words_of_row in extra:
        found_rows.append(np.full(len(words_of_row), row, dtype=rows.dtype))
        found.append(rank[np.array([numbers[w] for w in words_of_row], dtype=np.int64)])
    words = words.take(pc.sort_indices(words))
    return np.concatenate(found_rows), np.concatenate(found), words


def kept_words(piece: str) -> list[str]:
    """The words `tokenise` keeps of a run of letters, digits and apostrophes."""
    words = WORD.findall(piece) if "'" in piece else [piece]
    return [word for word in words if len(word) > 1 and word not in STOP_WORDS]


def word_counts(
    texts: pd.Series, order: np.ndarray | None = None
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Texts × vocabulary counts of the words `tokenise` keeps, and the vocabulary in
    sorted order (the matrix's columns); with `order` (positions in `texts`), a row per
    position in that order."""
    if order is None:
        order = np.arange(len(texts))

    # taken from the column's chunks one by one (pandas' take over a chunked column
    # joins all its chunks first, at every call)
    column = pa.array(texts, type=pa.large_string(), from_pandas=True)

    def chunk_counts(first: int) -> tuple[sparse.csr_matrix, pa.Array]:
        part = take_from_chunks(column, order[first : first + CHUNK_ROWS])
        rows, numbers, words = numbered_words_of(part)
        counts = sparse.coo_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, numbers)),
            shape=(len(part), len(words)),
        ).tocsr()
        return counts, words

    # Chunks are split side by side (Arrow's kernels release the interpreter's lock), and
    # taken back in order.
    with ThreadPoolExecutor(max_workers=SPLITTING_THREADS) as pool:
        counted = list(pool.map(chunk_counts, range(0, len(order), CHUNK_ROWS)))
    dictionaries = [dictionary for _, dictionary in counted]
    vocabulary = pc.unique(pa.concat_arrays(dictionaries)) if dictionaries else pa.array([])
    vocabulary = vocabulary.take(pc.sort_indices(vocabulary))
    blocks = []
    for index, dictionary in enumerate(dictionaries):
        counts = counted[index][0]
        counted[index] = None  # each chunk's counts go once remapped
        remap = pc.index_in(dictionary, value_set=vocabulary).to_numpy()
        block = sparse.csr_matrix(
            (counts.data, remap[counts.indices], counts.indptr),
            shape=(counts.shape[0], len(vocabulary)),
        )
        block.sort_indices()
        blocks.append(block)
    if not blocks:
        return sparse.csr_matrix((0, 0), dtype=np.int64), np.array([], dtype=object)
    return stacked(blocks, len(vocabulary)), np.array(vocabulary.to_pylist(), dtype=object)


def stacked(blocks: list[sparse.csr_matrix], width: int) -> sparse.csr_matrix:
    """The rows of `blocks` (CSR) one under the other, as `sparse.vstack` stacks them;
    each block is let go once copied, so the rows are not held twice."""
    n_rows = sum(block.shape[0] for block in blocks)
    n_values = sum(block.nnz for block in blocks)
    data = np.empty(n_values, dtype=blocks[0].data.dtype)
    indices = np.empty(n_values, dtype=np.int32 if width < 2**31 else np.int64)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    row = value = 0
    for index in range(len(blocks)):
        block, blocks[index] = blocks[index], None
        data[value : value + block.nnz] = block.data
        indices[value : value + block.nnz] = block.indices
        indptr[row + 1 : row + 1 + block.shape[0]] = block.indptr[1:] + value
        row, value = row + block.shape[0], value + block.nnz
    return sparse.csr_matrix((data, indices, indptr), shape=(n_rows, width))


VECTOR_ROWS = 100_000  # rows weighted and normalised at a time


def unit_vectors(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """TF-IDF rows of unit length (all-zero rows for texts with no words left); the
    inverse document frequency of a word is ln((1 + n) / (1 + df)) + 1."""
    n = counts.shape[0]
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + n) / (1 + document_frequency)) + 1
    data = counts.data.astype(np.float64)
    # a block of rows at a time, in place: the same numbers, without temporaries as
    # large as the matrix (a row's norm sums its own values, in order, either way)
    for first in range(0, n, VECTOR_ROWS):
        last = min(n, first + VECTOR_ROWS)
        values = data[counts.indptr[first] : counts.indptr[last]]
        values *= idf[counts.indices[counts.indptr[first] : counts.indptr[last]]]
        row_of = np.repeat(np.arange(last - first), np.diff(counts.indptr[first : last + 1]))
        norms = np.sqrt(np.bincount(row_of, weights=values**2, minlength=last - first))
        values /= norms[row_of]
    return sparse.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def centralities(vectors: sparse.csr_matrix) -> np.ndarray:
    """Mean cosine similarity of each unit row to the others; NaN for a lone row.

    The mean over the others is the row's dot product with the sum of all rows, less its
    similarity to itself (1, or 0 for a text with no words left), over n − 1: linear in
    the number of words rather than quadratic in the number of texts.
    """
    n = vectors.shape[0]
    if n < 2:
        return np.full(n, np.nan)
    total = np.asarray(vectors.sum(axis=0)).ravel()
    itself = (np.diff(vectors.indptr) > 0).astype(float)
    return np.clip((vectors @ total - itself) / (n - 1), 0, 1)


@pandera.check_types
def exemplar_quotes(
    segments: DataFrame[Segment], codebook: DataFrame[Codebook], k: int = 3
) -> DataFrame[ExemplarQuote]:
    """Up to `k` exemplar quotes per code.

    `segments` validate as schemas.Segment (pass the charted segments: a double-coded
    duplicate would otherwise look central); `codebook` as schemas.Codebook. Returns rows
    code_id, rank (1 = most central), segment_id, case_id, quote (whitespace-normalised
    text), reference (`[P03 ¶12 1043-1187]`), centrality (mean cosine similarity to the
    code's other segments, NaN when the code has one segment), in codebook order then
    rank; codes without segments have no rows. Validates as ExemplarQuote.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    codes = codebook.sort_values(Codebook.code_order)[Codebook.code_id].to_numpy()
    code_rank = pd.Index(codes).get_indexer(segments[Segment.code_id])
    by_code = np.argsort(code_rank, kind="stable")
    outside = by_code[code_rank[by_code] < 0]  # codes outside the codebook count for idf
    by_code = by_code[code_rank[by_code] >= 0]
    # counted in code order (the same vectors, row by row), not reordered afterwards
    vectors = unit_vectors(word_counts(segments[Segment.text], np.append(by_code, outside))[0])
    if len(outside):
        vectors = vectors[: len(by_code)]
    bounds = np.searchsorted(code_rank[by_code], np.arange(len(codes) + 1))
    central = np.concatenate(
        [centralities(vectors[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        or [np.array([])]
    )
    # by code, most central first, then segment id (its rank among the ids: UTF-8 byte
    # order is code point order), NaN last: a stable sort of numbers, not of strings
    ids = pa.array(segments[Segment.segment_id], type=pa.large_string(), from_pandas=True)
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[pc.sort_indices(ids).to_numpy()] = np.arange(len(ids))
    centrality = np.round(central, DECIMALS)
    order = np.lexsort((id_rank[by_code], -centrality, code_rank[by_code]))
    ranked = pd.DataFrame(
        {
            "_code": code_rank[by_code][order],
            "centrality": centrality[order],
            "_row": by_code[order],
        }
    )
    chosen = pick(ranked, pd.factorize(segments[Segment.case_id])[0], k)  # cases as numbers
    rows = segments.iloc[chosen["_row"].to_numpy()]
    columns = columns_of(ExemplarQuote)
    if rows.empty:
        return empty_frame(columns)
    table = pd.DataFrame(
        {
            ExemplarQuote.code_id: codes[chosen["_code"].to_numpy()],
            ExemplarQuote.rank: chosen["_rank"].to_numpy(dtype="int64"),
            ExemplarQuote.segment_id: rows[Segment.segment_id].to_numpy(),
            ExemplarQuote.case_id: rows[Segment.case_id].to_numpy(),
            ExemplarQuote.quote: rows[Segment.text].str.split().str.join(" ").to_numpy(),
            ExemplarQuote.reference: references_of(rows).to_numpy(),
            ExemplarQuote.centrality: chosen["centrality"].to_numpy(dtype=float),
        }
    )
    return table[columns]


def pick(ranked: pd.DataFrame, case_of_row: np.ndarray, k: int) -> pd.DataFrame:
    """Per code, the first `k` rows of `ranked` (sorted by code, then rank), taking one row
    per case first, then the rest in order; with the rank of each row chosen (`_rank`)."""
    cases = case_of_row[ranked["_row"].to_numpy()]
    repeat = pd.DataFrame({"c": ranked["_code"].to_numpy(), "k": cases}).duplicated().to_numpy()
    ordered = ranked.assign(_repeat=repeat, _position=np.arange(len(ranked))).sort_values(
        ["_code", "_repeat", "_position"], kind="stable"
    )
    ordered["_rank"] = ordered.groupby("_code").cumcount() + 1
    return ordered[ordered["_rank"] <= k]


def empty_frame(columns: list[str]) -> pd.DataFrame:
    dtypes = {"rank": "int64", "centrality": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, str)) for c in columns})
