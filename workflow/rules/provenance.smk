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
        restricted=[
            RESTRICTED,
            config["study"]["transcripts"],
            config["study"]["identifiers"],
        ],
        code_version=CODE_VERSION,
    shell:
        "qualframe manifest"
        " --records {input.records:q}"
        " --workflow-files {input.snakefile:q} {input.workflow:q}"
        " --snakefile {input.snakefile:q}"
        " --restricted {params.restricted:q}"
        " --results-dir results"
        " --manifest {output.manifest:q}"
        " --crate {output.crate:q}"
        " --shards {output.shards:q}"
        " > {log:q} 2>&1"
