"""Intercoder agreement at character level over the double-coded text.

For each code, each character of a transcript coded by two or more coders is one unit,
and each coder of that transcript gives it the value 1 if they applied the code to it,
else 0. A coder "coded" a transcript when they have at least one segment in it: a coder
who read a transcript but applied no code to it cannot be told apart from one who never
saw it, so that transcript does not count as theirs.

Degenerate cases give NaN rather than a number that looks meaningful:
- Cohen's kappa is NaN when expected agreement is 1 (both coders gave one and the same
  value to every character, e.g. neither ever applied the code);
- Krippendorff's alpha is NaN when the data hold fewer than two pairable values or only
  one value occurs (no variation, so expected disagreement is 0).
Percent agreement is always defined when there is at least one unit.
"""

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import DataFrame

from qualframe.errors import QualframeError
from qualframe.schemas import Agreement, columns_of, dtypes_of

ALL_CODES = ""
ALL_CODERS = "all"
AGREEMENT_COLUMNS = columns_of(Agreement)


@pa.check_types
def agreement(segments: pd.DataFrame, texts_length: Mapping[str, int]) -> DataFrame[Agreement]:
    """Agreement between coders of the same transcripts, at character level.

    `segments` has at least transcript_id, start, end, code_id and coder (as
    schemas.Segment); `texts_length` maps each transcript id to the length of the text the
    offsets address. Returns one row per (code_id, coder_a, coder_b) pair of coders who
    share a transcript, plus per pair a row with code_id "" pooling every (character,
    code) decision; and per code (and pooled) a row with coder_a = coder_b = "all" giving
    Krippendorff's alpha over every coder of each transcript (coders who did not code a
    transcript are missing there). `transcripts` and `characters` count the double-coded
    text each row covers (characters of text, not times the number of codes). The table
    validates as schemas.Agreement.
    Raises QualframeError when a segment names an unknown transcript or lies outside it.
    """
    check_offsets(segments, texts_length)
    coders_of = segments.groupby("transcript_id")["coder"].agg(lambda c: sorted(set(c)))
    shared = coders_of[coders_of.map(len) >= 2]
    if shared.empty:
        return empty_agreement()
    codes = sorted(segments.loc[segments["transcript_id"].isin(shared.index), "code_id"].unique())
    code_index = {code: i for i, code in enumerate(codes)}

    # per pair: contingency counts per code (n11, n10, n01, n00), transcripts, characters
    pairs: dict[tuple[str, str], dict] = {}
    # all coders: coincidence counts per code (o00, o01, o11), as in Krippendorff (2011)
    coincidences = np.zeros((len(codes), 3))
    for transcript_id, coders in shared.items():
        length = int(texts_length[transcript_id])
        coded = coded_characters(
            segments[segments["transcript_id"] == transcript_id], coders, code_index, length
        )
        for a, b in itertools.combinations(coders, 2):
            pair = pairs.setdefault(
                (a, b), {"table": np.zeros((len(codes), 4)), "transcripts": 0, "characters": 0}
            )
            pair["table"] += contingency(coded[a], coded[b])
            pair["transcripts"] += 1
            pair["characters"] += length
        coincidences += coincidence_binary(np.sum([coded[c] for c in coders], axis=0), len(coders))

    rows = []
    for (a, b), pair in sorted(pairs.items()):
        pooled = pair["table"].sum(axis=0)
        for code, table in [(ALL_CODES, pooled), *zip(codes, pair["table"], strict=True)]:
            rows.append(
                {
                    "code_id": code,
                    "coder_a": a,
                    "coder_b": b,
                    "transcripts": pair["transcripts"],
                    "characters": pair["characters"],
                    "cohen_kappa": cohen_kappa_binary(*table),
                    "krippendorff_alpha": alpha_from_coincidences(pair_coincidences(*table)),
                    "percent_agreement": (table[0] + table[3]) / table.sum(),
                }
            )
    n_transcripts = len(shared)
    n_characters = int(sum(int(texts_length[t]) for t in shared.index))
    pooled = coincidences.sum(axis=0)
    for code, counts in [(ALL_CODES, pooled), *zip(codes, coincidences, strict=True)]:
        o00, o01, o11 = counts
        rows.append(
            {
                "code_id": code,
                "coder_a": ALL_CODERS,
                "coder_b": ALL_CODERS,
                "transcripts": n_transcripts,
                "characters": n_characters,
                "cohen_kappa": np.nan,  # kappa is defined for two coders only
                "krippendorff_alpha": alpha_from_coincidences(np.array([[o00, o01], [o01, o11]])),
                # share of pairable values that agree (observed agreement of alpha)
                "percent_agreement": (o00 + o11) / (o00 + 2 * o01 + o11),
            }
        )
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS).astype(dtypes_of(Agreement))


def empty_agreement() -> pd.DataFrame:
    return pd.DataFrame({column: [] for column in AGREEMENT_COLUMNS}).astype(dtypes_of(Agreement))


def check_offsets(segments: pd.DataFrame, texts_length: Mapping[str, int]) -> None:
    for row in segments.itertuples(index=False):
        segment = f"segment {getattr(row, 'segment_id', '')}".strip()
        if row.transcript_id not in texts_length:
            raise QualframeError(f"{segment}: unknown transcript {row.transcript_id!r}")
        length = int(texts_length[row.transcript_id])
        if not 0 <= row.start < row.end <= length:
            raise QualframeError(
                f"{segment}: offsets {row.start}-{row.end} outside {row.transcript_id!r} "
                f"({length} characters)"
            )


def coded_characters(
    segments: pd.DataFrame, coders: list[str], code_index: Mapping[str, int], length: int
) -> dict[str, np.ndarray]:
    """Per coder, a (codes × characters) boolean matrix: True where the code was applied.
    Overlapping segments of one code by one coder count once."""
    coded = {coder: np.zeros((len(code_index), length), dtype=bool) for coder in coders}
    for row in segments.itertuples(index=False):
        coded[row.coder][code_index[row.code_id], row.start : row.end] = True
    return coded


def contingency(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per code (row), counts of characters where (a, b) is (1,1), (1,0), (0,1), (0,0)."""
    n11 = (a & b).sum(axis=1)
    n10 = (a & ~b).sum(axis=1)
    n01 = (~a & b).sum(axis=1)
    n00 = a.shape[1] - n11 - n10 - n01
    return np.stack([n11, n10, n01, n00], axis=1).astype(float)


def cohen_kappa_binary(n11: float, n10: float, n01: float, n00: float) -> float:
    """Cohen's kappa of a 2×2 table: (p_o − p_e) / (1 − p_e); NaN when p_e is 1."""
    total = n11 + n10 + n01 + n00
    if total == 0:
        return np.nan
    observed = (n11 + n00) / total
    expected = ((n11 + n10) * (n11 + n01) + (n00 + n01) * (n00 + n10)) / total**2
    if np.isclose(expected, 1.0):
        return np.nan
    return float((observed - expected) / (1 - expected))


def pair_coincidences(n11: float, n10: float, n01: float, n00: float) -> np.ndarray:
    """The coincidence matrix of two coders without missing values: each unit gives
    two ordered pairs of values, each weighted 1/(m_u − 1) = 1."""
    return np.array([[2 * n00, n10 + n01], [n10 + n01, 2 * n11]])


def coincidence_binary(applied: np.ndarray, coders: int) -> np.ndarray:
    """Coincidence counts (o00, o01, o11) per code for units each valued by `coders`
    coders, `applied` (codes × characters) of whom gave the value 1."""
    ones = applied.astype(float)
    zeros = coders - ones
    weight = coders - 1
    return np.stack(
        [
            (zeros * (zeros - 1)).sum(axis=1) / weight,
            (zeros * ones).sum(axis=1) / weight,
            (ones * (ones - 1)).sum(axis=1) / weight,
        ],
        axis=1,
    )


def alpha_from_coincidences(coincidences: np.ndarray) -> float:
    """Krippendorff's alpha for nominal data from a coincidence matrix o_ck:
    alpha = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k. NaN without variation."""
    totals = coincidences.sum(axis=1)
    n = totals.sum()
    if n < 2:
        return np.nan
    observed = coincidences.sum() - np.trace(coincidences)
    expected = totals.sum() ** 2 - (totals**2).sum()
    if np.isclose(expected, 0.0):
        return np.nan
    return float(1 - (n - 1) * observed / expected)
