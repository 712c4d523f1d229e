"""The vectorised theme summaries write the same bytes as the per-row implementation they
replaced (tests/reference), on the 8,000-segment benchmark study and on awkward texts."""

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe import io as qio
from qualframe.matrix import select_segments
from qualframe.themes import (
    code_cooccurrence,
    code_profiles,
    exemplar_quotes,
    presence_table,
    summarise_themes,
)
from qualframe.themes import exemplars as fast_exemplars
from tests.reference import themes_cooccurrence as old_cooccurrence
from tests.reference import themes_exemplars as old_exemplars
from tests.reference import themes_summary as old_summary
from tests.unit.matrix_study import ATTRIBUTES, charted, study


@pytest.fixture(scope="module")
def benchmark_study():
    """The benchmark's default study: 200 cases × 100 codes, 8,000 segments."""
    cases, codebook, texts, segments = study(200, 100, 40)
    matrix = charted(segments, codebook, cases, texts)
    return matrix, codebook, select_segments(segments, "A")


def written(table: pd.DataFrame, folder: Path, name: str) -> tuple[bytes, bytes]:
    qio.write_table(table, folder / f"{name}.parquet", folder / f"{name}.csv")
    return (folder / f"{name}.parquet").read_bytes(), (folder / f"{name}.csv").read_bytes()


def test_summaries_of_the_benchmark_study_are_byte_identical(benchmark_study, tmp_path):
    matrix, codebook, charted = benchmark_study
    assert len(charted) > 7000
    new = {
        "summary": summarise_themes(matrix, ATTRIBUTES),
        "cooccurrence": code_cooccurrence(matrix, charted),
        "presence": presence_table(matrix),
        "exemplars": exemplar_quotes(charted, codebook),
    }
    new["profiles"] = code_profiles(matrix, new["cooccurrence"], new["exemplars"])
    old = {
        "summary": old_summary.summarise_themes(matrix, ATTRIBUTES),
        "cooccurrence": old_cooccurrence.code_cooccurrence(matrix, charted),
        "presence": old_cooccurrence.presence_table(matrix),
        "exemplars": old_exemplars.exemplar_quotes(charted, codebook),
    }
    old["profiles"] = old_summary.code_profiles(matrix, old["cooccurrence"], old["exemplars"])
    for name in new:
        assert written(new[name], tmp_path / "new", name) == written(
            old[name], tmp_path / "old", name
        ), name


def test_the_characters_lowered_into_ascii_are_all_listed():
    lowered = {
        c
        for c in map(chr, range(0x80, 0x110000))
        if not unicodedata.category(c) == "Cs" and re.search("[a-z0-9]", c.lower())
    }
    assert lowered == set(fast_exemplars.ASCII_BY_LOWER_CASE)


AWKWARD = st.lists(
    st.sampled_from(
        list("abcXYZ019 '’-_[]\n\tİKé٣")
        + ["[PERSON_3]", "[ORG_٣]", "don't", "it's", "a1'b2", "'quoted'", "the", "café"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=100, deadline=None)
@given(st.lists(AWKWARD, min_size=1, max_size=8))
def test_words_split_by_arrow_are_the_words_tokenise_keeps(texts):
    rows, words = fast_exemplars.words_of(pa.array(texts, type=pa.large_string()))
    found = sorted(zip(rows.tolist(), words.to_pylist(), strict=True))
    expected = sorted(
        (row, word) for row, text in enumerate(texts) for word in fast_exemplars.tokenise(text)
    )
    assert found == expected


def segments_of(texts: list[str], codes: list[str]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "segment_id": [f"P{i % 3}-S{i:03d}" for i in range(n)],
            "transcript_id": [f"P{i % 3}" for i in range(n)],
            "start": np.arange(n) * 5,
            "end": np.arange(n) * 5 + 12,
            "case_id": [f"P{i % 3}" for i in range(n)],
            "code_id": codes,
            "coder": "A",
            "paragraph": 1,
            "text": texts,
            "source_file": "s",
            "source_row": 1,
        }
    )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(AWKWARD.filter(str.strip), st.sampled_from(["c1", "c2", "c3"])), min_size=1)
)
def test_exemplars_match_the_per_segment_computation(rows):
    codebook = pd.DataFrame(
        {
            "theme_id": "t1",
            "theme": "T",
            "code_id": ["c1", "c2"],  # c3 is outside the codebook
            "code": ["C1", "C2"],
            "definition": "",
            "valence": "mixed",
            "cfir_domain": "",
            "cfir_construct": "",
            "code_order": [0, 1],
            "parent_id": "t1",
            "path": ["T\\C1", "T\\C2"],
            "depth": 2,
        }
    )
    segments = segments_of([text for text, _ in rows], [code for _, code in rows])
    new = exemplar_quotes(segments, codebook, k=2)
    old = old_exemplars.exemplar_quotes(segments, codebook, k=2)
    pd.testing.assert_frame_equal(new, old)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="=+-@\t\rab'", max_size=4)), min_size=1))
def test_formulas_are_neutralised_cell_by_cell_and_column_by_column_alike(values):
    frame = pd.DataFrame({"text": pd.Series(values, dtype="str"), "n": range(len(values))})
    safe = qio.neutralise_formulas(frame)
    expected = [None if v is None else qio.neutralise_formula(v) for v in values]
    assert [None if pd.isna(v) else v for v in safe["text"]] == expected
    assert safe["n"].tolist() == list(range(len(values)))


def test_themes_whose_codes_state_no_valence_match_the_per_row_summary(benchmark_study):
    matrix, codebook, charted = benchmark_study
    blank = matrix["code_id"].isin(["c0_0", "c0_1", "c1_0"]) | (matrix["theme_id"] == "t2")
    matrix = matrix.assign(valence=matrix["valence"].where(~blank, ""))
    pd.testing.assert_frame_equal(
        summarise_themes(matrix, ATTRIBUTES), old_summary.summarise_themes(matrix, ATTRIBUTES)
    )


@settings(max_examples=30, deadline=None)
@given(st.lists(AWKWARD, min_size=1, max_size=12))
def test_words_counted_in_chunks_side_by_side_equal_one_chunk(texts):
    series = pd.Series(texts, dtype="str")
    whole, vocabulary = fast_exemplars.word_counts(series)
    original = fast_exemplars.CHUNK_ROWS
    try:
        fast_exemplars.CHUNK_ROWS = 3  # several chunks, split by the threads at once
        chunked, chunked_vocabulary = fast_exemplars.word_counts(series)
    finally:
        fast_exemplars.CHUNK_ROWS = original
    assert chunked_vocabulary.tolist() == vocabulary.tolist()
    assert (chunked != whole).nnz == 0 and chunked.shape == whole.shape


@settings(max_examples=200, deadline=None)
@given(st.lists(AWKWARD.map(str.lower), max_size=8), st.integers(0, 3))
def test_runs_of_word_bytes_are_the_regex_split(texts, skip):
    """The byte runs are the pieces of splitting on `[^a-z0-9']+`, in order, also for an
    array that is a slice of a larger one."""
    array = pa.array(["x'1 é"] * skip + texts, type=pa.large_string()).slice(skip)
    rows, pieces = fast_exemplars.runs_of_word_bytes(array)
    expected = [
        (row, piece)
        for row, text in enumerate(texts)
        for piece in re.split(r"[^a-z0-9']+", text)
        if piece
    ]
    assert list(zip(rows.tolist(), pieces.to_pylist(), strict=True)) == expected
