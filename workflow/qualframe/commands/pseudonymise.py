"""Replace identifiers across the corpus.

One entity gets one stable replacement everywhere, kept in the study's pseudonym key;
writes the de-identified texts (shareable) and the anonymisation log (restricted).
"""

from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.deid_inputs import (
    codebook_vocabulary,
    count_by_type,
    read_allow_list,
    read_key,
    read_languages,
)
from qualframe.commands.paths import read_texts
from qualframe.errors import QualframeError

CODEBOOK_HELP = (
    "the study's codebook: a term in it that only the model found is the study's own word, kept"
)


def register_parser(subparsers):
    parser = options.add_command(subparsers, "pseudonymise", __doc__)
    options.add_detected(parser)
    parser.add_argument("--allow-list", required=True, help=options.ALLOW_LIST)
    options.add_style(parser)
    parser.add_argument("--key", required=True, help=options.KEY)
    parser.add_argument("--codebook", help=CODEBOOK_HELP)
    options.add_list(
        parser,
        "--languages",
        "the transcripts' languages `qualframe detect --output-languages` wrote "
        "(restricted); a transcript they do not name has its languages identified here",
    )
    options.add_output(parser, None, "folder for the de-identified <transcript id>.txt")
    options.add_output(parser, "log", "anonymisation log CSV (restricted)")
    options.add_output(
        parser,
        "evidence",
        "propagation evidence CSV: each term searched for corpus-wide, why (restricted); "
        "the review reads it",
        required=False,
    )
    options.add_cache(parser)
    return parser


class Reuse:
    """pseudonymise's per-transcript work of earlier runs, from its cache
    (`step_cache.StepCache`; the `propagate.Reuse` of `find_mentions`): a transcript's
    resolved detections, keyed by its text, the checksums of the detection files that
    hold its detections and its languages; and where the terms searched for occur in
    it, keyed by its text and the digest of the term list."""

    def __init__(self, cache, texts: dict, holders: dict, languages: dict):
        from qualframe.step_cache import text_digest

        self.cache = cache
        self.texts = {tid: text_digest(text) for tid, text in texts.items()}
        self.inputs = {
            tid: [tid, self.texts[tid], holders.get(tid, []), languages.get(tid)] for tid in texts
        }
        self.terms: dict | None = None
        self.terms_digest = ""

    def kept(self, tid: str):
        from qualframe.deid.mentions import Mention

        found = self.cache.get(self.cache.key("kept", *self.inputs[tid]))
        if found is None:
            return None
        return [Mention(s, e, kind, text, tuple(by), sure) for s, e, kind, text, by, sure in found]

    def keep(self, tid: str, mentions: list) -> None:
        rows = [[m.start, m.end, m.entity_type, m.text, list(m.detectors), m.confidence] for m in mentions]
        self.cache.put(self.cache.key("kept", *self.inputs[tid]), rows)

    def term_spans(self, tid: str, terms: dict, compute) -> list:
        from qualframe.step_cache import digest

        if terms is not self.terms:  # one term list per run: digested once
            self.terms, self.terms_digest = terms, digest(list(terms.items()))
        key = self.cache.key("term_spans", tid, self.texts[tid], self.terms_digest)
        found = self.cache.fetch(key, lambda: [list(span) for span in compute()])
        return [tuple(span) for span in found]


def pseudonymise(
    texts, detections, allow, style, key_path, codebook=None, languages=None, reuse=None
):
    """Run `pseudonymise_corpus` with the study's key, the vocabulary of its codebook (if
    any), the transcripts' languages where known and the work of earlier runs (`reuse`,
    a `Reuse`); a bad key is the user's error."""
    from qualframe.deid import pseudonymise_corpus
    from qualframe.deid.mentions import with_confidence
    from qualframe.schemas import Detection

    team = codebook_vocabulary(codebook)
    key = read_key(key_path)
    detections = Detection.validate(with_confidence(detections))  # the step's input
    try:
        return pseudonymise_corpus(
            texts,
            detections,
            allow,
            style=style,
            key=key,
            team=team,
            languages=languages,
            reuse=reuse,
        )
    except ValueError as exc:
        raise QualframeError(str(exc), path=str(key_path)) from exc


def write_pseudonymised(
    result, texts: dict, folder, log_path, key_path, evidence_path=None
) -> None:
    """Write de-identified texts (shareable) into `folder`, then the log, the key and,
    when a path is given, the propagation evidence (restricted); the log and key are
    validated here, at the step's boundary."""
    from qualframe.schemas import AnonymisationLog, PseudonymKey

    AnonymisationLog.validate(result.log)
    PseudonymKey.validate(result.key)
    qio.write_restricted_csv(result.log, log_path)
    if evidence_path:
        qio.write_restricted_csv(result.evidence, evidence_path)
    qio.write_restricted_csv(result.key, key_path)
    for transcript_id, text in sorted(result.texts.items()):
        qio.write_text(Path(folder) / f"{transcript_id}.txt", text)
    entities = result.log.drop_duplicates("replacement")
    print(
        f"{len(result.log)} replacements of {len(entities)} distinct entities "
        f"in {len(texts)} transcripts ({count_by_type(result.log)})"
    )


def detection_holders(paths: list[str], frames: list[pd.DataFrame]) -> dict[str, list[str]]:
    """{transcript id: SHA-256 of each detection file holding its detections}: a
    transcript none names has none."""
    holders: dict[str, list[str]] = {}
    for path, frame in zip(paths, frames, strict=True):
        checksum = qio.sha256_file(path)
        for tid in frame["transcript_id"].unique().tolist():
            holders.setdefault(str(tid), []).append(checksum)
    return holders


def run(args) -> None:
    from qualframe.step_cache import StepCache

    texts = read_texts(args.texts)
    frames = [qio.read_parquet(p) for p in args.detections]
    detections = pd.concat(frames, ignore_index=True)
    allow = read_allow_list(args.allow_list)
    languages = read_languages(args.languages)
    cache = StepCache(args.cache, "pseudonymise")
    reuse = Reuse(cache, texts, detection_holders(args.detections, frames), languages)
    result = pseudonymise(
        texts, detections, allow, args.style, args.key, args.codebook, languages, reuse
    )
    write_pseudonymised(result, texts, args.output, args.output_log, args.key, args.output_evidence)
    cache.prune()
    print(f"per-transcript work: {cache.summary()}")
