"""The audit trail of a demo run: step records, manifest, RO-Crate, trace and verify."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from rocrate.rocrate import ROCrate
from snakemake.utils import validate

from qualframe.evaluate import read_gold_jsonl
from qualframe.provenance import config_digest
from tests.e2e.helpers import REPO, leaked_terms

pytestmark = pytest.mark.e2e

STEPS = (
    "pseudonymise",
    "review",
    "import_coding",
    "export_qdpx",
    "agreement",
    "check_quality",
    "chart",
    "summarise",
    "report",
)


def qualframe(folder: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "qualframe"), *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "results/provenance/manifest.json").read_text(encoding="utf-8"))


def test_every_step_writes_a_record_of_its_files(demo_run):
    steps = demo_run / "results/provenance/steps"
    records = [steps / f"{name}.json" for name in STEPS]
    records += sorted((steps / "ingest").glob("*.json")) + sorted((steps / "detect").glob("*.json"))
    shards = pd.read_csv(demo_run / "results/provenance/shards.tsv", sep="\t")
    assert len(shards) == 18 and shards["shard"].nunique() == 2
    assert len(records) == len(STEPS) + 2 * 2
    config = yaml.safe_load((demo_run / "config/config.yaml").read_text(encoding="utf-8"))
    validate(config, str(REPO / "workflow/schemas/config.schema.yaml"))  # fills in defaults
    for path in records:
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record["inputs"] and record["outputs"], path
        for entry in record["inputs"] + record["outputs"]:
            file = (
                Path(entry["path"])
                if Path(entry["path"]).is_absolute()
                else demo_run / entry["path"]
            )
            assert entry["sha256"] == sha256(file) and entry["size"] == file.stat().st_size
        assert record["config_digest"] == config_digest(config)
        assert record["code_version"].startswith("0.1.0+")
        assert record["packages"]["snakemake"] == "9.27.1"
        assert record["python"].startswith("3.")
        assert record["host"] and record["user"]
        assert record["started"] <= record["ended"]
        assert record["command"][0] == "qualframe"
    chart = json.loads((steps / "chart.json").read_text(encoding="utf-8"))
    assert chart["params"]["max_cell_chars"] == config["matrix"]["max_cell_chars"]
    assert "segments" not in chart["params"]  # an input path, not a parameter


def test_trace_of_a_matrix_cell_reaches_the_raw_file_checksum(demo_run):
    traced = qualframe(
        demo_run, "trace", "--case", "P07", "--code", "bottom_up_development", "--json"
    )
    assert traced.returncode == 0, traced.stderr
    chain = json.loads(traced.stdout)
    assert chain["output"]["file"]["step"]["step"] == "chart"
    [segment] = chain["segments"]
    raw = segment["raw_file"]
    assert Path(raw["path"]).name == "P07.txt"
    assert raw["sha256"] == sha256(REPO / "resources/demo/transcripts/P07.txt")
    deid = segment["deidentified_span"]
    assert deid["matches_segment"] and deid["step"]["step"] == "pseudonymise"
    offsets = segment["raw_offsets"]
    shard = pd.read_parquet(demo_run / segment["normalised_transcript"]["path"])
    normalised = shard.set_index("transcript_id").loc["P07", "text"]
    assert normalised[offsets["start"] : offsets["end"]].startswith(deid["text"][:40])
    assert "raw_text" not in segment  # only with --show-raw
    text = qualframe(demo_run, "trace", "--case", "P07", "--code", "bottom_up_development")
    assert raw["sha256"] in text.stdout and "step chart" in text.stdout


def test_trace_of_a_summary_row_and_a_segment(demo_run):
    by_row = qualframe(demo_run, "trace", "--summary-row", "2", "--primary-coder", "ES", "--json")
    assert by_row.returncode == 0, by_row.stderr
    summary = pd.read_csv(demo_run / "results/themes/theme_summary.csv")
    chain = json.loads(by_row.stdout)
    assert len(chain["segments"]) == summary.iloc[1]["segments"]
    by_id = qualframe(demo_run, "trace", "--segment", "P01-S001", "--json", "--show-raw")
    assert by_id.returncode == 0, by_id.stderr
    [segment] = json.loads(by_id.stdout)["segments"]
    assert segment["raw_text"]
    unknown = qualframe(demo_run, "trace", "--segment", "P99-S001")
    assert unknown.returncode == 1 and "no coded segment 'P99-S001'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_verify_passes_on_a_finished_run(demo_run):
    verified = qualframe(demo_run, "verify")
    assert verified.returncode == 0, verified.stdout
    assert "verify OK" in verified.stdout


@pytest.fixture
def run_copy(demo_run, tmp_path):
    """A copy of the finished demo run that a test may damage."""
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy, symlinks=True)
    return copy


def test_verify_names_a_changed_missing_or_added_file(run_copy):
    matrix = run_copy / "results/matrix/framework_matrix.csv"
    data = bytearray(matrix.read_bytes())
    data[100] ^= 0x01
    matrix.write_bytes(bytes(data))
    (run_copy / "results/themes/code_presence.csv").unlink()
    (run_copy / "results/matrix/notes.csv").write_text("added by hand\n", encoding="utf-8")
    verified = qualframe(run_copy, "verify")
    assert verified.returncode == 1
    assert "changed: results/matrix/framework_matrix.csv" in verified.stdout
    assert "missing: results/themes/code_presence.csv" in verified.stdout
    assert "added: results/matrix/notes.csv" in verified.stdout
    assert "verify FAILED" in verified.stdout


def test_verify_names_a_changed_restricted_input(run_copy):
    log = run_copy / "restricted/anonymisation_log.csv"
    log.write_text(log.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    verified = qualframe(run_copy, "verify", "--json")
    assert verified.returncode == 1
    findings = json.loads(verified.stdout)["findings"]
    assert ["restricted/anonymisation_log.csv", "changed"] in [f[:2] for f in findings]


def test_crate_reads_back_and_lists_every_input_and_output(demo_run):
    crate_dir = demo_run / "results/provenance"
    crate = ROCrate(crate_dir)
    listed = {
        os.path.normpath(crate_dir / entity.id)
        for entity in crate.data_entities
        if entity.id != "./"
    }
    manifest = manifest_of(demo_run)
    files = {os.path.normpath(demo_run / entry["path"]) for entry in manifest["files"]}
    records = {os.path.normpath(demo_run / step["path"]) for step in manifest["steps"]}
    assert files | records <= listed
    assert Path(crate.mainEntity.id).name == "Snakefile"
    profiles = {p["@id"] for p in crate.root_dataset.get("conformsTo")}
    assert "https://w3id.org/ro/wfrun/workflow/0.5" in profiles
    run = crate.get("#run")
    assert len(run["object"]) + len(run["result"]) == sum(
        1 for e in manifest["files"] if e["written_by"] or e["read_by"]
    )
    restricted = [e for e in manifest["files"] if e["zone"] == "restricted"]
    assert any("anonymisation_log" in e["path"] for e in restricted)
    assert any(e["path"].endswith("transcripts/P01.txt") for e in restricted)


def test_no_identifier_in_records_or_snakemake_metadata(demo_run, tmp_path):
    gold = read_gold_jsonl(
        (REPO / "resources/demo/gold/identifiers.jsonl").read_text().splitlines()
    )
    named = set(gold.loc[gold["entity_type"] != "AGE", "text"])
    assert leaked_terms(named, [demo_run / "results/provenance"]) == {}
    # Snakemake keeps each job's params and command in .snakemake/metadata, in clear text
    metadata = tmp_path / "metadata"
    metadata.mkdir()
    for number, path in enumerate(sorted((demo_run / ".snakemake/metadata").iterdir())):
        shutil.copyfile(path, metadata / f"{number}.txt")
    assert len(list(metadata.iterdir())) > 40
    assert leaked_terms(named, [metadata]) == {}


def test_no_rule_uses_the_between_workflow_cache():
    # Snakemake's `cache:` directive; a step's own restricted cache (`params: cache=`,
    # `{params.cache:q}`) is another thing
    directive = re.compile(r"^\s*cache\s*:", re.MULTILINE)
    rules = sorted((REPO / "workflow/rules").glob("*.smk"))
    assert rules
    for path in rules:
        assert not directive.search(path.read_text(encoding="utf-8")), path


def test_leak_scan_reads_every_published_file_last(demo_run):
    """The scan ran after the manifest: it read the manifest, RO-Crate and shards list,
    every step record but its own, the Data Docs and every table; the manifest names
    the scan's two files as written after it, and verify accepts them."""
    summary = json.loads((demo_run / "results/provenance/leak_scan.json").read_text())
    scanned = set(summary["files_scanned"]) | set(summary["files_not_text"])
    published = {
        p.relative_to(demo_run).as_posix()
        for p in (demo_run / "results").rglob("*")
        if p.is_file() and p.name != ".gitkeep"
    }
    own = {"results/provenance/leak_scan.json", "results/provenance/steps/leak_scan.json"}
    assert scanned == published - own
    assert {
        "results/provenance/manifest.json",
        "results/provenance/ro-crate-metadata.json",
        "results/provenance/shards.tsv",
    } <= scanned
    assert any(path.startswith("results/quality/data_docs/") for path in scanned)
    assert summary["leaks"] == 0 and summary["register_terms"] > 0
    assert sorted(manifest_of(demo_run)["written_after"]) == sorted(own)


def test_leak_scan_finds_a_planted_disguised_copy(run_copy):
    """A register term written with a zero-width space, in fullwidth letters and with a
    soft hyphen, planted in a published table, the RO-Crate and a de-identified
    transcript: the scan fails naming each file and place, never the term."""
    term = "Basingstoke"
    matrix = run_copy / "results/matrix/framework_matrix.csv"
    matrix.write_text(matrix.read_text() + 'P01,x,"near Basing\u200bstoke"\n')
    crate = run_copy / "results/provenance/ro-crate-metadata.json"
    data = json.loads(crate.read_text())
    data["description"] = "Ｂａｓｉｎｇｓｔｏｋｅ"
    crate.write_text(json.dumps(data))
    transcript = run_copy / "results/deid/transcripts/P02.txt"
    transcript.write_text("A\nB\nin BASING\u00adSTOKE\n" + transcript.read_text())
    config = yaml.safe_load((run_copy / "config/config.yaml").read_text())
    scan = qualframe(
        run_copy,
        "leak-scan",
        "--log", "restricted/anonymisation_log.csv",
        "--register", config["study"]["identifiers"],
        "--allow-list", config["study"]["allow_list"],
        "--scan", "results",
        "--output", "scan.json",
        "--output-findings", "restricted/leak_findings.csv",
    )  # fmt: skip
    assert scan.returncode == 1
    assert scan.stderr.startswith("error: 3 identifier(s) appear in published files: ")
    assert "results/deid/transcripts/P02.txt (1: line 3)" in scan.stderr
    assert "results/matrix/framework_matrix.csv (1: line " in scan.stderr
    assert "results/provenance/ro-crate-metadata.json (1: string " in scan.stderr
    assert term.casefold() not in scan.stderr.casefold() and "Ｂａ" not in scan.stderr
    findings = pd.read_csv(run_copy / "restricted/leak_findings.csv")
    leaks = findings[findings["kind"] == "leak"]
    assert set(leaks["original"]) == {term} and len(leaks) == 3
    assert not (run_copy / "scan.json").exists()
