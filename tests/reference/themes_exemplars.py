"""Test oracle: the per-row implementation of `qualframe.themes` that the vectorised one
must match to the byte. Original docstring follows.

Exemplar quotes: for each code, the segments most representative of it.

Each segment's text becomes a TF-IDF vector (lower-case words, pseudonym placeholders
such as [PERSON_3] and common function words dropped; document frequencies counted over
all segments given, so words every code uses weigh little). A segment's centrality is its
mean cosine similarity to the code's other segments; the most central segments are the
exemplars, preferring distinct cases so one talkative participant does not supply them all.
"""

import math
import re
from collections import Counter

import numpy as np
import pandas as pd

from qualframe.matrix.chart import reference
from qualframe.schemas import Codebook, ExemplarQuote, Segment

PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*(?:_\d+)?\]")
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


def tokenise(text: str) -> list[str]:
    """Lower-case words of `text` without placeholders, stop words and single letters."""
    words = WORD.findall(PLACEHOLDER.sub(" ", text).lower().replace("\u2019", "'"))
    return [w for w in words if len(w) > 1 and w not in STOP_WORDS]


def centralities(token_lists: list[list[str]], idf: dict[str, float]) -> np.ndarray:
    """Mean cosine similarity of each TF-IDF vector to the others; NaN for a lone text.

    The mean over the others is the vector's dot product with the sum of all unit vectors,
    less its similarity to itself (1, or 0 for a text with no words left), over n − 1:
    linear in the number of words rather than quadratic in the number of texts.
    """
    n = len(token_lists)
    if n < 2:
        return np.full(n, np.nan)
    units = []
    for tokens in token_lists:
        weights = {w: c * idf[w] for w, c in sorted(Counter(tokens).items())}
        norm = math.sqrt(sum(x * x for x in weights.values()))
        units.append({w: x / norm for w, x in weights.items()} if norm > 0 else {})
    total: dict[str, float] = {}
    for unit in units:
        for w, x in unit.items():
            total[w] = total.get(w, 0.0) + x
    scores = [
        (sum(x * total[w] for w, x in unit.items()) - (1.0 if unit else 0.0)) / (n - 1)
        for unit in units
    ]
    return np.clip(np.array(scores, dtype=float), 0, 1)


def pick(ranked: pd.DataFrame, k: int) -> pd.DataFrame:
    """The first `k` rows of `ranked`, taking one row per case first, then the rest in order."""
    first_of_case = ~ranked[Segment.case_id].duplicated()
    chosen = pd.concat([ranked[first_of_case], ranked[~first_of_case]]).head(k)
    return chosen


def exemplar_quotes(segments: pd.DataFrame, codebook: pd.DataFrame, k: int = 3) -> pd.DataFrame:
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
    ordered = segments.sort_values(Segment.segment_id, kind="stable").reset_index(drop=True)
    tokens = ordered[Segment.text].map(tokenise)
    document_frequency = Counter(w for words in tokens for w in set(words))
    n = len(ordered)
    idf = {w: math.log((1 + n) / (1 + df)) + 1 for w, df in document_frequency.items()}
    parts = []
    for code_id in codebook.sort_values(Codebook.code_order)[Codebook.code_id]:
        rows = ordered[ordered[Segment.code_id] == code_id]
        if rows.empty:
            continue
        central = np.round(centralities(list(tokens[rows.index]), idf), DECIMALS)
        ranked = rows.assign(centrality=central).sort_values(
            ["centrality", Segment.segment_id], ascending=[False, True], kind="stable"
        )
        chosen = pick(ranked, k)
        parts.append(
            pd.DataFrame(
                {
                    ExemplarQuote.code_id: code_id,
                    ExemplarQuote.rank: np.arange(1, len(chosen) + 1, dtype="int64"),
                    ExemplarQuote.segment_id: chosen[Segment.segment_id].to_numpy(),
                    ExemplarQuote.case_id: chosen[Segment.case_id].to_numpy(),
                    ExemplarQuote.quote: chosen[Segment.text].str.split().str.join(" ").to_numpy(),
                    ExemplarQuote.reference: chosen.apply(reference, axis=1).to_numpy(),
                    ExemplarQuote.centrality: chosen["centrality"].to_numpy(dtype=float),
                }
            )
        )
    columns = list(ExemplarQuote.to_schema().columns)
    if not parts:
        return ExemplarQuote.validate(empty_frame(columns))
    return ExemplarQuote.validate(pd.concat(parts, ignore_index=True)[columns])


def empty_frame(columns: list[str]) -> pd.DataFrame:
    dtypes = {"rank": "int64", "centrality": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, str)) for c in columns})
