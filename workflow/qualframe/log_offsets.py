"""Offsets between a transcript's raw normalised text and its de-identified text, mapped
through the anonymisation log's rows (`start`/`end` in the raw text, `deid_start`/`deid_end`
in the de-identified one).

Outside `deid/` so that coding and audit steps map offsets without loading the detectors.
"""

import numpy as np
import pandas as pd


def map_offset(log: pd.DataFrame, offset: int, side: str = "start") -> int:
    """Return where an offset of the raw normalised text falls in the de-identified text.

    Takes the log rows of one transcript, an offset into its raw text and which side of
    a span the offset is ("start" or "end"). An offset inside a replaced span snaps to
    the replacement's start (side="start") or end (side="end"), so a mapped span always
    covers whole replacements. The mapping is monotonic.
    """
    return shift_offset(log, offset, side, ("start", "end"), ("deid_start", "deid_end"))


def map_offset_to_raw(log: pd.DataFrame, offset: int, side: str = "start") -> int:
    """Return where an offset of the de-identified text falls in the raw normalised text.

    The inverse of `map_offset`: an offset inside a replacement snaps to the start or
    end of the original it replaced.
    """
    return shift_offset(log, offset, side, ("deid_start", "deid_end"), ("start", "end"))


def shift_offset(
    log: pd.DataFrame,
    offset: int,
    side: str,
    source: tuple[str, str],
    target: tuple[str, str],
) -> int:
    """Map `offset` from the text whose spans are the log's `source` (start, end) columns
    to the text whose spans are its `target` columns."""
    if side not in ("start", "end"):
        raise ValueError(f"side must be 'start' or 'end', not {side!r}")
    spans = log.sort_values(source[0])
    starts, ends = spans[source[0]].to_numpy(), spans[source[1]].to_numpy()
    target_starts, target_ends = spans[target[0]].to_numpy(), spans[target[1]].to_numpy()
    # Replaced spans do not overlap, so ends are sorted too.
    passed = int(np.searchsorted(ends, offset, side="right"))
    if passed < len(starts) and starts[passed] < offset:
        return int(target_starts[passed] if side == "start" else target_ends[passed])
    shift = target_ends[passed - 1] - ends[passed - 1] if passed else 0
    return int(offset + shift)
