"""List what a person should check, as CSV and HTML pages.

Low-confidence replacements, near misses and the propagation evidence (each term searched
for corpus-wide, and why), with one review page per shard of transcripts (restricted).
"""

from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.deid_inputs import (
    codebook_vocabulary,
    language_notes,
    read_allow_list,
    read_evidence,
    read_languages,
)
from qualframe.commands.paths import read_texts
from qualframe.commands.pseudonymise import CODEBOOK_HELP
from qualframe.study.schema import config_default

TITLE = "De-identification review"


def register_parser(subparsers):
    parser = options.add_command(subparsers, "review", __doc__)
    options.add_detected(parser)
    parser.add_argument("--log", required=True, help=options.ANONYMISATION_LOG)
    parser.add_argument("--allow-list", required=True, help=options.ALLOW_LIST)
    parser.add_argument(
        "--low-confidence",
        type=float,
        default=config_default("deid", "review_confidence"),
        help="replacements below this confidence are listed",
    )
    parser.add_argument("--codebook", help=CODEBOOK_HELP)
    options.add_list(
        parser,
        "--summary-log",
        "what de-identification replaced in the charting summaries (restricted)",
    )
    options.add_list(
        parser,
        "--languages",
        "the transcripts' languages `qualframe detect --output-languages` wrote "
        "(restricted); a transcript they do not name has its languages identified here",
    )
    options.add_output(parser, None, "review list CSV (restricted)")
    options.add_output(
        parser,
        "pages",
        "folder for the review pages (restricted): index.html and one page per --texts "
        "input (a shard)",
    )
    parser.add_argument(
        "--evidence",
        help="the propagation evidence `qualframe pseudonymise --output-evidence` wrote "
        "(restricted): the page lists it; without it, propagation is run again to find it",
    )
    options.add_output(
        parser,
        "evidence",
        "propagation evidence CSV, when it is found again here (restricted)",
        required=False,
    )
    options.add_cache(parser)
    return parser


def review_findings(
    raw_texts, log, detections, allow, low_confidence, evidence=None, team=frozenset(), memo=None
):
    """The review candidates and the propagation evidence (found again when not given);
    `memo`: see `review_candidates`."""
    from qualframe.deid import review_candidates
    from qualframe.deid.allow import normalise_allow_list
    from qualframe.deid.mentions import with_confidence
    from qualframe.deid.propagate import find_mentions
    from qualframe.schemas import Detection

    candidates = review_candidates(
        raw_texts, log, detections, low_confidence=low_confidence, allow_list=allow, memo=memo
    )
    if evidence is None:
        allowed = normalise_allow_list(allow)
        detections = Detection.validate(with_confidence(detections))
        evidence = find_mentions(raw_texts, detections, allowed, team)[1]
    return candidates, evidence


def write_review_tables(candidates, evidence, table, evidence_path=None) -> None:
    """Write the review list and, when a path is given, the propagation evidence (CSV,
    restricted)."""
    qio.write_restricted_csv(candidates, table)
    if evidence_path:
        qio.write_restricted_csv(evidence, evidence_path)


def write_review(
    raw_texts,
    log,
    detections,
    allow,
    low_confidence,
    table,
    page,
    evidence_path,
    evidence=None,
    notes=None,
) -> None:
    """Write the review list (CSV), the propagation evidence and the review page."""
    from qualframe.deid import review_html

    candidates, evidence = review_findings(
        raw_texts, log, detections, allow, low_confidence, evidence
    )
    write_review_tables(candidates, evidence, table, evidence_path)
    qio.make_restricted_dir(Path(page).parent)
    if notes is None:
        notes = language_notes(raw_texts, ner_enabled=True)
    html = review_html(raw_texts, log, candidates, title=TITLE, evidence=evidence, notes=notes)
    qio.write_text(page, html, restricted=True)
    print(f"review: {len(candidates)} places to check in {len(raw_texts)} transcripts")


def text_groups(paths: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """({transcript id: text}, {group: its transcript ids}) of `read_texts` inputs, one
    group per input named by its file name without the extension (a shard's number)."""
    texts: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for path in paths:
        found = read_texts([path])
        name = Path(path).stem
        while name in groups:  # the same name in two folders
            name += "_"
        texts.update(found)
        groups[name] = list(found)
    return texts, groups


def run(args) -> None:
    from qualframe.deid import review_pages

    texts, groups = text_groups(args.texts)
    detections = pd.concat([qio.read_parquet(p) for p in args.detections], ignore_index=True)
    log = qio.read_anonymisation_log(args.log)
    allow = read_allow_list(args.allow_list)
    team = codebook_vocabulary(args.codebook)
    given = read_evidence(args.evidence) if args.evidence else None
    from qualframe.reuse import ReviewReuse
    from qualframe.step_cache import StepCache

    cache = StepCache(args.cache, "review", args.low_confidence, allow)
    reuse = ReviewReuse(cache)
    candidates, evidence = review_findings(
        texts, log, detections, allow, args.low_confidence, given, team, reuse.candidates
    )
    write_review_tables(candidates, evidence, args.output, args.output_evidence)
    appendix = ""
    if args.summary_log:
        from qualframe.charting.review import replacements_section

        summary_logs = [qio.read_csv(path) for path in args.summary_log]
        appendix = replacements_section(pd.concat(summary_logs, ignore_index=True))
    pages = review_pages(
        texts,
        groups,
        log,
        candidates,
        title=TITLE,
        evidence=evidence,
        notes=language_notes(texts, ner_enabled=True, known=read_languages(args.languages)),
        appendix=appendix,
        memo=reuse.page,
    )
    folder = qio.make_restricted_dir(args.output_pages)
    for old in folder.glob("*.html"):  # the pages of an earlier run
        old.unlink()
    for name, html in pages.items():
        qio.write_text(Path(args.output_pages) / name, html, restricted=True)
    cache.prune()
    print(
        f"review: {len(candidates)} places to check in {len(texts)} transcripts, "
        f"on {len(pages) - 1} pages and {args.output_pages}/index.html (candidates and "
        f"pages: {cache.summary()})"
    )
