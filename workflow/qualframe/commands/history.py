"""List a study's runs: outcome, and what changed since the previous one."""

import json

from qualframe.commands import options
from qualframe.commands.paths import study_folder


def register_parser(subparsers):
    parser = options.add_command(subparsers, "history", __doc__)
    options.add_study(parser)
    options.add_json(parser, "print the records as JSON lines")
    return parser


def run(args) -> None:
    from qualframe.runs.history import describe_history, read_history

    records = read_history(study_folder(args.study))
    if args.json:
        for record in records:
            print(json.dumps(record, sort_keys=True, ensure_ascii=False))
    else:
        print(describe_history(records))
