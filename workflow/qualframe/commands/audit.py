"""`qualframe manifest`, `verify` and `trace`: the audit trail of a run."""

import json
import os
import sys
from pathlib import Path

from qualframe import io as qio
from qualframe import provenance
from qualframe.errors import QualframeError

DEFAULT_MANIFEST = "results/provenance/manifest.json"


def add_parsers(steps) -> None:
    manifest = steps.add_parser("manifest", help="write the run manifest and its RO-Crate")
    manifest.add_argument("--records", nargs="+", required=True, help="every step's record")
    manifest.add_argument(
        "--workflow-files", nargs="+", required=True, help="Snakefile, rules, config"
    )
    manifest.add_argument("--snakefile", required=True, help="the main workflow file")
    manifest.add_argument(
        "--restricted", nargs="+", required=True, help="restricted folders and files"
    )
    manifest.add_argument("--results-dir", default="results")
    manifest.add_argument(
        "--steps-dir", help="folder of the step records: those not in --records are removed"
    )
    manifest.add_argument("--manifest", required=True, help="the manifest (.json) to write")
    manifest.add_argument("--crate", required=True, help="the ro-crate-metadata.json to write")
    manifest.add_argument("--shards", required=True, help="TSV: the transcripts of each shard")
    manifest.add_argument(
        "--written-after",
        nargs="*",
        default=[],
        help="files the run writes after the manifest (the leak scan's, which reads it)",
    )
    manifest.set_defaults(run=run_manifest)

    verify = steps.add_parser("verify", help="re-hash every file of a run; fail on any change")
    verify.add_argument(
        "study", nargs="?", default=None, metavar="DIR", help="the study folder (default: here)"
    )
    verify.add_argument("--manifest", default=DEFAULT_MANIFEST)
    verify.add_argument(
        "--run",
        dest="run_id",
        metavar="RUN_ID",
        help="check against that run's kept manifest (`qualframe history`), telling changes "
        "made by later runs from changes made outside the workflow",
    )
    verify.add_argument("--json", action="store_true", help="print the findings as JSON")
    verify.set_defaults(run=run_verify)

    trace = steps.add_parser("trace", help="trace an output back to the raw transcript")
    trace.add_argument("--manifest", default=DEFAULT_MANIFEST)
    trace.add_argument("--case", help="matrix cell: the case id (with --code)")
    trace.add_argument("--code", help="matrix cell: the code id (with --case)")
    trace.add_argument("--summary-row", type=int, help="theme summary row (1 = first data row)")
    trace.add_argument("--segment", help="a coded segment id")
    trace.add_argument("--primary-coder", default="", help="coder whose segments are summarised")
    trace.add_argument(
        "--show-raw",
        action="store_true",
        help="also print the raw text of each span (needs read access to the restricted folder)",
    )
    trace.add_argument("--json", action="store_true", help="print the chain as JSON")
    trace.set_defaults(run=run_trace)


def read_json(path: str) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise QualframeError("not found: run the workflow first", path=path) from exc
    except ValueError as exc:
        raise QualframeError(f"not valid JSON: {exc}", path=path) from exc


def run_manifest(args) -> None:
    from qualframe.audit.crate import build_crate
    from qualframe.audit.manifest import build_manifest, shard_listing, stale_records

    if args.steps_dir:
        # the records of steps that run after the manifest (the leak scan) are not stale
        stale = stale_records(args.steps_dir, [*args.records, *args.written_after])
        for path in stale:
            path.unlink()
        if stale:
            print(f"removed {len(stale)} step record(s) of steps no longer in the run")
    records = {path: read_json(path) for path in args.records}
    manifest = build_manifest(
        records, args.workflow_files, args.restricted, args.results_dir, provenance.now()
    )
    qio.write_csv(shard_listing(records), args.shards, sep="\t")
    manifest["shards"] = provenance.file_entry(args.shards)
    manifest["written_after"] = sorted(map(provenance.as_posix, args.written_after))
    crate_dir = str(Path(args.crate).parent)
    crate = build_crate(manifest, crate_dir, provenance.as_posix(args.snakefile))
    qio.write_json(args.manifest, manifest)
    qio.write_json(args.crate, crate)
    print(f"manifest: {len(manifest['files'])} files, {len(manifest['steps'])} step records")


def run_verify(args) -> None:
    from qualframe.audit.verify import describe, verify_run

    if args.study is not None:
        enter_study(args.study)
    if args.run_id:
        verify_against_run(args)
        return
    verification = verify_run(read_json(args.manifest), args.manifest)
    if args.json:
        print(json.dumps(verification._asdict(), indent=2, default=list))
    else:
        print(describe(verification))
    if verification.findings:
        raise SystemExit(1)


def enter_study(path: str) -> None:
    """Work in the study folder: the paths in its manifests are relative to it."""
    if not Path(path).is_dir():
        raise QualframeError("not a folder", path=path)
    os.chdir(path)


def verify_against_run(args) -> None:
    from qualframe.audit import later_runs

    result = later_runs.verify_against_run(Path.cwd(), args.run_id)
    if args.json:
        explained = [
            {**item.finding._asdict(), "later_run": item.later_run, "explanation": item.how}
            for item in result.explained
        ]
        report = {**result.verification._asdict(), "run_id": args.run_id, "findings": explained}
        print(json.dumps(report, indent=2, default=list))
    else:
        print(later_runs.describe(result))
    if result.outside:
        raise SystemExit(1)


def run_trace(args) -> None:
    from qualframe.audit.trace import describe, trace

    if (args.case is None) != (args.code is None):
        raise QualframeError("a matrix cell needs both --case and --code")
    chain = trace(
        read_json(args.manifest),
        case_id=args.case,
        code_id=args.code,
        segment_id=args.segment,
        summary_row=args.summary_row,
        primary_coder=args.primary_coder,
        show_raw=args.show_raw,
    )
    if args.json:
        json.dump(chain, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(describe(chain))
