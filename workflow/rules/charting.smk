# Charting: the workbook analysts write their cell summaries in, and the import of the
# filled workbooks the config names (charting.workbook) into the framework matrix.


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
        code_version=get_code_version("charting-template"),
    shell:
        "qualframe charting-template"
        " --segments {input.segments:q}"
        " --codebook {input.codebook:q}"
        " --cases {input.cases:q}"
        " --attributes {params.attributes:q}"
        " --sort-by {params.sort_by:q}"
        " --primary-coder={params.primary_coder:q}"
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
            code_version=get_code_version("import-charting"),
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
            " --csv {output.summaries_csv:q}"
            " --output-log {output.log:q}"
            f"{RECORD}"
            " > {log:q} 2>&1"
