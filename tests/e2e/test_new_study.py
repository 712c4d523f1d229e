"""`qualframe new-study` then `qualframe run`: a study folder made from a folder of
transcripts (before any coding) and from a REFI-QDA project coded on the raw text."""

import pytest

from qualframe.refi.archive import read_qdpx
from qualframe.refi.read import read_project
from tests.e2e.helpers import leaked_terms
from tests.e2e.test_study_folder import qualframe

pytestmark = pytest.mark.e2e

RAW = {
    "A01.txt": "Interviewer: Thanks for joining, Orla Penhallow.\n\n"
    "Participant: The café opened in March; Orla Penhallow ran it.\n",
    "B02.txt": "Interviewer: Who funded it?\n\nParticipant: Lowmoor Council, for a year.\n",
}


def without_ner(study) -> None:
    """Rules and register only, to keep the test quick."""
    config = study / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert text.count("enabled: true") == 1
    config.write_text(text.replace("enabled: true", "enabled: false"), encoding="utf-8")


def test_first_run_of_a_new_study_deidentifies_and_writes_the_project(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "B02.txt").write_text(RAW["B02.txt"], encoding="utf-8")
    (raw / "A01.txt").write_text(RAW["A01.txt"], encoding="utf-8")
    study = tmp_path / "study"
    made = qualframe("new-study", str(study), "--transcripts", str(raw), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (study / "cases.tsv").read_text() == "case_id\nA01\nB02\n"
    (study / "identifiers.tsv").write_text("term\tentity_type\nOrla Penhallow\tPERSON\n")
    without_ner(study)

    run = qualframe("run", str(study), "--cores", "2", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "No coded data yet (coding.exports is empty)" in run.stderr
    assert "chart, summarise, report wait" in run.stderr
    project = read_project(read_qdpx((study / "results/coding/project.qdpx").read_bytes(), "p"))
    assert sorted(project.sources["name"]) == ["A01", "B02"]
    assert len(project.segments) == 0
    assert "[PERSON_1]" in (study / "results/deid/transcripts/A01.txt").read_text()
    assert not (study / "results/matrix").exists()
    assert leaked_terms({"Orla Penhallow", "Penhallow"}, [study / "results", study / "logs"]) == {}
    verify = qualframe("verify", cwd=study)
    assert verify.returncode == 0, verify.stdout + verify.stderr
