rule summarise:
    input:
        matrix=rules.chart.output.long,
        segments=rules.import_coding.output.segments,
        codebook=rules.import_coding.output.codebook,
        agreement=rules.agreement.output.table,
    output:
        summary="results/themes/theme_summary.parquet",
        summary_csv=report(
            "results/themes/theme_summary.csv",
            caption="../report/theme_summary.rst",
            category="Theme summaries",
        ),
        profiles="results/themes/code_profiles.parquet",
        profiles_csv=report(
            "results/themes/code_profiles.csv",
            caption="../report/code_profiles.rst",
            category="Theme summaries",
        ),
        cooccurrence="results/themes/code_cooccurrence.parquet",
        cooccurrence_csv=report(
            "results/themes/code_cooccurrence.csv",
            caption="../report/code_cooccurrence.rst",
            category="Theme summaries",
        ),
        presence="results/themes/code_presence.parquet",
        presence_csv=report(
            "results/themes/code_presence.csv",
            caption="../report/code_presence.rst",
            category="Theme summaries",
        ),
        exemplars="results/themes/exemplar_quotes.parquet",
        exemplars_csv=report(
            "results/themes/exemplar_quotes.csv",
            caption="../report/exemplar_quotes.rst",
            category="Theme summaries",
        ),
        record="results/provenance/steps/summarise.json",
    log:
        "logs/themes/summarise.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        attributes=config["themes"]["group_by"],
        primary_coder=config["coding"]["primary_coder"],
        exemplars=config["themes"]["exemplars_per_code"],
        code_version=get_code_version("summarise"),
    shell:
        "qualframe summarise"
        " --matrix {input.matrix:q}"
        " --segments {input.segments:q}"
        " --codebook {input.codebook:q}"
        " --agreement {input.agreement:q}"
        # "=": an empty value (every coder charted) stays an argument
        " --primary-coder={params.primary_coder:q}"
        " --attributes {params.attributes:q}"
        " --exemplars-per-code {params.exemplars}"
        " --output {output.summary:q}"
        " --csv {output.summary_csv:q}"
        " --output-profiles {output.profiles:q}"
        " --profiles-csv {output.profiles_csv:q}"
        " --output-cooccurrence {output.cooccurrence:q}"
        " --cooccurrence-csv {output.cooccurrence_csv:q}"
        " --output-presence {output.presence:q}"
        " --presence-csv {output.presence_csv:q}"
        " --output-exemplars {output.exemplars:q}"
        " --exemplars-csv {output.exemplars_csv:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"


rule report:
    input:
        matrix=rules.chart.output.long,
        summary=rules.summarise.output.summary,
        profiles=rules.summarise.output.profiles,
        codebook=rules.import_coding.output.codebook,
        segments=rules.import_coding.output.segments,
    output:
        page=report(
            "results/report/study_report.html",
            caption="../report/study_report.rst",
            category="Report",
        ),
        record="results/provenance/steps/report.json",
    log:
        "logs/report/study_report.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        group_by=config["report"]["group_by"],
        config=get_config_json(),
        code_version=get_code_version("report"),
    shell:
        "qualframe report"
        " --matrix {input.matrix:q}"
        " --summary {input.summary:q}"
        " --profiles {input.profiles:q}"
        " --codebook {input.codebook:q}"
        " --segments {input.segments:q}"
        " --group-by {params.group_by:q}"
        " --config-json {params.config:q}"
        " --output {output.page:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"
