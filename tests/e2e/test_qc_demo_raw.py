"""A real REFI-QDA project as coding done on the raw transcripts: the qc demo project's
205 codings, its sources written out as the study's transcripts (as the project holds
them, and with a BOM and CRLF line endings), imported with every quote located through
ingest's maps and the anonymisation log."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from qualframe.coding.codebook import codebook_dict_from_refi
from qualframe.commands.readers import read_project_file
from tests.e2e.test_bad_coding import qualframe

QC_DEMO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "refi" / "qc-demo.qdpx"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not QC_DEMO.exists(), reason="../shared/data/refi/qc-demo.qdpx is absent"),
]
CONFIG = {"deid": {"ner": {"enabled": False}, "style": "numbered", "review_confidence": 0.6}}


@pytest.mark.parametrize("newline", ["", "\r\n"], ids=["as-in-project", "bom-crlf"])
def test_qc_demo_codings_import_as_raw_coding(tmp_path, newline):
    project = read_project_file(str(QC_DEMO))
    transcripts = tmp_path / "transcripts"
    transcripts.mkdir()
    for source in project.sources.itertuples(index=False):
        text = source.text
        if newline:  # as a Windows editor would save it
            text = "\ufeff" + text.replace("\n", newline)
        (transcripts / f"{Path(source.name).stem}.txt").write_bytes(text.encode("utf-8"))
    codebook = codebook_dict_from_refi(project.codebook)
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(codebook, allow_unicode=True))
    ids = sorted(p.stem for p in transcripts.iterdir())
    (tmp_path / "cases.tsv").write_text("case_id\n" + "".join(f"{i}\n" for i in ids))
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(CONFIG))
    (tmp_path / "register.tsv").write_text("term\tentity_type\n")

    steps = [
        ("ingest", "--input", *map(str, sorted(transcripts.iterdir())), "--output", "in.parquet"),
        ("deidentify", "--input", "transcripts", "--output", "deid", "--output-log", "log.csv",
         "--key", "key.csv",
         "--register", "register.tsv", "--config", "config.yaml"),
        ("import-coding", "--exports", str(QC_DEMO), "--columns", "transcript=-", "code=-",
         "coder=-", "text=-", "--codebook", "codebook.yaml", "--cases", "cases.tsv",
         "--transcripts", *(f"deid/{i}.txt" for i in ids), "--raw-transcripts",
         "in.parquet", "--anonymisation-log", "log.csv", "--output-segments",
         "out/segments.parquet", "--segments-csv", "out/segments.csv", "--output-codebook",
         "out/codebook.parquet", "--codebook-csv", "out/codebook.csv", "--output-cases",
         "out/cases.parquet", "--cases-csv", "out/cases.csv"),
    ]  # fmt: skip
    for step in steps:
        run = qualframe(*step, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
    assert "raw offsets counted " + ("LF" if newline else "as written") in run.stdout

    segments = pd.read_parquet(tmp_path / "out/segments.parquet")
    assert len(segments) == len(project.segments) == 205
    # each coding landed on its own words: outside replaced identifiers, the de-identified
    # quote is the project's quote
    deid = {i: (tmp_path / f"deid/{i}.txt").read_text() for i in ids}
    log = pd.read_csv(tmp_path / "log.csv")
    clean = [
        row.text
        for row in segments.itertuples(index=False)
        if not (
            (log["transcript_id"] == row.transcript_id)
            & (log["deid_start"] < row.end)
            & (log["deid_end"] > row.start)
        ).any()
    ]
    assert len(clean) >= 190
    expected = {" ".join(t.split()) for t in project.segments["text"]}
    assert {" ".join(t.split()) for t in clean} <= expected
    assert all(deid[r.transcript_id][r.start : r.end] == r.text for r in segments.itertuples())
