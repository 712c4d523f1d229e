"""Shards: the per-transcript steps run on groups of transcripts, one job per group.

Snakemake costs tens of milliseconds per job, and every job of a cluster run is a
submission; grouping transcripts keeps a study of 50,000 transcripts to a few hundred
ingest and detect jobs. Transcripts are grouped in the order of their ids, so a changed
transcript re-runs only its own shard; an added one re-runs its shard and the shards
after it.
"""

import math


def shard_name(index: int, count: int) -> str:
    """Zero-padded shard number ("0001"), as wide as the largest, at least four digits."""
    return f"{index + 1:0{max(4, len(str(count)))}d}"


def assign_shards(transcript_ids: list[str], per_shard: int) -> dict[str, list[str]]:
    """{shard name: transcript ids}: the sorted ids cut into groups of `per_shard`."""
    if per_shard < 1:
        raise ValueError(f"transcripts per shard must be at least 1, not {per_shard}")
    ids = sorted(transcript_ids)
    count = math.ceil(len(ids) / per_shard)
    return {
        shard_name(index, count): ids[index * per_shard : (index + 1) * per_shard]
        for index in range(count)
    }
