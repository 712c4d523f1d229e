rule detect:
    input:
        text=rules.ingest.output.text,
        register=config["study"]["identifiers"],
        allow_list=config["study"]["allow_list"],
    output:
        f"{RESTRICTED}/detections/{{transcript}}.parquet",
    log:
        "logs/deidentify/detect/{transcript}.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        code_version=CODE_VERSION,
    shell:
        "qualframe detect"
        " --input {input.text:q}"
        " --transcript-id {wildcards.transcript:q}"
        " --register {input.register:q}"
        " --allow-list {input.allow_list:q}"
        " --output {output:q}"
        " > {log:q} 2>&1"


rule pseudonymise:
    input:
        texts=expand(rules.ingest.output.text, transcript=get_transcript_ids()),
        detections=expand(rules.detect.output[0], transcript=get_transcript_ids()),
        allow_list=config["study"]["allow_list"],
    output:
        texts=expand(
            "results/deid/transcripts/{transcript}.txt",
            transcript=get_transcript_ids(),
        ),
        log=f"{RESTRICTED}/anonymisation_log.csv",
    log:
        "logs/deidentify/pseudonymise.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        code_version=CODE_VERSION,
    shell:
        "qualframe pseudonymise"
        " --texts {input.texts:q}"
        " --detections {input.detections:q}"
        " --allow-list {input.allow_list:q}"
        " --outputs {output.texts:q}"
        " --log {output.log:q}"
        " > {log:q} 2>&1"
