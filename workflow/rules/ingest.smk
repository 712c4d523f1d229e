rule ingest:
    input:
        get_raw_transcript,
    output:
        text=f"{RESTRICTED}/ingest/{{transcript}}.txt",
        metadata=f"{RESTRICTED}/ingest/{{transcript}}.json",
        record="results/provenance/steps/ingest/{transcript}.json",
    log:
        "logs/ingest/{transcript}.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        code_version=CODE_VERSION,
    shell:
        "qualframe ingest"
        " --input {input:q}"
        " --transcript-id {wildcards.transcript:q}"
        " --output {output.text:q}"
        " --metadata {output.metadata:q}"
        f"{RECORD}"
        " > {log:q} 2>&1"
