"""CSV built by Arrow (qualframe.csvtext) has the bytes pandas' `to_csv` writes, which
`qualframe.io.write_csv` used before: on the 8,000-segment benchmark study's tables and
on awkward frames (quotes, separators, line breaks, formula-like text, missing values,
numbers of every kind)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe import csvtext
from qualframe import io as qio
from qualframe.matrix import wide_matrix
from tests.unit.matrix_study import ATTRIBUTES, charted, study


def pandas_csv(df: pd.DataFrame, sep: str = ",", formula_safe: bool = True) -> bytes:
    """What write_csv wrote before: pandas' to_csv of the formula-safe frame."""
    safe = qio.neutralise_formulas(df) if formula_safe else df
    return safe.to_csv(index=False, lineterminator="\n", sep=sep).encode("utf-8")


def arrow_csv(df: pd.DataFrame, sep: str = ",", formula_safe: bool = True) -> bytes | None:
    blocks = csvtext.csv_blocks(df, sep, qio.FORMULA_STARTS if formula_safe else ())
    return None if blocks is None else b"".join(bytes(block) for block in blocks)


def test_the_benchmark_study_tables_are_byte_identical(tmp_path, monkeypatch):
    cases, codebook, texts, segments = study(200, 100, 40)
    segments.loc[segments.index[:50], "text"] = '  "quoted", =SUM(A1)\r\n text\u2028 '
    matrix = charted(segments, codebook, cases, texts)
    monkeypatch.setattr(csvtext, "ROWS_PER_BLOCK", 777)  # several blocks
    for table in (matrix, wide_matrix(matrix, ATTRIBUTES, 300)):
        qio.write_table(table, tmp_path / "t.parquet", tmp_path / "t.csv")
        assert (tmp_path / "t.csv").read_bytes() == pandas_csv(table)


TEXT = st.text(
    alphabet=st.sampled_from(list(',"\n\r\t =+-@ab\u00e9\u2028\u3000\U0001f600')), max_size=12
)


@st.composite
def frames(draw):
    n = draw(st.integers(0, 8))
    floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
        [0.0, -0.0, 1e16, 1e-5, 0.1 + 0.2, 123456.789, 1 / 3]
    )
    kinds = {
        "text": lambda: pd.Series(draw(st.lists(TEXT, min_size=n, max_size=n)), dtype="str"),
        "text_na": lambda: pd.Series(
            draw(st.lists(st.none() | TEXT, min_size=n, max_size=n)), dtype="str"
        ),
        "object": lambda: pd.Series(
            draw(st.lists(st.none() | TEXT, min_size=n, max_size=n)), dtype=object
        ),
        "int": lambda: pd.Series(
            draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n)),
            dtype="int64",
        ),
        "Int64": lambda: pd.Series(
            draw(st.lists(st.none() | st.integers(-(2**40), 2**40), min_size=n, max_size=n)),
            dtype="Int64",
        ),
        "float": lambda: pd.Series(draw(st.lists(floats, min_size=n, max_size=n)), dtype="float64"),
        "bool": lambda: pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n))),
        "mixed": lambda: pd.Series(
            draw(st.lists(st.none() | TEXT | st.integers(0, 9), min_size=n, max_size=n)),
            dtype=object,
        ),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(kinds)), min_size=1, max_size=5))
    names = draw(st.lists(TEXT, min_size=len(chosen), max_size=len(chosen), unique=True))
    return pd.DataFrame({i: kinds[kind]() for i, kind in enumerate(chosen)}).set_axis(names, axis=1)


@settings(max_examples=300, deadline=None)
@given(frames(), st.sampled_from([",", "\t"]), st.booleans())
def test_awkward_frames_are_written_as_pandas_writes_them(df, sep, formula_safe):
    built = arrow_csv(df, sep, formula_safe)
    if built is not None:
        assert built == pandas_csv(df, sep, formula_safe)


@pytest.mark.parametrize("kind", ["float64", "int64", "Int64", "str", "bool"])
def test_every_handled_kind_is_built_by_arrow(kind):
    values = [1, 0] if kind != "str" else ["a", "=b"]
    df = pd.DataFrame({"x": pd.Series(values).astype(kind), "y": ["p,q", 'r"s']})
    assert arrow_csv(df) == pandas_csv(df)


def test_what_pandas_formats_otherwise_is_left_to_pandas(tmp_path):
    dates = pd.DataFrame({"d": pd.to_datetime(["2020-01-01"]), "x": ["a"]})
    mixed = pd.DataFrame({"m": pd.Series([1.5, "a"], dtype=object), "x": ["a", "b"]})
    single = pd.DataFrame({"only": ["", "x"]})
    for df in (dates, mixed, single):
        assert arrow_csv(df) is None
        qio.write_csv(df, tmp_path / "t.csv", formula_safe=True)
        assert (tmp_path / "t.csv").read_bytes() == pandas_csv(df)


def test_nan_is_written_empty_and_numbers_as_numpy_prints_them():
    df = pd.DataFrame({"f": [math.nan, 0.5, np.float64(1e-7)], "t": ["a", None, "b"]})
    assert arrow_csv(df) == b"f,t\n,a\n0.5,\n1e-07,b\n"
