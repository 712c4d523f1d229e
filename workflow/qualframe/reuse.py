"""What the corpus-wide de-identification steps take from their caches of earlier runs
(`step_cache.StepCache`), per transcript: the keys that say when a transcript's work is
unchanged, and the conversion of that work to and from the cache's JSON."""

import pandas as pd

from qualframe.deid.mentions import Mention
from qualframe.deid.review import Candidate
from qualframe.io import sha256_file
from qualframe.step_cache import digest, frame_digest, text_digest


class PseudonymiseReuse:
    """pseudonymise's per-transcript work of earlier runs, from its cache
    (`step_cache.StepCache`; the `propagate.Reuse` of `find_mentions`): a transcript's
    resolved detections, keyed by its text, the checksums of the detection files that
    hold its detections and its languages; and where the terms searched for occur in
    it, keyed by its text and the digest of the term list."""

    def __init__(self, cache, texts: dict, holders: dict, languages: dict):
        self.cache = cache
        self.texts = {tid: text_digest(text) for tid, text in texts.items()}
        self.inputs = {
            tid: [tid, self.texts[tid], holders.get(tid, []), languages.get(tid)] for tid in texts
        }
        self.terms: dict | None = None
        self.terms_digest = ""

    def kept(self, tid: str):
        found = self.cache.get(self.cache.key("kept", *self.inputs[tid]))
        if found is None:
            return None
        return [Mention(s, e, kind, text, tuple(by), sure) for s, e, kind, text, by, sure in found]

    def keep(self, tid: str, mentions: list) -> None:
        rows = [
            [m.start, m.end, m.entity_type, m.text, list(m.detectors), m.confidence]
            for m in mentions
        ]
        self.cache.put(self.cache.key("kept", *self.inputs[tid]), rows)

    def term_spans(self, tid: str, terms: dict, compute) -> list:
        if terms is not self.terms:  # one term list per run: digested once
            self.terms, self.terms_digest = terms, digest(list(terms.items()))
        key = self.cache.key("term_spans", tid, self.texts[tid], self.terms_digest)
        found = self.cache.fetch(key, lambda: [list(span) for span in compute()])
        return [tuple(span) for span in found]


def detection_holders(paths: list[str], frames: list[pd.DataFrame]) -> dict[str, list[str]]:
    """{transcript id: SHA-256 of each detection file holding its detections}: a
    transcript none names has none."""
    holders: dict[str, list[str]] = {}
    for path, frame in zip(paths, frames, strict=True):
        checksum = sha256_file(path)
        for tid in frame["transcript_id"].unique().tolist():
            holders.setdefault(str(tid), []).append(checksum)
    return holders


class ReviewReuse:
    """The review's earlier work from its cache (`step_cache.StepCache`): each transcript's
    candidates, keyed by its text, log rows, detections and the settings, and each
    group's page, keyed by its name and its transcripts' candidate keys."""

    def __init__(self, cache):
        self.cache = cache
        self.keys: dict[str, str] = {}  # transcript id -> the key of its candidates

    def candidates(self, tid: str, text: str, log, detections, compute) -> list:
        key = self.cache.key(
            "candidates", tid, text_digest(text), frame_digest(log), frame_digest(detections)
        )
        self.keys[tid] = key
        found = self.cache.fetch(
            key, lambda: [[int(c.start), int(c.end), str(c.text), c.reason] for c in compute()]
        )
        return [Candidate(*candidate) for candidate in found]

    def page(self, name: str, ids: list[str], render) -> str:
        key = self.cache.key("page", name, [[tid, self.keys[tid]] for tid in ids])
        return self.cache.fetch(key, render)
