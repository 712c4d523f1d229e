rule summarise:
    input:
        matrix=rules.chart.output.long,
    output:
        summary="results/themes/theme_summary.parquet",
        summary_csv=report(
            "results/themes/theme_summary.csv",
            caption="../report/theme_summary.rst",
            category="Theme summaries",
        ),
    log:
        "logs/themes/summarise.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        attributes=config["themes"]["group_by"],
        code_version=CODE_VERSION,
    shell:
        "qualframe summarise"
        " --matrix {input.matrix:q}"
        " --attributes {params.attributes:q}"
        " --output {output.summary:q}"
        " > {log:q} 2>&1"
