# The last step: it reads every published file, the manifest and RO-Crate included, so
# its own summary and record are the files the manifest lists as written after it.
rule leak_scan:
    input:
        unpack(get_codebook_input),
        published=get_published_outputs,
        log=rules.pseudonymise.output.log,
        register=config["study"]["identifiers"],
        summary_log=get_charting_log,
        allow_list=config["study"]["allow_list"],
        evidence=rules.pseudonymise.output.evidence,
        cases=config["study"]["cases"],
    output:
        summary="results/provenance/leak_scan.json",
        record="results/provenance/steps/leak_scan.json",
    log:
        "logs/provenance/leak_scan.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        findings=f"{RESTRICTED}/leak_findings.csv",
        codebook=get_codebook_arguments,
        # the step's cache of its findings per file (restricted; deleting it is safe)
        cache=f"{RESTRICTED}/cache/leak_scan",
        code_version=get_code_version("leak-scan"),
    shell:
        "qualframe leak-scan"
        " --log {input.log:q} {input.summary_log:q}"
        " --register {input.register:q}"
        " --allow-list {input.allow_list:q}"
        " --scan {input.published:q}"
        " --evidence {input.evidence:q}"
        " --cases {input.cases:q}"
        " {params.codebook:q}"
        " --output {output.summary:q}"
        " --output-findings {params.findings:q}"
        " --cache {params.cache:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"


rule manifest:
    input:
        records=get_step_records(),
        snakefile=f"{workflow.basedir}/Snakefile",
        workflow=get_workflow_files(),
    output:
        manifest="results/provenance/manifest.json",
        crate="results/provenance/ro-crate-metadata.json",
        shards="results/provenance/shards.tsv",
    log:
        "logs/provenance/manifest.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        # the folder of the rules' records: records of removed shards are removed
        steps=get_steps_dir,
        restricted=[
            RESTRICTED,
            config["study"]["transcripts"],
            config["study"]["identifiers"],
            *get_charting_workbooks(),
        ],
        written_after=rules.leak_scan.output,
        code_version=get_code_version("manifest"),
    shell:
        "qualframe manifest"
        " --records {input.records:q}"
        " --workflow-files {input.snakefile:q} {input.workflow:q}"
        " --snakefile {input.snakefile:q}"
        " --restricted {params.restricted:q}"
        " --results-dir results"
        " --steps-dir {params.steps:q}"
        " --output {output.manifest:q}"
        " --output-crate {output.crate:q}"
        " --output-shards {output.shards:q}"
        " --written-after {params.written_after:q}"
        " > {log:q} 2>&1"
