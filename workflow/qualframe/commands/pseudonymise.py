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


def pseudonymise(
    texts, detections, allow, style, key_path, codebook=None, languages=None, reuse=None
):
    """Run `pseudonymise_corpus` with the study's key, the vocabulary of its codebook (if
    any), the transcripts' languages where known and the work of earlier runs (`reuse`,
    a `reuse.PseudonymiseReuse`); a bad key is the user's error."""
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


def run(args) -> None:
    from qualframe.reuse import PseudonymiseReuse, detection_holders
    from qualframe.step_cache import StepCache

    texts = read_texts(args.texts)
    frames = [qio.read_parquet(p) for p in args.detections]
    detections = pd.concat(frames, ignore_index=True)
    allow = read_allow_list(args.allow_list)
    languages = read_languages(args.languages)
    cache = StepCache(args.cache, "pseudonymise")
    reuse = PseudonymiseReuse(cache, texts, detection_holders(args.detections, frames), languages)
    result = pseudonymise(
        texts, detections, allow, args.style, args.key, args.codebook, languages, reuse
    )
    write_pseudonymised(result, texts, args.output, args.output_log, args.key, args.output_evidence)
    cache.prune()
    print(f"per-transcript work: {cache.summary()}")
