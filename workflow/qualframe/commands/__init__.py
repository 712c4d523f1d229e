"""The subcommands of `qualframe`, one module each, in pipeline order.

Each module's docstring describes its subcommand (the first line is its help), and it has
`register_parser(subparsers)`, which adds the subcommand's parser and returns it, and
`run(args)`, which runs it. Options several subcommands share, their help texts and the
naming convention of the paths a command writes are in `options`.
"""

from qualframe.commands import (
    agreement,
    chart,
    charting_template,
    check_quality,
    deid_eval,
    deidentify,
    detect,
    export_qdpx,
    history,
    import_charting,
    import_coding,
    import_qdpx,
    ingest,
    leak_scan,
    manifest,
    new_study,
    pseudonymise,
    report,
    review,
    run,
    schedule,
    summarise,
    synth,
    trace,
    verify,
)

COMMANDS = (
    ingest,
    detect,
    pseudonymise,
    review,
    deidentify,
    leak_scan,
    deid_eval,
    synth,
    import_coding,
    agreement,
    check_quality,
    import_qdpx,
    export_qdpx,
    charting_template,
    import_charting,
    chart,
    summarise,
    report,
    manifest,
    verify,
    trace,
    new_study,
    run,
    history,
    schedule,
)
