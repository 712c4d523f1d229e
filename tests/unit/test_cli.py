"""The command line: one readable message and status 1 on bad input, nothing half-written."""

import json

import pandas as pd
import pytest
import yaml

from qualframe.cli import main


@pytest.fixture
def study(tmp_path, codebook_dict, texts):
    """A study folder: transcripts A1 and A2, codebook.yaml and cases.tsv."""
    for transcript_id, text in texts.items():
        (tmp_path / f"{transcript_id}.txt").write_text(text)
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(codebook_dict))
    (tmp_path / "cases.tsv").write_text("case_id\tservice_type\nA1\tcafé\nA2\thouse\n")
    return tmp_path


def ingest_args(raw, out):
    """`qualframe ingest` arguments for one shard of raw transcripts."""
    return ["ingest", "--input", *map(str, raw), "--output", str(out)]


def import_coding_args(folder, export, columns, transcripts, *extra):
    """`qualframe import-coding` arguments for a study laid out in `folder` (codebook.yaml,
    cases.tsv) writing its tables to folder/out."""
    out = folder / "out"
    return [
        "import-coding",
        "--exports",
        str(export),
        "--columns",
        *columns,
        "--codebook",
        str(folder / "codebook.yaml"),
        "--cases",
        str(folder / "cases.tsv"),
        "--transcripts",
        *map(str, transcripts),
        *extra,
        "--output-segments",
        str(out / "segments.parquet"),
        "--segments-csv",
        str(out / "segments.csv"),
        "--output-codebook",
        str(out / "codebook.parquet"),
        "--codebook-csv",
        str(out / "codebook.csv"),
        "--output-cases",
        str(out / "cases.parquet"),
        "--cases-csv",
        str(out / "cases.csv"),
    ]


def test_ingest_writes_a_restricted_table_of_texts_and_sources(tmp_path, capsys):
    raw = tmp_path / "P01.txt"
    raw.write_bytes("\ufeffInterviewer: Hello.\r\n\r\nParticipant: Hi.\r\n".encode())
    (tmp_path / "P02.txt").write_text("Interviewer: Next.\n", encoding="utf-8")
    out = tmp_path / "restricted" / "ingest" / "0001.parquet"
    status = main(ingest_args([raw, tmp_path / "P02.txt"], out))
    assert status == 0
    table = pd.read_parquet(out)
    assert table["transcript_id"].tolist() == ["P01", "P02"]
    assert table.loc[0, "text"] == "Interviewer: Hello.\n\nParticipant: Hi.\n"
    assert table.loc[0, "source_format"] == "txt"
    assert table.loc[0, "source_bytes"] == raw.stat().st_size
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert oct(out.parent.stat().st_mode & 0o777) == "0o700"
    assert "P01: 38 characters" in capsys.readouterr().out


def test_ingest_refuses_two_files_with_one_transcript_id(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "P01.txt").write_text("One.\n", encoding="utf-8")
    (tmp_path / "P01.txt").write_text("Two.\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    status = main(ingest_args([tmp_path / "a" / "P01.txt", tmp_path / "P01.txt"], out))
    assert status == 1
    assert "two raw files give the transcript id 'P01'" in capsys.readouterr().err
    assert not out.exists()


def test_bad_transcript_gives_one_message_and_no_output(tmp_path, capsys):
    raw = tmp_path / "P01.txt"
    raw.write_bytes(b"ok\n\xff\xfe broken\n")
    out = tmp_path / "out" / "0001.parquet"
    status = main(ingest_args([raw], out))
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith(f"error: {raw}, line 2: not UTF-8")
    assert "Traceback" not in err
    assert not out.exists()


def test_import_coding_failure_writes_report_and_no_tables(tmp_path, study, capsys):
    pd.DataFrame(
        {
            "doc": ["A1", "A2"],
            "code": ["leadership", "nope"],
            "coder": ["ES", "ES"],
            "text": ["Our director", "The money"],
        }
    ).to_csv(tmp_path / "coded.csv", index=False)
    report = tmp_path / "report.csv"
    status = main(
        import_coding_args(
            tmp_path,
            str(tmp_path / "coded.csv"),
            ["transcript=doc", "code=code", "coder=coder", "text=text"],
            [str(tmp_path / "A1.txt"), str(tmp_path / "A2.txt")],
            "--attributes",
            "service_type",
            "--report",
            str(report),
        )
    )
    assert status == 1
    assert "1 of 2 rows failed validation: 1 unknown code" in capsys.readouterr().err
    assert pd.read_csv(report)[["row", "column", "value"]].values.tolist() == [[3, "code", "nope"]]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("file", "content", "expected"),
    [
        ("cases.tsv", b"", "cases.tsv: the case sheet is empty"),
        ("cases.tsv", b"case_id\tservice_type\nA1\tcafe\tx\nA2\thouse\ty\n", "one cell more"),
        ("codebook.yaml", b"themes:\n  - id: caf\xe9\n", "codebook.yaml, line 2: not UTF-8"),
        ("coded.csv", b"\xef\xbb\xbf\n", "coded.csv: the export is empty"),
        (
            "coded.csv",
            b"doc,code,coder,text\nA1,leadership,ES,Our director\nA1,a,b,c,d,e\n",
            "C error: Expected 4 fields in line 3, saw 6",
        ),
    ],
)
def test_unreadable_sheets_give_one_line(tmp_path, study, capsys, file, content, expected):
    """Found by the property tests: pandas and PyYAML errors that escaped, row labels that
    shifted columns, and pandas messages ending in a line break."""
    (tmp_path / "coded.csv").write_text("doc,code,coder,text\nA1,leadership,ES,Our director\n")
    (tmp_path / file).write_bytes(content)
    columns = ["transcript=doc", "code=code", "coder=coder", "text=text"]
    transcripts = [str(tmp_path / "A1.txt"), str(tmp_path / "A2.txt")]
    status = main(import_coding_args(tmp_path, tmp_path / "coded.csv", columns, transcripts))
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1 and err.startswith("error: ") and expected in err, err
    assert not (tmp_path / "out").exists()


def test_ingest_max_bytes(tmp_path, capsys):
    raw = tmp_path / "P01.txt"
    raw.write_text("Interviewer: Hello.\n", encoding="utf-8")
    out = tmp_path / "ingest.parquet"
    assert main([*ingest_args([raw], out), "--max-bytes", "19"]) == 1
    assert "is 20 bytes, over the limit of 19 bytes" in capsys.readouterr().err
    assert main([*ingest_args([raw], out), "--max-bytes", "0"]) == 1
    assert "--max-bytes must be a positive number" in capsys.readouterr().err
    assert not out.exists()
    assert main([*ingest_args([raw], out), "--max-bytes", "20"]) == 0


def test_bad_column_mapping_is_reported(tmp_path, capsys):
    status = main(
        import_coding_args(
            tmp_path,
            "x.csv",
            ["transcript"],
            ["a.txt"],
        )
    )
    assert status == 1
    assert "column mapping 'transcript' is not FIELD=COLUMN" in capsys.readouterr().err


def test_deidentify_keeps_replacements_when_a_transcript_is_added(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "P02.txt").write_text(
        "Participant: I rang Dr Okonkwo at Brightwater Trust on 07700 900481.\n"
    )
    (corpus / "P03.txt").write_text("Participant: Okonkwo said the café in Bolton was full.\n")
    args = [
        "deidentify",
        "--input",
        str(corpus),
        "--output",
        str(tmp_path / "out"),
        "--output-log",
        str(tmp_path / "restricted" / "log.csv"),
        "--key",
        str(tmp_path / "restricted" / "pseudonym_key.csv"),
    ]
    assert main(args) == 0
    before = {p.name: p.read_text() for p in (tmp_path / "out").iterdir()}
    assert "Okonkwo" not in before["P02.txt"] + before["P03.txt"]
    assert (tmp_path / "restricted" / "pseudonym_key.csv").exists()

    # a new transcript that sorts first and names someone new before the known people
    (corpus / "P01.txt").write_text(
        "Participant: Dr Adeyemi from Kestrel Housing works with Dr Okonkwo.\n"
    )
    assert main(args) == 0
    after = {p.name: p.read_text() for p in (tmp_path / "out").iterdir()}
    assert after["P02.txt"] == before["P02.txt"]
    assert after["P03.txt"] == before["P03.txt"]
    assert "Adeyemi" not in after["P01.txt"] and "Kestrel" not in after["P01.txt"]


def test_synth_then_deid_eval(tmp_path, capsys):
    assert main(["synth", "--n", "2", "--seed", "3", "--output", str(tmp_path / "s")]) == 0
    texts = sorted(str(p) for p in (tmp_path / "s" / "transcripts").iterdir())
    assert (
        main(
            [
                "deidentify",
                "--input",
                str(tmp_path / "s" / "transcripts"),
                "--output",
                str(tmp_path / "d"),
                "--output-log",
                str(tmp_path / "r" / "log.csv"),
                "--key",
                str(tmp_path / "r" / "key.csv"),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert (
        main(
            [
                "deid-eval",
                "--gold",
                str(tmp_path / "s" / "gold.jsonl"),
                "--predicted",
                str(tmp_path / "r" / "log.csv"),
                "--texts",
                *texts,
                "--json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    overall = next(r for r in rows if r["label"] == "all")
    assert overall["recall"] > 0.9 and overall["gold_spans"] > 50


def test_coding_done_on_raw_transcripts_is_moved_to_deidentified_text(tmp_path, codebook_dict):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "A1.txt").write_text(
        "Interviewer: Tell me about it.\n\n"
        "Participant: Dr Okonkwo from Kestrel Housing backed us all the way.\n"
    )
    log = tmp_path / "restricted" / "log.csv"
    assert (
        main(
            [
                "deidentify",
                "--input",
                str(raw),
                "--output",
                str(tmp_path / "deid"),
                "--output-log",
                str(log),
                "--key",
                str(tmp_path / "restricted" / "key.csv"),
            ]
        )
        == 0
    )
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(codebook_dict))
    (tmp_path / "cases.tsv").write_text("case_id\tservice_type\nA1\tcafé\n")
    pd.DataFrame(
        {
            "doc": ["A1"],
            "code": ["leadership"],
            "coder": ["ES"],
            "text": ["Dr Okonkwo from Kestrel Housing backed us"],
        }
    ).to_csv(tmp_path / "coded.csv", index=False)
    out = tmp_path / "out"
    status = main(
        import_coding_args(
            tmp_path,
            str(tmp_path / "coded.csv"),
            ["transcript=doc", "code=code", "coder=coder", "text=text"],
            [str(tmp_path / "deid" / "A1.txt")],
            "--raw-transcripts",
            str(raw / "A1.txt"),
            "--anonymisation-log",
            str(log),
        )
    )
    assert status == 0
    segment = pd.read_parquet(out / "segments.parquet").iloc[0]
    deid = (tmp_path / "deid" / "A1.txt").read_text()
    assert deid[segment["start"] : segment["end"]] == segment["text"]
    assert "Okonkwo" not in segment["text"] and "Kestrel" not in segment["text"]
    assert segment["text"].startswith("Dr [PERSON_1] from [ORG_1] backed us")


def test_import_coding_reads_an_xlsx_export(tmp_path, study):
    sheet = pd.DataFrame(
        {
            "Document name": ["A1", "A2"],
            "Code": ["People\\Leadership", "Funding"],
            "Created by": ["ES", "ES"],
            "Segment": ["Our director backed us all the way.", "The money ran out"],
        }
    )
    sheet.to_excel(tmp_path / "coded.xlsx", index=False)
    out = tmp_path / "out"
    status = main(
        import_coding_args(
            tmp_path,
            str(tmp_path / "coded.xlsx"),
            ["transcript=Document name", "code=Code", "coder=Created by", "text=Segment"],
            [str(tmp_path / "A1.txt"), str(tmp_path / "A2.txt")],
        )
    )
    assert status == 0
    segments = pd.read_parquet(out / "segments.parquet")
    assert segments[["case_id", "code_id"]].values.tolist() == [
        ["A1", "leadership"],
        ["A2", "funding"],
    ]
