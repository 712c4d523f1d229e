"""Provenance records, the run manifest, verification and offset mapping back to raw text."""

import json
import os

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe import provenance
from qualframe.audit.manifest import build_manifest, zone_of
from qualframe.audit.verify import verify_run
from qualframe.cli import main
from qualframe.errors import QualframeError
from qualframe.log_offsets import map_offset, map_offset_to_raw


def test_config_digest_ignores_key_order_and_sees_values():
    assert provenance.config_digest({"a": 1, "b": [1, 2]}) == provenance.config_digest(
        {"b": [1, 2], "a": 1}
    )
    assert provenance.config_digest({"a": 1}) != provenance.config_digest({"a": 2})


def test_describe_files_expands_folders_and_hashes(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "b.txt").write_bytes(b"b")
    (tmp_path / "a.txt").write_bytes(b"abc")
    entries = provenance.describe_files([tmp_path / "a.txt", tmp_path / "docs"])
    assert [e["size"] for e in entries] == [3, 1]
    assert entries[0]["sha256"] == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


@pytest.fixture
def step_run(tmp_path, monkeypatch):
    """A raw transcript ingested by the command line with a provenance record."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(provenance.CONFIG_DIGEST_VARIABLE, "f" * 64)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "P01.txt").write_text("Interviewer: Hello.\n", encoding="utf-8")
    args = [
        "ingest",
        "--input", "raw/P01.txt",
        "--output", "restricted/ingest/0001.parquet",
        "--record", "results/provenance/steps/ingest/0001.json",
        "--record-inputs", "raw/P01.txt",
        "--record-outputs", "restricted/ingest/0001.parquet",
        "results/provenance/steps/ingest/0001.json",
    ]  # fmt: skip
    assert main(args) == 0
    return tmp_path


def test_a_step_writes_its_record(step_run):
    record = json.loads(
        (step_run / "results/provenance/steps/ingest/0001.json").read_text(encoding="utf-8")
    )
    assert record["step"] == "ingest" and record["config_digest"] == "f" * 64
    assert [e["path"] for e in record["inputs"]] == ["raw/P01.txt"]
    # the record does not list itself
    assert [e["path"] for e in record["outputs"]] == ["restricted/ingest/0001.parquet"]
    assert record["params"] == {"max_bytes": 50_000_000}  # the default size limit
    assert record["code_version"] == provenance.code_version("ingest")
    assert "qualframe.ingest.normalise" in record["modules"]


def detect_args(shard: str) -> list[str]:
    """`qualframe detect` on one ingested shard, recorded, reusing earlier checksums."""
    return [
        "detect",
        "--input", f"restricted/ingest/{shard}.parquet",
        "--register", "register.tsv",
        "--allow-list", "allow.txt",
        "--no-ner",
        "--output", f"restricted/detections/{shard}.parquet",
        "--record", f"results/provenance/steps/detect/{shard}.json",
        "--record-inputs", f"restricted/ingest/{shard}.parquet", "register.tsv", "allow.txt",
        "--record-outputs", f"restricted/detections/{shard}.parquet",
        f"results/provenance/steps/detect/{shard}.json",
        "--record-checksums", "results/provenance/steps",
    ]  # fmt: skip


def test_a_file_is_hashed_by_its_writer_and_not_again_by_its_readers(step_run, monkeypatch):
    (step_run / "register.tsv").write_text("term\tentity_type\n", encoding="utf-8")
    (step_run / "allow.txt").write_text("", encoding="utf-8")
    hashed = []
    real_sha256 = provenance.sha256_file
    monkeypatch.setattr(
        provenance, "sha256_file", lambda path: hashed.append(str(path)) or real_sha256(path)
    )
    shard = "restricted/ingest/0001.parquet"
    assert main(detect_args("0001")) == 0
    assert shard not in hashed and "register.tsv" in hashed  # the register has no writer
    record = json.loads(
        (step_run / "results/provenance/steps/detect/0001.json").read_text(encoding="utf-8")
    )
    (entry,) = [e for e in record["inputs"] if e["path"] == shard]
    assert entry["sha256"] == real_sha256(shard)
    # a file changed since its writer hashed it is hashed again, whatever its size
    stat = (step_run / shard).stat()
    os.utime(step_run / shard, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    hashed.clear()
    assert main(detect_args("0001")) == 0
    assert shard in hashed


def test_a_failed_step_leaves_no_record(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    record = tmp_path / "record.json"
    record.write_text("{}", encoding="utf-8")  # left by an earlier run
    args = ["ingest", "--input", "empty.txt", "--output", "o.parquet"]
    assert main([*args, "--record", str(record)]) == 1
    assert not record.exists()


def records_of(folder) -> dict:
    steps = folder / "results/provenance/steps"
    return {
        str(p.relative_to(folder)): json.loads(p.read_text(encoding="utf-8"))
        for p in steps.rglob("*.json")
    }


def test_manifest_lists_every_file_once_with_its_zone_and_steps(step_run):
    manifest = build_manifest(records_of(step_run), [], ["restricted", "raw"], "results", "now")
    by_path = {e["path"]: e for e in manifest["files"]}
    assert by_path["raw/P01.txt"]["zone"] == "restricted"
    assert by_path["raw/P01.txt"]["read_by"] == ["results/provenance/steps/ingest/0001.json"]
    assert by_path["restricted/ingest/0001.parquet"]["written_by"] == (
        "results/provenance/steps/ingest/0001.json"
    )
    assert [s["step"] for s in manifest["steps"]] == ["ingest"]


def test_manifest_refuses_a_file_changed_after_its_step(step_run):
    (step_run / "restricted/ingest/0001.parquet").write_text("changed\n", encoding="utf-8")
    with pytest.raises(QualframeError, match="ingest/0001.parquet changed after the ingest"):
        build_manifest(records_of(step_run), [], ["restricted"], "results", "now")


def test_verify_reports_changed_missing_and_added_files(step_run):
    manifest = build_manifest(records_of(step_run), [], ["restricted"], "results", "now")
    assert verify_run(manifest, "results/provenance/manifest.json").findings == []
    (step_run / "restricted/ingest/0001.parquet").unlink()
    (step_run / "raw/P01.txt").write_text("Interviewer: Hullo.\n", encoding="utf-8")
    (step_run / "results/extra.csv").write_text("x\n", encoding="utf-8")
    findings = verify_run(manifest, "results/provenance/manifest.json").findings
    assert [(f.path, f.problem) for f in findings] == [
        ("raw/P01.txt", "changed"),
        ("restricted/ingest/0001.parquet", "missing"),
        ("results/extra.csv", "added"),
    ]


def test_zones():
    workflow = {"Snakefile"}
    assert zone_of("restricted/x.csv", ["restricted"], "results", workflow) == "restricted"
    assert zone_of("restricted-notes.txt", ["restricted"], "results", workflow) == "study"
    assert zone_of("results/a.csv", ["restricted"], "results", workflow) == "results"
    assert zone_of("Snakefile", ["restricted"], "results", workflow) == "workflow"


# --- offsets of the de-identified text back in the raw text ------------------------------


def offset_log(spans: list[tuple[int, int, int]]) -> pd.DataFrame:
    """A log of replaced raw spans (start, length, replacement length), in order."""
    rows, shift = [], 0
    for start, length, replacement in spans:
        rows.append(
            {
                "start": start,
                "end": start + length,
                "deid_start": start + shift,
                "deid_end": start + shift + replacement,
            }
        )
        shift += replacement - length
    return pd.DataFrame(rows, columns=["start", "end", "deid_start", "deid_end"])


@st.composite
def logs(draw):
    gaps = draw(st.lists(st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 12))))
    spans, position = [], 0
    for gap, length, replacement in gaps:
        spans.append((position + gap, length, replacement))
        position += gap + length
    return offset_log(spans), position + 5


@settings(max_examples=200)
@given(logs(), st.data())
def test_raw_offsets_outside_replacements_map_there_and_back(log_and_length, data):
    log, length = log_and_length
    offset = data.draw(st.integers(0, length))
    inside = ((log["start"] < offset) & (offset < log["end"])).any()
    deid = map_offset(log, offset, side="start")
    back = map_offset_to_raw(log, deid, side="start")
    assert back == offset or inside


def test_a_deidentified_offset_inside_a_replacement_snaps_to_the_original():
    log = offset_log([(6, 4, 10)])  # "Dave" (6-10) became "[PERSON_1]" (6-16)
    assert map_offset_to_raw(log, 8, side="start") == 6
    assert map_offset_to_raw(log, 8, side="end") == 10
    assert map_offset_to_raw(log, 17) == 11


def test_shards_cut_sorted_ids_into_groups():
    from qualframe.shards import assign_shards

    ids = [f"P{n:02d}" for n in range(18, 0, -1)]
    shards = assign_shards(ids, 7)
    assert list(shards) == ["0001", "0002", "0003"]
    assert shards["0001"] == [f"P{n:02d}" for n in range(1, 8)]
    assert [len(group) for group in shards.values()] == [7, 7, 4]
    assert assign_shards([], 5) == {}
    assert list(assign_shards([str(n) for n in range(20000)], 1)).pop() == "20000"
    with pytest.raises(ValueError, match="at least 1"):
        assign_shards(ids, 0)


def test_stale_records_are_those_no_step_of_the_run_names(tmp_path):
    from qualframe.audit.manifest import stale_records

    steps = tmp_path / "steps"
    for name in ("chart.json", "ingest/0001.json", "ingest/0002.json", "notes.txt"):
        (steps / name).parent.mkdir(parents=True, exist_ok=True)
        (steps / name).write_text("{}")
    current = [str(steps / "chart.json"), f"{steps}/./ingest/0001.json"]
    assert stale_records(steps, current) == [steps / "ingest" / "0002.json"]
