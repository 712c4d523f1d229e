rule ingest:
    input:
        get_shard_raw_files,
    output:
        texts=f"{RESTRICTED}/ingest/{{shard}}.parquet",
        record="results/provenance/steps/ingest/{shard}.json",
    log:
        "logs/ingest/{shard}.log",
    conda:
        "../envs/qualframe.yaml"
    params:
        code_version=get_code_version("ingest"),
        max_bytes=get_max_transcript_bytes(),
    shell:
        "qualframe ingest"
        " --input {input:q}"
        " --output {output.texts:q}"
        " --max-bytes {params.max_bytes}"
        f"{RECORD}"
        " > {log:q} 2>&1"
