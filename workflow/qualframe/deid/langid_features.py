"""py3langid's language identifier with its byte n-gram features counted by numpy.

py3langid reads a text's features by walking a finite automaton byte by byte in
Python, about 1 MB/s: a third of rules-only detection. Its automaton is an
Aho-Corasick one over byte n-grams: the state after a byte is the longest suffix of the
bytes read so far that begins some n-gram, so it depends only on the last `depth`
bytes (the longest such prefix; 6 in the shipped model). `window_states` computes every
position's state at once, running the automaton from its start over each position's
last `depth` bytes in `depth` vectorised steps. Same states, same counts in the same
order, so the same scores and the same language as py3langid's own walk, bit for bit.
Texts under WALK_BELOW bytes (single lines) still take the walk, quicker for them.
"""

import numpy as np
import pandas as pd
from py3langid.langid import LanguageIdentifier

# Beyond this the automaton is not the short n-gram one this shortcut is for.
MAX_DEPTH = 16
# Below this many bytes py3langid's own walk is quicker than numpy's fixed costs.
WALK_BELOW = 600


def automaton_depth(next_state: np.ndarray, row_start: np.ndarray) -> int:
    """Return the largest number of bytes from the start state to any state (breadth
    first): for an Aho-Corasick automaton, the length of its longest key prefix."""
    depth = np.full(len(row_start), -1, dtype=np.int64)
    depth[0] = 0
    frontier, steps = np.array([0]), 0
    letters = np.arange(256)
    while len(frontier):
        reached = np.zeros(len(row_start), dtype=bool)
        reached[next_state[(row_start[frontier][:, None] + letters).ravel()]] = True
        frontier = np.flatnonzero(reached & (depth < 0))
        steps += 1
        depth[frontier] = steps
    return int(depth.max())


def window_states(
    next_state: np.ndarray, row_start: np.ndarray, data: bytes, depth: int
) -> np.ndarray:
    """Return the automaton's state after each byte of `data`, each found by running it
    from the start state over that byte's last `depth` bytes (fewer at the start)."""
    letters = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
    states = np.zeros(len(letters), dtype=np.int64)
    for lag in range(min(depth, len(letters)) - 1, -1, -1):
        # positions at or after `lag` read the byte `lag` places back
        states[lag:] = next_state[row_start[states[lag:]] + letters[: len(letters) - lag]]
    return states


def walked_states(next_state, row_start, data: bytes) -> list[int]:
    """Return the automaton's state after each byte of `data`, walked byte by byte
    (py3langid's way; the reference for `window_states`)."""
    state, states = 0, []
    for letter in data:
        state = int(next_state[row_start[state] + letter])
        states.append(state)
    return states


def feature_arrays(outputs: np.ndarray, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (features, counts) of the states' features in order of first occurrence,
    as py3langid's `visit_counts` orders them (both empty when there is none)."""
    features = outputs[states]
    features = features[features >= 0]
    found = pd.unique(features)  # hashed, in order of first occurrence
    return found, np.bincount(features)[found] if len(found) else found


def feature_counts(outputs: np.ndarray, states: np.ndarray) -> dict[int, int] | None:
    """Return {feature: count} of the states' features in order of first occurrence,
    as py3langid's `visit_counts` does; None when there is none."""
    found, counts = feature_arrays(outputs, states)
    if not len(found):
        return None
    return dict(zip(found.tolist(), counts.tolist(), strict=True))


# Every float16 bit pattern's float32 value: a table lookup converts the model's rows
# several times faster than numpy's float16 cast, to the same values.
FLOAT16_AS_FLOAT32 = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)


class FastLanguageIdentifier(LanguageIdentifier):
    """py3langid's `LanguageIdentifier`, its features counted by `window_states`."""

    __slots__ = (
        "_depth",
        "_next_state",
        "_outputs",
        "_row_start",
        "_rows32",
        "_rows_of",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_state = np.asarray(self.tk_nextmove)  # 9.8M entries: kept unsigned 32-bit
        self._row_start = np.asarray(self._rowbase, dtype=np.int64)
        self._outputs = np.asarray(self.tk_output, dtype=np.int64)
        self._depth = automaton_depth(self._next_state, self._row_start)
        self._rows_of = None  # the table whose float32 rows `_float32_rows` keeps
        self._float32_rows(self.nb_ptc, np.zeros(0, dtype=np.intp))  # converted on loading

    def _sparse_score(self, visits, table):
        """py3langid's `_sparse_score`, with the model's float16 rows of the features
        seen in float32 (as numpy's promotion would make them, exactly)."""
        idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
        rows = self._float32_rows(table, idx) if table.dtype == np.float16 else table[idx]
        return np.log1p(counts) @ rows + self.nb_pc

    def _float32_rows(self, table: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Return table[idx] in float32. The whole table is converted (by
        FLOAT16_AS_FLOAT32) the first time it is read, on loading for the model's own,
        and kept: 57 MB, converted in about 25 ms, where converting the rows of each
        feature on first sight took twice that over a corpus of 18 transcripts (writing
        rows scattered across a fresh table faults in most of its pages one by one)."""
        if self._rows_of is not table:
            self._rows_of = table
            self._rows32 = FLOAT16_AS_FLOAT32[table.view(np.uint16)]
        return self._rows32[idx]

    def _raw_score(self, text):
        """Raw scores of encoded bytes, as py3langid's own `_raw_score`."""
        if self._depth > MAX_DEPTH or len(text) < WALK_BELOW:
            return super()._raw_score(text)
        states = window_states(self._next_state, self._row_start, text, self._depth)
        found, counts = feature_arrays(self._outputs, states)
        if not len(found):
            return super()._raw_score(b"")  # no features: py3langid's fill value
        # `_sparse_score` of {found: counts}, without the dictionary
        table = self.nb_ptc
        rows = self._float32_rows(table, found) if table.dtype == np.float16 else table[found]
        return np.log1p(counts.astype(np.float32)) @ rows + self.nb_pc
