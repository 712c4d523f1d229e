rule chart:
    input:
        segments=rules.import_coding.output.segments,
        codebook=rules.import_coding.output.codebook,
        cases=rules.import_coding.output.cases,
        transcripts=rules.pseudonymise.output.texts,
        summaries=get_cell_summaries(),
    output:
        long="results/matrix/framework_matrix.parquet",
        long_csv=report(
            "results/matrix/framework_matrix.csv",
            caption="../report/framework_matrix.rst",
            category="Framework matrix",
        ),
        wide="results/matrix/framework_matrix_wide.parquet",
        wide_csv=report(
            "results/matrix/framework_matrix_wide.csv",
            caption="../report/framework_matrix_wide.rst",
            category="Framework matrix",
        ),
        workbook=report(
            "results/matrix/framework_matrix.xlsx",
            caption="../report/framework_workbook.rst",
            category="Framework matrix",
        ),
        record="results/provenance/steps/chart.json",
    log:
        "logs/matrix/chart.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        attributes=config["matrix"]["case_attributes"],
        primary_coder=config["coding"]["primary_coder"],
        max_cell_chars=config["matrix"]["max_cell_chars"],
        sort_by=config["matrix"]["sort_by"],
        code_version=get_code_version("chart"),
    shell:
        "qualframe chart"
        " --segments {input.segments:q}"
        " --codebook {input.codebook:q}"
        " --cases {input.cases:q}"
        " --attributes {params.attributes:q}"
        # "=": an empty value (every coder charted) stays an argument
        " --primary-coder={params.primary_coder:q}"
        " --max-cell-chars {params.max_cell_chars}"
        " --transcripts {input.transcripts:q}"
        " --sort-by {params.sort_by:q}"
        " --summaries {input.summaries:q}"
        " --output {output.long:q}"
        " --csv {output.long_csv:q}"
        " --output-wide {output.wide:q}"
        " --wide-csv {output.wide_csv:q}"
        " --output-workbook {output.workbook:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"
