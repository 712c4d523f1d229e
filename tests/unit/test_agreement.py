import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.coding.agreement import AGREEMENT_COLUMNS, agreement, cohen_kappa_binary
from qualframe.errors import QualframeError


def krippendorff_alpha_nominal(reliability_data) -> float:
    """The oracle: Krippendorff's alpha (nominal) from the `krippendorff` package, for a
    (coders × units) array with NaN for a missing value; NaN when only one value occurs."""
    data = np.asarray(reliability_data, dtype=float)
    if len(np.unique(data[~np.isnan(data)])) < 2:
        return np.nan
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def segments(rows):
    """rows: (transcript_id, start, end, code_id, coder)."""
    frame = pd.DataFrame(rows, columns=["transcript_id", "start", "end", "code_id", "coder"])
    frame["segment_id"] = [f"s{i}" for i in range(len(frame))]
    return frame.astype({"start": "int64", "end": "int64"})


def characters(transcript, code, coder, positions):
    return [(transcript, p, p + 1, code, coder) for p in positions]


def row(frame, code_id, a, b):
    found = frame[(frame.code_id == code_id) & (frame.coder_a == a) & (frame.coder_b == b)]
    assert len(found) == 1
    return found.iloc[0]


def test_krippendorff_2011_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    # 4 observers, 12 units, missing values; alpha (nominal) = 0.743
    nan = np.nan
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert krippendorff_alpha_nominal(data) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_2011_binary_example_at_character_level():
    # Krippendorff (2011), section A: two observers, ten binary units, alpha = 0.095.
    # Unit i is character i of one transcript; 1 = the coder applied the code there.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    rows = characters("t1", "c1", "ann", [i for i, v in enumerate(a) if v])
    rows += characters("t1", "c1", "bob", [i for i, v in enumerate(b) if v])
    result = agreement(segments(rows), {"t1": 10})
    pair = row(result, "c1", "ann", "bob")
    assert pair.krippendorff_alpha == pytest.approx(0.095, abs=5e-4)
    # hand-computed: p_o = 6/10, p_e = .2 * .4 + .8 * .6 = .56, kappa = .04 / .44
    assert pair.cohen_kappa == pytest.approx(0.04 / 0.44)
    assert pair.percent_agreement == pytest.approx(0.6)
    assert (pair.transcripts, pair.characters) == (1, 10)
    # two coders: the all-coder alpha is the pair's alpha
    assert row(result, "c1", "all", "all").krippendorff_alpha == pytest.approx(
        pair.krippendorff_alpha
    )
    assert krippendorff_alpha_nominal([a, b]) == pytest.approx(pair.krippendorff_alpha)


def test_perfect_agreement_is_one_and_columns_are_typed():
    rows = [
        ("t1", 0, 5, "c1", "ann"),
        ("t1", 0, 5, "c1", "bob"),
        ("t1", 10, 20, "c2", "ann"),
        ("t1", 10, 20, "c2", "bob"),
    ]
    result = agreement(segments(rows), {"t1": 30})
    assert list(result.columns) == AGREEMENT_COLUMNS
    assert result["transcripts"].dtype == "int64"
    assert set(result.code_id) == {"", "c1", "c2"}
    assert (result.krippendorff_alpha == 1).all()
    assert (result.percent_agreement == 1).all()
    assert (result[result.coder_a != "all"].cohen_kappa == 1).all()
    assert result[result.coder_a == "all"].cohen_kappa.isna().all()


def test_pooled_row_sums_decisions_over_codes():
    rows = [
        ("t1", 0, 2, "c1", "ann"),
        ("t1", 0, 2, "c1", "bob"),
        ("t1", 2, 4, "c2", "ann"),
    ]
    result = agreement(segments(rows), {"t1": 4})
    pooled = row(result, "", "ann", "bob")
    # c1: n11=2, n00=2 ; c2: n10=2, n00=2 -> pooled n11=2, n10=2, n01=0, n00=4
    assert pooled.percent_agreement == pytest.approx(6 / 8)
    assert pooled.cohen_kappa == pytest.approx(cohen_kappa_binary(2, 2, 0, 4))
    assert pooled.characters == 4  # characters of text, not times the codes


def test_no_variation_is_nan():
    # neither coder applied c2 on t1 (only on t2, coded by ann alone)
    rows = [
        ("t1", 0, 3, "c1", "ann"),
        ("t1", 3, 6, "c1", "bob"),
        ("t2", 0, 3, "c2", "ann"),
    ]
    result = agreement(segments(rows), {"t1": 6, "t2": 3})
    assert set(result.code_id) == {"", "c1"}  # c2 never applied to double-coded text
    rows.append(("t1", 0, 6, "c2", "ann"))
    rows.append(("t1", 0, 6, "c2", "bob"))
    result = agreement(segments(rows), {"t1": 6, "t2": 3})
    c2 = row(result, "c2", "ann", "bob")
    assert math.isnan(c2.cohen_kappa) and math.isnan(c2.krippendorff_alpha)
    assert c2.percent_agreement == 1
    assert (c2.transcripts, c2.characters) == (1, 6)


def test_three_coders_with_missing_transcripts():
    # t1 by ann, bob, cat; t2 by ann and bob only; t3 by cat alone (not double-coded)
    rows = [
        ("t1", 0, 4, "c1", "ann"),
        ("t1", 0, 4, "c1", "bob"),
        ("t1", 0, 2, "c1", "cat"),
        ("t2", 2, 4, "c1", "ann"),
        ("t2", 0, 4, "c1", "bob"),
        ("t3", 0, 4, "c1", "cat"),
    ]
    result = agreement(segments(rows), {"t1": 4, "t2": 4, "t3": 4})
    pairs = result[result.code_id == "c1"][["coder_a", "coder_b", "transcripts"]]
    assert pairs.values.tolist() == [
        ["ann", "bob", 2],
        ["ann", "cat", 1],
        ["bob", "cat", 1],
        ["all", "all", 2],
    ]
    everyone = row(result, "c1", "all", "all")
    assert everyone.characters == 8
    # reliability data: t1 chars (ann, bob, cat), t2 chars (ann, bob, missing)
    nan = np.nan
    data = [
        [1, 1, 1, 1, 0, 0, 1, 1],
        [1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 0, 0, nan, nan, nan, nan],
    ]
    assert everyone.krippendorff_alpha == pytest.approx(krippendorff_alpha_nominal(data))


def test_single_coder_gives_empty_table():
    result = agreement(segments([("t1", 0, 3, "c1", "ann")]), {"t1": 3})
    assert result.empty and list(result.columns) == AGREEMENT_COLUMNS


def test_segment_outside_its_transcript_is_an_error():
    with pytest.raises(QualframeError, match=r"segment s0: offsets 0-9 outside 't1'"):
        agreement(segments([("t1", 0, 9, "c1", "ann")]), {"t1": 3})
    with pytest.raises(QualframeError, match="unknown transcript 'tx'"):
        agreement(segments([("tx", 0, 1, "c1", "ann")]), {"t1": 3})


@given(
    st.lists(st.tuples(st.integers(0, 19), st.integers(1, 5), st.sampled_from(["c1", "c2"]))),
)
def test_identical_coding_always_agrees(spans):
    rows = []
    for start, size, code in spans:
        end = min(start + size, 20)
        rows += [("t1", start, end, code, "ann"), ("t1", start, end, code, "bob")]
    if not rows:
        return
    result = agreement(segments(rows), {"t1": 20})
    assert (result.percent_agreement == 1).all()
    assert result.krippendorff_alpha.dropna().eq(1).all()
    assert result.cohen_kappa.dropna().eq(1).all()


CODERS = ("ann", "bob", "cat")


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["t1", "t2"]),
            st.integers(0, 11),
            st.integers(1, 6),
            st.sampled_from(CODERS),
        ),
        min_size=1,
    )
)
def test_alpha_of_all_coders_matches_the_krippendorff_package(spans):
    """Random coding of one code by up to three coders over two transcripts: the all-coder
    alpha equals the `krippendorff` package's over the same reliability data (a coder who
    did not code a transcript is missing there)."""
    lengths = {"t1": 12, "t2": 9}
    rows = [(t, s, min(s + n, lengths[t]), "c1", c) for t, s, n, c in spans if s < lengths[t]]
    if not rows:
        return
    result = agreement(segments(rows), lengths)
    coders_of = {t: {c for t2, _, _, _, c in rows if t2 == t} for t in lengths}
    shared = [t for t in sorted(lengths) if len(coders_of[t]) >= 2]
    if not shared:
        assert result.empty
        return
    data = []
    for coder in CODERS:
        values = []
        for t in shared:
            coded = np.zeros(lengths[t])
            for t2, start, end, _, c in rows:
                if t2 == t and c == coder:
                    coded[start:end] = 1
            values += list(coded) if coder in coders_of[t] else [np.nan] * lengths[t]
        data.append(values)
    expected = krippendorff_alpha_nominal(data)
    found = row(result, "c1", "all", "all").krippendorff_alpha
    assert (math.isnan(found) and math.isnan(expected)) or found == pytest.approx(expected)
