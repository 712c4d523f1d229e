"""Write the run manifest and its RO-Crate.

Every file of the run with its SHA-256, the step records, the workflow files and the
restricted files (by checksum only), so `verify` and `trace` can check and follow a run.
"""

from pathlib import Path

from qualframe import io as qio
from qualframe import provenance
from qualframe.commands import options
from qualframe.commands.paths import read_json


def register_parser(subparsers):
    parser = options.add_command(subparsers, "manifest", __doc__)
    parser.add_argument("--records", nargs="+", required=True, help="every step's record")
    parser.add_argument(
        "--workflow-files", nargs="+", required=True, help="Snakefile, rules, config"
    )
    parser.add_argument("--snakefile", required=True, help="the main workflow file")
    parser.add_argument(
        "--restricted", nargs="+", required=True, help="restricted folders and files"
    )
    parser.add_argument(
        "--results-dir", default="results", help="the shareable folder of the run's results"
    )
    parser.add_argument(
        "--steps-dir", help="folder of the step records: those not in --records are removed"
    )
    options.add_list(
        parser,
        "--written-after",
        "files the run writes after the manifest (the leak scan's, which reads it)",
    )
    options.add_output(parser, None, "the manifest (.json) to write")
    options.add_output(parser, "crate", "the ro-crate-metadata.json to write")
    options.add_output(parser, "shards", "TSV: the transcripts of each shard")
    return parser


def run(args) -> None:
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
    qio.write_csv(shard_listing(records), args.output_shards, sep="\t")
    manifest["shards"] = provenance.file_entry(args.output_shards)
    manifest["written_after"] = sorted(map(provenance.as_posix, args.written_after))
    crate_dir = str(Path(args.output_crate).parent)
    crate = build_crate(manifest, crate_dir, provenance.as_posix(args.snakefile))
    qio.write_json(args.output, manifest)
    qio.write_json(args.output_crate, crate)
    print(f"manifest: {len(manifest['files'])} files, {len(manifest['steps'])} step records")
