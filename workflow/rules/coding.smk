rule import_coding:
    input:
        unpack(get_raw_coding_inputs),
        unpack(get_codebook_input),
        exports=config["coding"]["exports"],
        cases=config["study"]["cases"],
        transcripts=rules.pseudonymise.output.texts,
    output:
        segments="results/coding/segments.parquet",
        segments_csv="results/coding/segments.csv",
        codebook="results/coding/codebook.parquet",
        codebook_csv="results/coding/codebook.csv",
        cases="results/coding/cases.parquet",
        cases_csv="results/coding/cases.csv",
        record="results/provenance/steps/import_coding.json",
    log:
        "logs/coding/import_coding.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        columns=get_column_mapping(),
        code_separator=config["coding"]["code_separator"],
        theme_level=config["study"]["theme_level"],
        attributes=config["matrix"]["case_attributes"],
        report=f"{RESTRICTED}/validation_report.csv",
        raw=get_raw_coding_arguments,
        codebook=get_codebook_arguments,
        attribute_rules=get_attribute_rules(),
        code_version=get_code_version("import-coding"),
    shell:
        "qualframe import-coding"
        " --exports {input.exports:q}"
        " --columns {params.columns:q}"
        " --code-separator={params.code_separator:q}"
        " {params.codebook:q}"
        " --theme-level {params.theme_level}"
        " --cases {input.cases:q}"
        " --attributes {params.attributes:q}"
        " --attribute-rules {params.attribute_rules:q}"
        " --transcripts {input.transcripts:q}"
        " {params.raw:q}"
        " --output-segments {output.segments:q}"
        " --segments-csv {output.segments_csv:q}"
        " --output-codebook {output.codebook:q}"
        " --codebook-csv {output.codebook_csv:q}"
        " --output-cases {output.cases:q}"
        " --cases-csv {output.cases_csv:q}"
        " --report {params.report:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"


rule export_qdpx:
    input:
        transcripts=rules.pseudonymise.output.texts,
        codebook=rules.import_coding.output.codebook,
        cases=rules.import_coding.output.cases,
        segments=rules.import_coding.output.segments,
    output:
        qdpx="results/coding/project.qdpx",
        record="results/provenance/steps/export_qdpx.json",
    log:
        "logs/coding/export_qdpx.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        code_version=get_code_version("export-qdpx"),
    shell:
        "qualframe export-qdpx"
        " --transcripts {input.transcripts:q}"
        " --codebook {input.codebook:q}"
        " --cases {input.cases:q}"
        " --segments {input.segments:q}"
        " --output {output.qdpx:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"


rule agreement:
    input:
        segments=rules.import_coding.output.segments,
        transcripts=rules.pseudonymise.output.texts,
    output:
        table="results/coding/agreement.parquet",
        table_csv=report(
            "results/coding/agreement.csv",
            caption="../report/agreement.rst",
            category="Coding",
        ),
        record="results/provenance/steps/agreement.json",
    log:
        "logs/coding/agreement.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        code_version=get_code_version("agreement"),
    shell:
        "qualframe agreement"
        " --segments {input.segments:q}"
        " --transcripts {input.transcripts:q}"
        " --output {output.table:q}"
        " --csv {output.table_csv:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"


rule check_quality:
    input:
        segments=rules.import_coding.output.segments,
        codebook=rules.import_coding.output.codebook,
    output:
        docs=directory("results/quality/data_docs"),
        record="results/provenance/steps/check_quality.json",
    log:
        "logs/quality/check_quality.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        coders=config["coding"]["coders"],
        code_version=get_code_version("check-quality"),
    shell:
        "qualframe check-quality"
        " --segments {input.segments:q}"
        " --codebook {input.codebook:q}"
        " --coders {params.coders:q}"
        " --output {output.docs:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"
