"""Detection rows for tests: a surface tagged where it occurs in a text."""

import re

import pandas as pd

from qualframe.schemas import Detection, columns_of

COLUMNS = columns_of(Detection)


def tag(tid: str, text: str, surface: str, entity_type: str, detector: str = "ner", nth=0):
    """One detection row of the `nth` occurrence of `surface` in `text`."""
    start = [m.start() for m in re.finditer(re.escape(surface), text)][nth]
    return (tid, start, start + len(surface), entity_type, surface, detector, 0.85)


def frame(rows) -> pd.DataFrame:
    """Rows of `tag` as a validated Detection frame."""
    types = {c: str for c in COLUMNS} | {"start": "int64", "end": "int64", "confidence": "float64"}
    return Detection.validate(pd.DataFrame(rows, columns=COLUMNS).astype(types))
