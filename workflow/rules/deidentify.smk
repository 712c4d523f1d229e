rule detect:
    input:
        texts=rules.ingest.output.texts,
        register=config["study"]["identifiers"],
        allow_list=config["study"]["allow_list"],
    output:
        detections=f"{RESTRICTED}/detections/{{shard}}.parquet",
        languages=f"{RESTRICTED}/detections/{{shard}}.languages.csv",
        record="results/provenance/steps/detect/{shard}.json",
    log:
        "logs/deidentify/detect/{shard}.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        ner=get_ner_arguments(),
        code_version=get_code_version("detect"),
    shell:
        "qualframe detect"
        " --input {input.texts:q}"
        " --register {input.register:q}"
        " --allow-list {input.allow_list:q}"
        " {params.ner:q}"
        " --output {output.detections:q}"
        " --output-languages {output.languages:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"


rule pseudonymise:
    input:
        unpack(get_team_codebook_input),
        texts=expand(rules.ingest.output.texts, shard=get_shards()),
        detections=expand(rules.detect.output.detections, shard=get_shards()),
        languages=expand(rules.detect.output.languages, shard=get_shards()),
        allow_list=config["study"]["allow_list"],
    output:
        texts=directory("results/deid/transcripts"),
        log=f"{RESTRICTED}/anonymisation_log.csv",
        evidence=f"{RESTRICTED}/review/propagation.csv",
        record="results/provenance/steps/pseudonymise.json",
    log:
        "logs/deidentify/pseudonymise.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        style=config["deid"]["style"],
        # the study's pseudonym key: read and extended on every run and never an output
        # (Snakemake deletes outputs before a job), so replacements stay stable as
        # transcripts and register entries are added
        key=f"{RESTRICTED}/pseudonym_key.csv",
        codebook=get_team_codebook_arguments,
        # the step's cache of its earlier work (restricted; deleting it is safe)
        cache=f"{RESTRICTED}/cache/pseudonymise",
        code_version=get_code_version("pseudonymise"),
    shell:
        "qualframe pseudonymise"
        " --texts {input.texts:q}"
        " --detections {input.detections:q}"
        " --languages {input.languages:q}"
        " --allow-list {input.allow_list:q}"
        " --output {output.texts:q}"
        " --output-log {output.log:q}"
        " --output-evidence {output.evidence:q}"
        " --style {params.style:q}"
        " --key {params.key:q}"
        " --cache {params.cache:q}"
        " {params.codebook:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"


rule review:
    input:
        unpack(get_team_codebook_input),
        texts=rules.pseudonymise.input.texts,
        detections=rules.pseudonymise.input.detections,
        languages=rules.pseudonymise.input.languages,
        log=rules.pseudonymise.output.log,
        evidence=rules.pseudonymise.output.evidence,
        allow_list=config["study"]["allow_list"],
        summary_log=get_charting_log,
    output:
        table=f"{RESTRICTED}/review/review.csv",
        pages=directory(f"{RESTRICTED}/review/pages"),
        record="results/provenance/steps/review.json",
    log:
        "logs/deidentify/review.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        confidence=config["deid"]["review_confidence"],
        codebook=get_team_codebook_arguments,
        # the step's cache of its earlier work (restricted; deleting it is safe)
        cache=f"{RESTRICTED}/cache/review",
        code_version=get_code_version("review"),
    shell:
        "qualframe review"
        " --texts {input.texts:q}"
        " --detections {input.detections:q}"
        " --log {input.log:q}"
        " --allow-list {input.allow_list:q}"
        " --low-confidence {params.confidence}"
        " --output {output.table:q}"
        " --evidence {input.evidence:q}"
        " --languages {input.languages:q}"
        " --output-pages {output.pages:q}"
        " --cache {params.cache:q}"
        " --summary-log {input.summary_log:q}"
        " {params.codebook:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"
