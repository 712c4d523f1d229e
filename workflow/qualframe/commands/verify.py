"""Re-hash every file of a run; fail on any change.

Checks the files a run's manifest lists against their checksums; with --run, against that
run's kept manifest, telling changes later runs made from changes made outside the
workflow.
"""

import json

from qualframe.commands import options
from qualframe.commands.paths import read_json, study_folder

DEFAULT_MANIFEST = "results/provenance/manifest.json"


def register_parser(subparsers):
    parser = options.add_command(subparsers, "verify", __doc__)
    parser.add_argument(
        "study", nargs="?", default=None, metavar="DIR", help="the study folder (default: here)"
    )
    parser.add_argument("--manifest", default=DEFAULT_MANIFEST, help=options.MANIFEST)
    parser.add_argument(
        "--run",
        metavar="RUN_ID",
        help="check against that run's kept manifest (`qualframe history`), telling changes "
        "made by later runs from changes made outside the workflow",
    )
    options.add_json(parser, "print the findings as JSON")
    return parser


def run(args) -> None:
    import os

    from qualframe.audit.verify import describe, verify_run

    if args.study is not None:
        # the paths in a study's manifests are relative to its folder
        os.chdir(study_folder(args.study))
    if args.run:
        verify_against_run(args)
        return
    verification = verify_run(read_json(args.manifest), args.manifest)
    if args.json:
        print(json.dumps(verification._asdict(), indent=2, default=list))
    else:
        print(describe(verification))
    if verification.findings:
        raise SystemExit(1)


def verify_against_run(args) -> None:
    from pathlib import Path

    from qualframe.audit import later_runs

    result = later_runs.verify_against_run(Path.cwd(), args.run)
    if args.json:
        explained = [
            {**item.finding._asdict(), "later_run": item.later_run, "explanation": item.how}
            for item in result.explained
        ]
        report = {**result.verification._asdict(), "run_id": args.run, "findings": explained}
        print(json.dumps(report, indent=2, default=list))
    else:
        print(later_runs.describe(result))
    if result.outside:
        raise SystemExit(1)
