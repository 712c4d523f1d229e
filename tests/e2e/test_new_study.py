"""`qualframe new-study` then `qualframe run`: a study folder made from a folder of
transcripts (before any coding) and from a REFI-QDA project coded on the raw text."""

import json
import subprocess

import pandas as pd
import pytest

from qualframe.coding.codebook import codebook_from_dict
from qualframe.commands.paths import read_texts
from qualframe.refi.archive import read_qdpx
from qualframe.refi.read import read_project
from qualframe.refi.write import build_qdpx
from tests.e2e.helpers import REPO, leaked_terms
from tests.e2e.test_study_folder import qualframe

pytestmark = pytest.mark.e2e

RAW = {
    "A01.txt": "Interviewer: Thanks for joining, Orla Penhallow.\n\n"
    "Participant: The café opened in March; Orla Penhallow ran it.\n",
    "B02.txt": "Interviewer: Who funded it?\n\nParticipant: Lowmoor Council, for a year.\n",
}


def checkout_state() -> tuple[str, list[tuple[str, int]]]:
    """What git sees changed or new in the checkout, and every file (with its time) in
    the folders a run writes: a study outside the checkout must write nothing there."""
    status = ["git", "status", "--porcelain", "--untracked-files=all"]
    changed = subprocess.run(status, cwd=REPO, capture_output=True, text=True, check=True)
    written = [
        (str(path), path.stat().st_mtime_ns)
        for folder in ("results", "restricted", "logs", ".snakemake")
        for path in sorted((REPO / folder).rglob("*"))
        if path.is_file()
    ]
    return changed.stdout, written


def without_ner(study) -> None:
    """Rules and register only, to keep the test quick."""
    config = study / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert text.count("enabled: true") == 1
    config.write_text(text.replace("enabled: true", "enabled: false"), encoding="utf-8")


def test_a_study_from_transcripts_deidentified_then_coded_in_a_caqdas(tmp_path):
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

    # coded in a CAQDAS on the de-identified project, exported, listed as the coded data
    # and as the codebook: the next run charts it
    code_in_a_caqdas(study, "coding/coded.qdpx")
    config = (study / "config.yaml").read_text(encoding="utf-8")
    config = config.replace('codebook: ""', 'codebook: "coding/coded.qdpx"')
    config = config.replace("exports: []", 'exports: ["coding/coded.qdpx"]')
    (study / "config.yaml").write_text(config, encoding="utf-8")
    again = qualframe("run", str(study), "--cores", "2", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "No coded data yet" not in again.stderr
    matrix = pd.read_parquet(study / "results/matrix/framework_matrix.parquet")
    assert matrix.groupby("case_id")["n_segments"].sum().to_dict() == {"A01": 1, "B02": 2}
    assert (study / "results/report/study_report.html").is_file()
    verify = qualframe("verify", cwd=study)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def code_in_a_caqdas(study, exported: str) -> None:
    """What a team does in its CAQDAS: open results/coding/project.qdpx, make codes (one
    nested under a parent, one on the parent itself), code the de-identified text, export
    the project."""
    texts = read_texts([str(study / "results/deid/transcripts")])
    codebook = codebook_from_dict(
        {
            "themes": [
                {
                    "id": "service",
                    "name": "Service",
                    "codes": [
                        {
                            "id": "opening",
                            "name": "Opening",
                            "codes": [{"id": "money", "name": "Money"}],
                        }
                    ],
                }
            ]
        }
    )
    quotes = [
        ("A01", "opening", "The café opened in March"),
        ("B02", "money", "for a year"),
        ("B02", "opening", "Who funded it?"),
    ]
    rows = []
    for n, (transcript, code, quote) in enumerate(quotes):
        start = texts[transcript].index(quote)
        rows.append(
            {
                "segment_id": f"S{n}",
                "transcript_id": transcript,
                "start": start,
                "end": start + len(quote),
                "code_id": code,
                "coder": "ann",
            }
        )
    cases = pd.read_parquet(study / "results/coding/cases.parquet")
    data = build_qdpx(texts, codebook, cases, pd.DataFrame(rows), project_name="coded")
    (study / exported).write_bytes(data)


QC_DEMO = REPO.parent / "shared" / "data" / "refi" / "qc-demo.qdpx"


@pytest.mark.skipif(not QC_DEMO.exists(), reason="../shared/data/refi/qc-demo.qdpx is absent")
def test_a_study_from_a_qdpx_project_charts_every_coding(tmp_path):
    """The qc demo project (2 sources, 262 codes nested 7 deep, 205 codings by one coder,
    63 of them on parent codes, no cases): the whole run, NER included, passes the leak
    scan and charts every coding with its case, located by the project's own offsets in
    the raw text. The codebook's own words ("NGSS", which the model tags as an
    organisation) are kept; nothing is written into the checkout."""
    study = tmp_path / "qc"
    before = checkout_state()
    made = qualframe("new-study", str(study), "--from-qdpx", str(QC_DEMO), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "2 transcripts, 2 cases, 262 codes, 205 codings from qc-demo.qdpx" in made.stdout

    run = qualframe("run", str(study), "--cores", "2", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    scan = json.loads((study / "results/provenance/leak_scan.json").read_text())
    assert scan["leaks"] == 0 and scan["terms"] > 0
    evidence = pd.read_csv(study / "restricted/review/propagation.csv")
    assert "kept: in the codebook" in set(evidence["reason"])
    assert checkout_state() == before
    segments = pd.read_parquet(study / "results/coding/segments.parquet")
    assert len(segments) == 205
    matrix = pd.read_parquet(study / "results/matrix/framework_matrix.parquet")
    assert matrix.groupby("case_id")["n_segments"].sum().to_dict() == {
        "admin-1": 0,
        "board_2017": 205,
    }
    codebook = pd.read_parquet(study / "results/coding/codebook.parquet")
    assert codebook["depth"].max() == 7
    parents = set(codebook["parent_id"])
    on_parents = segments[segments["code_id"].isin(parents)]
    assert len(on_parents) == 63
    # each charted quote is the project's, de-identified: the same words unless a
    # placeholder replaced some (rows of the coded data follow the project's codings)
    project = read_project(read_qdpx(QC_DEMO.read_bytes(), "qc"))
    charted = segments.sort_values("source_row")["text"].map(str.split).map(" ".join)
    quotes = project.segments["text"].map(str.split).map(" ".join)
    same = [a == b for a, b in zip(charted, quotes, strict=True)]
    replaced = ["[" in a for a in charted]
    assert all(s or r for s, r in zip(same, replaced, strict=True))
    assert sum(same) >= 170


SHEET_TRANSCRIPTS = {
    "A01.txt": "Interviewer: Did you always want to teach?\n\nRespondent: Yeah.\n\n"
    "Respondent: I wanted to teach since I was small, in Penhallow Road.\n\n"
    "Interviewer: And the money?\n\nRespondent: Yeah.\n\n"
    "Respondent: Money was tight back then, honestly.\n",
    "B02.txt": "Interviewer: Tell me about your first school.\n\n"
    "Respondent: My first school was a tiny village school with two classrooms.\n",
}
# one row per utterance, several codes a cell, "Yeah." twice in A01 (placed by row order)
SHEET = (
    "Interview,Codes,Coder,Utterance\n"
    "A01,,ann,Did you always want to teach?\n"
    "A01,career,ann,Yeah.\n"
    'A01,career;teaching,ann,"I wanted to teach since I was small, in Penhallow Road."\n'
    "A01,money,ann,Yeah.\n"
    'A01,money;career,ann,"Money was tight back then, honestly."\n'
    "B02,teaching;schools,bob,My first school was a tiny village school with two classrooms.\n"
)


def test_a_study_coded_in_a_spreadsheet_charts_every_coding(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in SHEET_TRANSCRIPTS.items():
        (raw / name).write_text(text, encoding="utf-8")
    (tmp_path / "coded.csv").write_text(SHEET, encoding="utf-8")
    study = tmp_path / "study"
    made = qualframe(
        "new-study", str(study), "--transcripts", str(raw), "--coding", "coded.csv", cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    assert "codes separated by ';'; a flat codebook of the 4 codes it uses" in made.stdout
    config = (study / "config.yaml").read_text(encoding="utf-8")
    assert "# GUESSED from coded.csv's headers and contents: check each column" in config
    (study / "identifiers.tsv").write_text("term\tentity_type\nPenhallow Road\tLOCATION\n")
    without_ner(study)

    run = qualframe("run", str(study), "--cores", "2", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    segments = pd.read_parquet(study / "results/coding/segments.parquet")
    assert len(segments) == 8
    yeahs = segments[segments["text"] == "Yeah."].sort_values("start")
    assert yeahs["code_id"].tolist() == ["career", "money"]
    assert yeahs["start"].iloc[0] < yeahs["start"].iloc[1]
    quote = segments.loc[segments["text"].str.startswith("I wanted"), "text"].iloc[0]
    assert quote.endswith("in [LOCATION_1].")
    matrix = pd.read_parquet(study / "results/matrix/framework_matrix.parquet")
    assert matrix.groupby("case_id")["n_segments"].sum().to_dict() == {"A01": 6, "B02": 2}
    assert leaked_terms({"Penhallow Road", "Penhallow"}, [study / "results", study / "logs"]) == {}
