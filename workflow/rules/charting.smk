# Charting: the workbook analysts write their cell summaries in, and the import of the
# filled workbooks the config names (charting.workbook) into the framework matrix.


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
    defaults = {"max_summary_chars": 2000, "several_per_cell": False}
    return config.get("charting", {}).get(name, defaults[name])


def is_charting_imported():
    """Whether the study names filled charting workbooks to import."""
    return bool(get_charting_workbooks())


def get_cell_summaries():
    """The imported cell summaries when the study charts summaries, else nothing."""
    return [rules.import_charting.output.summaries] if is_charting_imported() else []


def get_charting_outputs():
    """The published files of the charting steps (the import's only when it runs)."""
    if not is_charting_imported():
        return [*rules.charting_template.output]
    imported = rules.import_charting.output
    summaries = [imported.summaries, imported.summaries_csv, imported.record]
    return [*rules.charting_template.output, *summaries]


rule charting_template:
    input:
        segments=rules.import_coding.output.segments,
        codebook=rules.import_coding.output.codebook,
        cases=rules.import_coding.output.cases,
    output:
        template=report(
            "results/matrix/charting_template.xlsx",
            caption="../report/charting_template.rst",
            category="Framework matrix",
        ),
        record="results/provenance/steps/charting_template.json",
    log:
        "logs/matrix/charting_template.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        attributes=config["matrix"]["case_attributes"],
        sort_by=config["matrix"]["sort_by"],
        primary_coder=config["coding"]["primary_coder"],
        max_summary_chars=get_charting_setting("max_summary_chars"),
        code_version=CODE_VERSION,
    shell:
        "qualframe charting-template"
        " --segments {input.segments:q}"
        " --codebook {input.codebook:q}"
        " --cases {input.cases:q}"
        " --attributes {params.attributes:q}"
        " --sort-by {params.sort_by:q}"
        " --primary-coder {params.primary_coder:q}"
        " --max-summary-chars {params.max_summary_chars}"
        " --output {output.template:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"


# Defined only when the config names filled workbooks, so a study without them has
# no import step (and no record of one).
if is_charting_imported():

    rule import_charting:
        input:
            workbooks=get_charting_workbooks(),
            codebook=rules.import_coding.output.codebook,
            cases=rules.import_coding.output.cases,
            register=config["study"]["identifiers"],
            allow_list=config["study"]["allow_list"],
            # the pseudonym key (a param) is final once pseudonymise has run
            anonymisation_log=rules.pseudonymise.output.log,
        output:
            summaries="results/charting/cell_summaries.parquet",
            summaries_csv="results/charting/cell_summaries.csv",
            log=f"{RESTRICTED}/charting/summary_replacements.csv",
            record="results/provenance/steps/import_charting.json",
        log:
            "logs/charting/import_charting.log",
        conda:
            "../envs/qualframe.yaml"
        params:
            analysts=get_charting_analysts(),
            attributes=config["matrix"]["case_attributes"],
            max_summary_chars=get_charting_setting("max_summary_chars"),
            several=(
                ["--several-per-cell"]
                if get_charting_setting("several_per_cell")
                else []
            ),
            ner=get_ner_arguments(),
            key=f"{RESTRICTED}/pseudonym_key.csv",
            code_version=CODE_VERSION,
        shell:
            "qualframe import-charting"
            " --workbooks {input.workbooks:q}"
            " --analysts {params.analysts:q}"
            " --codebook {input.codebook:q}"
            " --cases {input.cases:q}"
            " --attributes {params.attributes:q}"
            " --max-summary-chars {params.max_summary_chars}"
            " {params.several:q}"
            " --register {input.register:q}"
            " --allow-list {input.allow_list:q}"
            " --key {params.key:q}"
            " {params.ner:q}"
            " --output {output.summaries:q}"
            " --log {output.log:q}"
            f"{RECORD}"
            " > {log:q} 2>&1"
