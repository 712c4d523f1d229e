# Config and sheet validation, and path helpers. No data logic here: it lives in the
# qualframe package, which every rule calls through its command line.

import json
import os
from pathlib import Path

from snakemake.logging import logger
from snakemake.utils import min_version, validate

from qualframe.ingest import discover_transcripts
from qualframe.shards import assign_shards
from qualframe.study.schema import config_default
from qualframe.study.sheets import check_study_sheets
from qualframe.io import (
    check_config_file,
    checked_restricted_dir,
    claim_restricted_dir,
    make_private_dirs,
)
from qualframe.provenance import CONFIG_DIGEST_VARIABLE, code_version, config_digest

min_version("9.0")


for configfile in workflow.configfiles:
    check_config_file(configfile)  # size and aliases, before validation walks it
validate(config, "../schemas/config.schema.yaml")

RESTRICTED = checked_restricted_dir(
    config["restricted_dir"], "results", workflow.basedir
)
TRANSCRIPTS = discover_transcripts(
    config["study"]["transcripts"], config["ingest"]["allow_symlinks"]
)
# the sheets the team edits, validated now like the config: before any step has run
check_study_sheets(config, TRANSCRIPTS)
SHARDS = assign_shards(list(TRANSCRIPTS), config["shards"]["transcripts_per_shard"])
# Every step records the digest of the configuration in force. It reaches the steps
# through the environment: as a param it would re-run every step on any config change.
os.environ[CONFIG_DIGEST_VARIABLE] = config_digest(config)
# Ends every step's command: the step writes its provenance record, naming exactly the
# files Snakemake gave it, and reuses the checksums the records of earlier steps hold for
# the files they wrote. Formatted by Snakemake for each job, like the rest of the command.
RECORD = (
    " --record {output.record:q} --record-inputs {input:q} --record-outputs {output:q}"
    " --record-checksums results/provenance/steps"
)


onstart:
    # owner-only before the first restricted file is written
    claim_restricted_dir(RESTRICTED)
    # logs name files, rows and kinds of problem, never values; still, they and
    # Snakemake's own log stay owner-only
    make_private_dirs(["logs", ".snakemake/log"])


wildcard_constraints:
    shard="[0-9]+",


def get_code_version(step):
    """The code version of `qualframe <step>`: a digest of the modules it loads, so a rule
    re-runs when its own code changes and not when another step's does."""
    return code_version(step)


def get_shard_raw_files(wildcards):
    """The raw transcript files of one shard."""
    return [TRANSCRIPTS[transcript_id] for transcript_id in SHARDS[wildcards.shard]]


def get_shards():
    return list(SHARDS)


def get_max_transcript_bytes():
    """The largest raw transcript file ingest accepts, in bytes (config: megabytes)."""
    return int(config["ingest"]["max_transcript_mb"] * 1_000_000)


def get_column_mapping():
    """The coded-segment export's column mapping as FIELD=COLUMN arguments."""
    return [
        f"{field}={column}" for field, column in config["coding"]["columns"].items()
    ]


def get_ner_arguments():
    """Command-line arguments choosing the NER pipeline, or turning NER off."""
    ner = config["deid"]["ner"]
    if not ner["enabled"]:
        return ["--no-ner"]
    return ["--ner-model", ner["model"], "--batch-size", str(ner["batch_size"])]


def is_coded():
    """Whether the study has coded data yet. Without it a run de-identifies the transcripts
    and writes the project to code in, and the steps that need coded data wait."""
    return bool(config["coding"]["exports"])


def is_coded_on_raw():
    """Whether the team coded the raw transcripts instead of the de-identified ones."""
    return is_coded() and config["coding"]["coded_on"] == "raw"


def get_codebook_input(wildcards):
    """The study's codebook, when it has one yet."""
    codebook = config["study"]["codebook"]
    return {"codebook": codebook} if codebook else {}


def get_codebook_arguments(wildcards, input):
    """The import-coding argument naming the codebook, when there is one."""
    return ["--codebook", input.codebook] if "codebook" in input.keys() else []


def get_team_codebook_input(wildcards):
    """With coding on raw transcripts: the codebook, whose words de-identification keeps
    when only the model tagged them (coding on the de-identified text must not see that
    text change when a codebook arrives)."""
    codebook = config["study"]["codebook"]
    return {"codebook": codebook} if codebook and is_coded_on_raw() else {}


def get_team_codebook_arguments(wildcards, input):
    """The argument naming that codebook, when there is one."""
    return ["--codebook", input.codebook] if "codebook" in input.keys() else []


def get_raw_coding_inputs(wildcards):
    """With coding on raw transcripts: the normalised raw texts and the offset map."""
    if not is_coded_on_raw():
        return {}
    return {
        "raw": expand(rules.ingest.output.texts, shard=get_shards()),
        "anonymisation_log": rules.pseudonymise.output.log,
    }


def get_raw_coding_arguments(wildcards, input):
    """The import-coding arguments naming those inputs, when there are any."""
    if not is_coded_on_raw():
        return []
    return [
        "--raw-transcripts",
        *input.raw,
        "--anonymisation-log",
        input.anonymisation_log,
    ]


def get_attribute_rules():
    """The case attributes' types and allowed values, as JSON for the command line."""
    return json.dumps(config["study"].get("case_attributes", {}), sort_keys=True)


def get_config_json():
    """The configuration in force, as JSON, for the report's methods section."""
    return json.dumps(config, sort_keys=True)


def get_workflow_files():
    """Besides the Snakefile, the files that define this run: rules, schemas and config."""
    base = Path(workflow.basedir)
    definitions = [
        *base.glob("workflow/rules/*.smk"),
        *base.glob("workflow/schemas/*.yaml"),
    ]
    # Snakemake holds the --configfile paths as Path objects and the Snakefile's as str
    return sorted({str(path) for path in [*definitions, *workflow.configfiles]})


# The steps that need coded data: they wait until the study has some.
ANALYSIS_STEPS = (
    "agreement",
    "check_quality",
    "charting_template",
    "chart",
    "summarise",
    "report",
)


def get_analysis_steps():
    """The steps that need coded data: none until the study has some."""
    return [getattr(rules, name) for name in ANALYSIS_STEPS] if is_coded() else []


def get_analysis_outputs():
    """What the steps that need coded data write (nothing before there is coded data)."""
    return [path for step in get_analysis_steps() for path in step.output]


def get_running_rules():
    """The rules of this run, the leak scan's excepted (it reads what they all write):
    the steps that need coded data only once there is some."""
    return [
        getattr(rules, rule.name)
        for rule in workflow.rules
        if rule.name != "leak_scan" and (is_coded() or rule.name not in ANALYSIS_STEPS)
    ]


def is_published(path):
    """Whether a rule's output leaves the team: everything under results/."""
    return Path(path).parts[:1] == ("results",)


def get_published_outputs(wildcards):
    """Every file the run's rules write under results/: what the leak scan reads. An
    input function, so the rules defined after it count too."""
    patterns = [path for rule in get_running_rules() for path in rule.output]
    return sorted(
        p for p in set(expand(patterns, shard=get_shards())) if is_published(p)
    )


def get_steps_dir(wildcards, input):
    """The folder holding every step record: the records' common parent folder."""
    return os.path.commonpath(input.records)


def get_step_records():
    """The provenance record of every step of the run but the leak scan's, which reads
    the manifest: each rule's `record` output, per shard for the per-shard rules."""
    steps = [rule.output for rule in get_running_rules()]
    patterns = [output.record for output in steps if "record" in output.keys()]
    return sorted(set(expand(patterns, shard=get_shards())))


if not is_coded():
    logger.warning(
        "No coded data yet (coding.exports is empty): this run de-identifies the "
        "transcripts and writes results/coding/project.qdpx to code in; "
        f"{', '.join(ANALYSIS_STEPS)} wait until coding.exports names the coded data."
    )


def get_charting_workbooks():
    """The filled charting workbooks the config names: a path, or a list of paths and
    {path, analyst, sheets} entries ([] when the study charts no summaries)."""
    named = config.get("charting", {}).get("workbook") or []
    entries = [named] if isinstance(named, str) else named
    return [entry if isinstance(entry, str) else entry["path"] for entry in entries]


def get_charting_analysts():
    """Who charted each workbook and, where named, each sheet, as JSON for the command."""
    named = config.get("charting", {}).get("workbook") or []
    entries = [] if isinstance(named, str) else named
    analysts = {
        entry["path"]: {
            "analyst": entry.get("analyst", ""),
            "sheets": entry.get("sheets", {}),
        }
        for entry in entries
        if not isinstance(entry, str)
    }
    return json.dumps(analysts, sort_keys=True)


def get_charting_setting(name):
    """One charting setting, with the schema's default when the config leaves it out."""
    return config.get("charting", {}).get(name, config_default("charting", name))


def is_charting_imported():
    """Whether the study names filled charting workbooks to import (and has coded data,
    without which there is no matrix to chart them in)."""
    return bool(get_charting_workbooks()) and is_coded()


def get_cell_summaries():
    """The imported cell summaries when the study charts summaries, else nothing."""
    return [rules.import_charting.output.summaries] if is_charting_imported() else []


def get_charting_outputs():
    """The published files of the charting import, when it runs (the template is one of
    the analysis steps' outputs)."""
    if not is_charting_imported():
        return []
    imported = rules.import_charting.output
    return [imported.summaries, imported.summaries_csv, imported.record]


def get_charting_log(wildcards):
    """What de-identification replaced in the analysts' charting summaries (restricted),
    when the study imports charting workbooks (rules/charting.smk); an input function, as
    the review and leak scan rules that read it are defined before the import rule."""
    return [rules.import_charting.output.log] if is_charting_imported() else []
