"""Co-occurrence, presence, exemplar quotes and code profiles."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qualframe.matrix import chart_matrix, select_segments
from qualframe.themes.cooccurrence import (
    CodeCooccurrence,
    CodePresence,
    code_cooccurrence,
    presence_table,
)
from qualframe.themes.exemplars import ExemplarQuote, exemplar_quotes, tokenise
from qualframe.themes.summary import CodeProfile, code_profiles

RESULTS = Path(__file__).resolve().parents[2] / "results"


def make_segments(rows):
    """rows: (case_id, code_id, start, end, text); transcript = case, coder ES."""
    frame = pd.DataFrame(rows, columns=["case_id", "code_id", "start", "end", "text"])
    frame["transcript_id"] = frame["case_id"]
    frame["segment_id"] = (
        frame["case_id"] + "-S" + (frame.groupby("case_id").cumcount() + 1).map("{:03d}".format)
    )
    frame["coder"] = "ES"
    frame["paragraph"] = 2
    frame["source_file"] = "coded.csv"
    frame["source_row"] = np.arange(1, len(frame) + 1)
    return frame.astype({"start": "int64", "end": "int64", "source_row": "int64"})


@pytest.fixture
def hand_segments():
    # A1: leadership 0-10 overlaps workforce 5-15 and funding 8-25; funding also overlaps
    # workforce 20-30. A2: leadership 0-10 and funding 10-20 only touch (end exclusive).
    return make_segments(
        [
            ["A1", "leadership", 0, 10, "Our director backed us."],
            ["A1", "workforce", 5, 15, "We could not recruit nurses."],
            ["A1", "workforce", 20, 30, "Nurses left for agencies."],
            ["A1", "funding", 8, 25, "The money ran out."],
            ["A2", "leadership", 0, 10, "The board said yes."],
            ["A2", "funding", 10, 20, "Funding was for one year."],
            ["A3", "workforce", 0, 5, "Staff left."],
        ]
    )


@pytest.fixture
def hand_matrix(hand_segments, codebook, cases):
    return chart_matrix(hand_segments, codebook, cases, ["service_type"])


def test_cooccurrence_counts_by_hand(hand_matrix, hand_segments):
    table = code_cooccurrence(hand_matrix, hand_segments)
    CodeCooccurrence.validate(table)
    assert table[["code_a", "code_b"]].values.tolist() == [
        ["leadership", "workforce"],
        ["leadership", "funding"],
        ["workforce", "funding"],
    ]
    assert table["cases_a"].tolist() == [2, 2, 2]
    assert table["cases_b"].tolist() == [2, 2, 2]
    assert table["cases_both"].tolist() == [1, 2, 1]
    assert table["segments_overlapping"].tolist() == [1, 1, 2]
    assert table["jaccard_cases"].tolist() == pytest.approx([0.3333, 1.0, 0.3333])


def test_cooccurrence_of_codes_never_used_is_nan():
    matrix = pd.DataFrame(
        {"case_id": ["X", "X"], "code_id": ["c1", "c2"], "n_segments": [0, 0]}
    ).astype({"n_segments": "int64"})
    segments = make_segments([]).iloc[0:0]
    table = code_cooccurrence(matrix, segments)
    assert table[["cases_both", "segments_overlapping"]].values.tolist() == [[0, 0]]
    assert np.isnan(table.loc[0, "jaccard_cases"])


def test_presence_table(hand_matrix):
    presence = presence_table(hand_matrix.drop(columns="coverage", errors="ignore"))
    CodePresence.validate(presence)
    assert list(presence.columns) == ["case_id", "code_id", "present", "n_segments"]
    assert len(presence) == 3 * 3
    cell = presence.set_index(["case_id", "code_id"])
    assert cell.loc[("A1", "workforce"), "n_segments"] == 2
    assert not cell.loc[("A3", "funding"), "present"]
    assert presence["code_id"].tolist()[:3] == ["leadership", "workforce", "funding"]


def test_presence_table_carries_coverage(hand_matrix):
    with_coverage = hand_matrix.assign(coverage=0.25)  # chart_matrix computes it from texts
    assert presence_table(with_coverage)["coverage"].tolist() == [0.25] * 9


def test_tokenise_drops_placeholders_and_stop_words():
    assert tokenise("[PERSON_3] said the Ward was [ORG] closed") == ["said", "ward", "closed"]


@pytest.fixture
def quote_segments():
    return make_segments(
        [
            ["A1", "workforce", 0, 40, "We could not recruit nurses for the night shift."],
            ["A1", "workforce", 50, 90, "We could not recruit enough nurses for night shifts."],
            ["A1", "workforce", 100, 140, "The car park flooded every winter."],
            ["A2", "workforce", 0, 40, "Recruiting nurses for nights was hard."],
            ["A2", "funding", 50, 90, "The money ran out."],
        ]
    )


def test_exemplar_near_duplicates_beat_outlier(quote_segments, codebook):
    quotes = exemplar_quotes(quote_segments, codebook, k=1)
    ExemplarQuote.validate(quotes)
    best = quotes.set_index("code_id").loc["workforce"]
    assert best["segment_id"] in {"A1-S001", "A1-S002"}
    assert best["reference"].startswith("[A1 ¶2 ")
    # a code with one segment: its only quote, centrality undefined
    lone = quotes.set_index("code_id").loc["funding"]
    assert lone["quote"] == "The money ran out."
    assert np.isnan(lone["centrality"])
    assert "leadership" not in set(quotes["code_id"])


def test_exemplars_prefer_distinct_cases_and_are_deterministic(quote_segments, codebook):
    quotes = exemplar_quotes(quote_segments, codebook, k=3)
    workforce = quotes[quotes["code_id"] == "workforce"]
    assert workforce["rank"].tolist() == [1, 2, 3]
    assert workforce["case_id"].tolist()[:2] in (["A1", "A2"], ["A2", "A1"])
    assert "A1-S003" not in set(workforce["segment_id"])  # the outlier
    shuffled = quote_segments.sample(frac=1, random_state=3)
    again = exemplar_quotes(shuffled, codebook, k=3)
    assert again.to_csv(index=False) == quotes.to_csv(index=False)


def test_exemplar_ties_break_by_segment_id(codebook):
    segments = make_segments(
        [
            ["A2", "workforce", 0, 20, "Nurses left."],
            ["A1", "workforce", 0, 20, "Nurses left."],
        ]
    )
    quotes = exemplar_quotes(segments, codebook, k=2)
    assert quotes["segment_id"].tolist() == ["A1-S001", "A2-S001"]


def test_exemplar_k_must_be_positive(quote_segments, codebook):
    with pytest.raises(ValueError, match="k must be at least 1"):
        exemplar_quotes(quote_segments, codebook, k=0)


@pytest.fixture
def agreement_table():
    return pd.DataFrame(
        {
            "code_id": ["", "leadership", "workforce"],
            "coder_a": ["all", "all", "ES"],
            "coder_b": ["all", "all", "JK"],
            "krippendorff_alpha": [0.7, 0.8, 0.5],
        }
    )


def test_code_profiles(hand_matrix, hand_segments, codebook, agreement_table):
    cooccurrence = code_cooccurrence(hand_matrix, hand_segments)
    quotes = exemplar_quotes(hand_segments, codebook)
    profiles = code_profiles(hand_matrix, cooccurrence, quotes, agreement_table)
    CodeProfile.validate(profiles)
    assert list(profiles.columns) == list(CodeProfile.to_schema().columns)
    assert profiles[["level", "theme_id", "code_id"]].values.tolist() == [
        ["theme", "people", ""],
        ["code", "people", "leadership"],
        ["code", "people", "workforce"],
        ["theme", "money", ""],
        ["code", "money", "funding"],
    ]
    row = profiles.set_index(["theme_id", "code_id"])
    leadership = row.loc[("people", "leadership")]
    assert leadership["cases"] == 2
    assert leadership["share_cases"] == pytest.approx(0.6667)
    assert leadership["top_cooccurring"] == "Funding (2); Workforce (1)"
    assert leadership["krippendorff_alpha"] == pytest.approx(0.8)
    assert "[A1 ¶2 0-10]" in leadership["exemplars"]
    # equal cases_both: more overlapping segment pairs first
    assert row.loc[("people", "workforce"), "top_cooccurring"] == "Funding (1); Leadership (1)"
    assert np.isnan(row.loc[("people", "workforce"), "krippendorff_alpha"])
    people = row.loc[("people", "")]
    assert people["top_cooccurring"] == "Funding (2)"
    assert people["cases"] == 3 and people["segments"] == 5
    assert people["valence"] == "mixed"
    assert np.isnan(people["krippendorff_alpha"])
    assert row.loc[("money", ""), "top_cooccurring"] == "Leadership (2); Workforce (1)"
    # a theme's exemplars: the best quote of each of its codes
    funding_quotes = row.loc[("money", "funding"), "exemplars"].split("\n\n")
    assert len(funding_quotes) == 2
    assert row.loc[("money", ""), "exemplars"] == funding_quotes[0]


def test_code_profiles_without_agreement(hand_matrix, hand_segments, codebook):
    cooccurrence = code_cooccurrence(hand_matrix, hand_segments)
    quotes = exemplar_quotes(hand_segments, codebook)
    profiles = code_profiles(hand_matrix, cooccurrence, quotes)
    assert profiles["krippendorff_alpha"].isna().all()
    again = code_profiles(hand_matrix, cooccurrence, quotes)
    assert again.to_csv(index=False) == profiles.to_csv(index=False)


DEMO = [
    RESULTS / "matrix" / "framework_matrix.parquet",
    RESULTS / "coding" / "segments.parquet",
    RESULTS / "coding" / "codebook.parquet",
    RESULTS / "coding" / "agreement.parquet",
]


@pytest.mark.skipif(not all(p.exists() for p in DEMO), reason="demo results not built")
def test_demo_tables():
    matrix, segments, codebook, agreement = (pd.read_parquet(p) for p in DEMO)
    charted = select_segments(segments, "ES")
    n_codes = len(codebook)
    cooccurrence = code_cooccurrence(matrix, charted)
    assert len(cooccurrence) == n_codes * (n_codes - 1) // 2
    presence = presence_table(matrix)
    assert len(presence) == len(matrix)
    assert presence["n_segments"].sum() == len(charted)
    quotes = exemplar_quotes(charted, codebook)
    per_code = quotes.groupby("code_id").size()
    assert set(per_code.index) == set(charted["code_id"])
    assert per_code.between(1, 3).all()
    profiles = code_profiles(matrix, cooccurrence, quotes, agreement)
    assert len(profiles) == n_codes + codebook["theme_id"].nunique()
    codes = profiles[profiles["level"] == "code"]
    assert (codes["exemplars"] != "").all()
    assert codes["krippendorff_alpha"].notna().any()
