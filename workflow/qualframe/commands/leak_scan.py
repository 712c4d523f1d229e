"""Fail if any replaced identifier appears in a published file.

Looks for every replaced original, its name parts and every register term in the files
given (text inside Parquet, spreadsheets, HTML and archives too); writes a summary without
identifiers, and the findings, originals included, to a restricted CSV.
"""

from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.deid_inputs import read_allow_list, team_strings
from qualframe.errors import QualframeError

TEAM_TEXT = "the team's text is published as it is, no leak (register terms excepted)"


def register_parser(subparsers):
    parser = options.add_command(subparsers, "leak-scan", __doc__)
    parser.add_argument(
        "--log",
        nargs="+",
        required=True,
        help="anonymisation log CSV, and that of the charting summaries if any (restricted)",
    )
    parser.add_argument("--allow-list", required=True, help=options.ALLOW_LIST)
    parser.add_argument(
        "--register", help="identifier register TSV: every term is looked for (restricted)"
    )
    parser.add_argument("--scan", nargs="+", required=True, help="published files and folders")
    parser.add_argument(
        "--evidence",
        help="propagation evidence CSV (restricted): a term propagation left where no "
        "detector tagged it is not looked for",
    )
    parser.add_argument("--codebook", help="the study's codebook: " + TEAM_TEXT)
    parser.add_argument("--cases", help="the study's case sheet (TSV): " + TEAM_TEXT)
    options.add_output(parser, None, "scan summary (JSON, no identifiers)")
    options.add_output(parser, "findings", "what was found, originals included (CSV, restricted)")
    options.add_cache(parser)
    return parser


def as_lists(found) -> list:
    """(leaks, flags) as JSON lists for the cache."""
    return [[list(leak) for leak in part] for part in found]


def scan_files(paths, terms, allow, team, cache) -> dict:
    """{file: its `leaks.FileFindings`} of every file under `paths`, each reused from the
    cache (`step_cache.StepCache`, whose key holds the terms, the team's text and the
    allow-list) while its path and checksum are unchanged; in a changed file of several
    parts (a project's members), each part's findings while its text is unchanged."""
    from qualframe.deid.leaks import FileFindings, Leak, published_files, scan_file, term_matcher
    from qualframe.deid.team import team_matcher
    from qualframe.step_cache import text_digest

    matchers = {}

    def compute(path: str) -> list:
        if not matchers:  # built once, and only when a file is read
            matchers.update(team=team_matcher(team), terms=term_matcher(terms))
        parts = []

        def piece_memo(piece, find) -> tuple:
            key = cache.key("piece", path, piece.where, piece.unit, text_digest(piece.text))
            parts.append(key)
            leaks, flags = cache.fetch(key, lambda: as_lists(find()))
            return [Leak(*leak) for leak in leaks], [Leak(*flag) for flag in flags]

        found = scan_file(path, terms, allow, matchers["team"], matchers["terms"], piece_memo)
        return [found.readable, *as_lists((found.leaks, found.flags)), parts]

    findings = {}
    for path in map(str, published_files(paths)):
        key = cache.key("file", path, qio.sha256_file(path))
        readable, leaks, flags, parts = cache.fetch(key, lambda path=path: compute(path))
        cache.keep(parts)  # for when the file changes in a part or two
        findings[path] = FileFindings(
            readable, [Leak(*leak) for leak in leaks], [Leak(*flag) for flag in flags]
        )
    return findings


def run(args) -> None:
    from qualframe.deid.leaks import Leak, leak_terms, merge_terms
    from qualframe.deid.propagate import replaced_everywhere
    from qualframe.deid.register import checked_terms
    from qualframe.step_cache import StepCache

    Path(args.output_findings).unlink(missing_ok=True)
    try:
        register = checked_terms(qio.read_tsv(args.register)) if args.register else {}
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.register) from exc
    logs = [qio.read_anonymisation_log(path) for path in args.log]
    # the transcripts' log follows propagation's decision; the charting summaries' logs
    # (de-identified on their own) are looked for as they are
    decided = replaced_everywhere(qio.read_csv(args.evidence)) if args.evidence else {}
    allow = read_allow_list(args.allow_list)
    terms = merge_terms(
        leak_terms(logs[0], allow, register, decided),
        *(leak_terms(log, allow) for log in logs[1:]),
    )
    team = team_strings(args.codebook, args.cases)
    cache = StepCache(args.cache, "leak-scan", [list(term) for term in terms], team, allow)
    texts = scan_files(args.scan, terms, allow, team, cache)
    leaks = [leak for found in texts.values() for leak in found.leaks]
    flags = [flag for found in texts.values() for flag in found.flags]
    findings = pd.DataFrame(
        [(*leak, "leak") for leak in leaks] + [(*flag, "review") for flag in flags],
        columns=[*Leak._fields, "kind"],
    )
    qio.write_restricted_csv(findings, args.output_findings)
    cache.prune()
    print(f"leak scan: files and their parts: {cache.summary()}")
    if leaks:
        raise QualframeError(leaks_message(leaks, args.output_findings))
    summary = {
        "files_scanned": sorted(path for path, found in texts.items() if found.readable),
        "files_not_text": sorted(path for path, found in texts.items() if not found.readable),
        "terms": len(terms),
        "register_terms": len(register),
        "leaks": 0,
        "review_flags": dict(
            sorted(pd.Series([flag.path for flag in flags], dtype=str).value_counts().items())
        ),
    }
    qio.write_json(args.output, summary)
    print(
        f"leak scan: {len(terms)} identifiers (replaced originals, name parts, register "
        f"terms) looked for in {len(texts)} files: none; {len(flags)} places the review "
        f"list would flag, listed in {args.output_findings} (restricted)"
    )


def leaks_message(leaks, findings_path) -> str:
    """Where the leaks are, per file (the first three places of each), never what."""
    found = pd.DataFrame(leaks)
    files = found.groupby("path", sort=True)["where"].agg(list)
    where = "; ".join(
        f"{path} ({len(places)}: {', '.join(places[:3])}{', …' if len(places) > 3 else ''})"
        for path, places in files.items()
    )
    return (
        f"{len(leaks)} identifier(s) appear in published files: {where}. Each is "
        f"listed, with the original, in {findings_path} (restricted); fix the "
        "de-identification (register or allow-list) and run again"
    )
