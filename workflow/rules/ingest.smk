rule ingest:
    input:
        get_raw_transcript,
    output:
        text=f"{RESTRICTED}/ingest/{{transcript}}.txt",
        metadata=f"{RESTRICTED}/ingest/{{transcript}}.json",
    log:
        "logs/ingest/{transcript}.log",
    params:
        restricted=RESTRICTED,
        code_version=CODE_VERSION,
    conda:
        "../envs/qualframe.yaml"
    shell:
        "qualframe ingest"
        " --input {input:q}"
        " --transcript-id {wildcards.transcript:q}"
        " --output {output.text:q}"
        " --metadata {output.metadata:q}"
        " --restricted-dir {params.restricted:q}"
        " > {log:q} 2>&1"
