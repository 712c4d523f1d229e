"""The leak scan reads every file a rule publishes under results/: its list is derived
from the rules' outputs, so a new rule is scanned without anyone remembering to add it.
Checked on the jobs a dry run plans, for a study before coding, the coded demo and a
study importing charting workbooks."""

import re

import pytest
import yaml

from tests.e2e.helpers import REPO, run_snakemake, write_config

JOB = re.compile(r"^(?:local)?rule (\w+):\n((?:    .*\n)*)", re.MULTILINE)


def planned_jobs(stdout: str) -> list[tuple[str, set[str], set[str]]]:
    """(rule, inputs, outputs) of every job a dry run prints."""
    jobs = []
    for match in JOB.finditer(stdout):
        fields = dict(re.findall(r"^    (\w+): (.*)$", match[2], re.MULTILINE))
        inputs, outputs = (set(fields.get(k, "").split(", ")) - {""} for k in ("input", "output"))
        jobs.append((match[1], inputs, outputs))
    return jobs


def demo_config() -> dict:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    for key, value in config["study"].items():
        if isinstance(value, str):  # paths; case_attributes is a mapping
            config["study"][key] = str(REPO / value)
    config["coding"]["exports"] = [str(REPO / p) for p in config["coding"]["exports"]]
    return config


@pytest.mark.parametrize("study", ["not coded", "coded", "charting imported"])
def test_the_leak_scan_reads_every_file_a_rule_publishes(tmp_path, study):
    config = demo_config()
    if study == "not coded":
        config["coding"]["exports"] = []
    if study == "charting imported":
        workbook = tmp_path / "charting.xlsx"
        workbook.write_bytes(b"")  # a dry run plans with it and reads nothing
        config["charting"]["workbook"] = str(workbook)
    write_config(tmp_path, config)
    run = run_snakemake(tmp_path, "--dry-run", "--forceall")
    assert run.returncode == 0, run.stderr[-3000:]
    jobs = planned_jobs(run.stdout)
    rules = {rule for rule, _, _ in jobs}
    assert ("import_charting" in rules) == (study == "charting imported")
    assert ("chart" in rules) == (study != "not coded")
    (scanned,) = [inputs for rule, inputs, _ in jobs if rule == "leak_scan"]
    published = {
        path
        for rule, _, outputs in jobs
        if rule != "leak_scan"
        for path in outputs
        if path.startswith("results/")
    }
    assert published and published <= scanned, sorted(published - scanned)
    (own,) = [outputs for rule, _, outputs in jobs if rule == "leak_scan"]
    assert own == {"results/provenance/leak_scan.json", "results/provenance/steps/leak_scan.json"}
