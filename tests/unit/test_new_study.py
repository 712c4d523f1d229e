"""`qualframe new-study`: the study folder, its config, and studies made from REFI-QDA
projects (pure parts: the config text, ids, the nested codebook, the case sheet)."""

from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml

from qualframe.cli import main
from qualframe.coding.codebook import codebook_dict_from_refi, codebook_from_dict
from qualframe.errors import QualframeError
from qualframe.refi.read import RefiProject
from qualframe.study import layout
from qualframe.study.from_qdpx import codable_tree, study_from_project, transcript_file_name
from qualframe.study.from_sheet import NOT_FOUND, codes_used, flat_codebook, guess_sheet
from qualframe.study.layout import StudySettings

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


def validate_config(text: str) -> dict:
    config = yaml.safe_load(text)
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(config)
    return config


def test_a_new_study_config_is_valid_and_names_the_folder_files():
    config = validate_config(layout.config_text(StudySettings(folder="studies/crisis")))
    assert config["study"]["transcripts"] == "transcripts"
    assert config["study"]["codebook"] == ""
    assert config["coding"]["exports"] == []
    assert config["coding"]["primary_coder"] == ""
    assert config["report"]["group_by"] == "all"


def test_a_config_from_a_project_codes_on_raw_text_with_its_attributes():
    settings = StudySettings(
        folder="s",
        codebook="codebook.yaml",
        exports=["coding/p-codings.csv"],
        columns={"transcript": "document", "code": "code", "coder": "coder", "text": "t"},
        coded_on="raw",
        attributes=["Région", "age group"],
        codebook_note='Taken from p.qdpx: "quoted" and\nmultiline.',
    )
    text = layout.config_text(settings)
    config = validate_config(text)
    assert config["coding"]["coded_on"] == "raw"
    assert config["matrix"]["case_attributes"] == ["Région", "age group"]
    assert config["themes"]["group_by"] == ["Région", "age group"]
    assert config["report"]["group_by"] == "Région"
    assert '# Taken from p.qdpx: "quoted" and multiline.' in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("board_2017.txt", "board_2017.txt"),
        ("Interview 10.docx", "Interview 10.txt"),
        ("P01", "P01.txt"),
        ("P01.2019", "P01.2019.txt"),
        ("site/P02.rtf", "site_P02.txt"),
        (".hidden", "hidden.txt"),
    ],
)
def test_a_source_becomes_a_transcript_file(name, expected):
    assert transcript_file_name(name) == expected


def refi_codebook(rows):
    frame = pd.DataFrame(rows, columns=["guid", "name", "parent_guid", "is_codable"])
    paths, names = {}, dict(zip(frame["guid"], frame["name"], strict=True))
    for row in frame.itertuples():
        parent = paths.get(row.parent_guid)
        paths[row.guid] = f"{parent}\\{row.name}" if parent else row.name
    return frame.assign(description="", path=frame["guid"].map(paths), depth=0, colour="").assign(
        name=frame["guid"].map(names)
    )


def test_the_codebook_keeps_every_depth_and_what_was_coded():
    codebook = refi_codebook(
        [
            ("t", "Theme", "", False),
            ("p", "Parent", "t", True),
            ("c", "Child", "p", True),
            ("g", "Grouping", "t", False),
            ("x", "Coded grouping", "t", False),
            ("e", "Empty theme", "", False),
            ("top", "Top code", "", True),
        ]
    )
    kept = codable_tree(codebook, coded={"x"})
    assert kept["guid"].tolist() == ["t", "p", "c", "x", "top"]
    assert kept["is_codable"].tolist() == [False, True, True, True, True]
    table = codebook_from_dict(codebook_dict_from_refi(kept))
    assert table["path"].tolist() == [
        "Theme\\Parent",
        "Theme\\Parent\\Child",
        "Theme\\Coded grouping",
        "Top code",
    ]


def project(cases=None, case_guid=("", "")):
    sources = pd.DataFrame(
        {
            "guid": ["s1", "s2"],
            "name": ["Interview-2.docx", "Interview-1"],
            "path": ["", ""],
            "text": ["Hello there.\r\nBye.", "Yeah. Yeah."],
            "case_guid": list(case_guid),
        }
    )
    segments = pd.DataFrame(
        {
            "source_guid": ["s1", "s2", "s2"],
            "code_guid": ["k1", "k1", "k1"],
            "start": [0, 6, 3],
            "end": [5, 11, 3],
            "coder": ["ann", "", "ann"],
            "text": ["Hello", "Yeah.", ""],
        }
    )
    codebook = refi_codebook([("k0", "Talk", "", False), ("k1", "Greeting", "k0", True)])
    return RefiProject(
        name="p",
        users=pd.DataFrame(),
        codebook=codebook,
        cases=cases if cases is not None else pd.DataFrame(columns=["guid", "name"]),
        case_sources=pd.DataFrame(),
        sources=sources,
        segments=segments,
    )


def test_a_project_without_cases_gives_one_case_per_source():
    made = study_from_project(project(), "p.qdpx")
    assert made.files == {
        "Interview-2.txt": "Hello there.\r\nBye.",
        "Interview-1.txt": "Yeah. Yeah.",
    }
    assert made.cases["case_id"].tolist() == ["Interview-1", "Interview-2"]
    assert made.attributes == []
    assert made.coded.to_dict("records") == [
        {
            "document": "Interview-2",
            "code": "Talk\\Greeting",
            "coder": "ann",
            "text": "Hello",
            "start": "0",
            "end": "5",
        },
        {
            "document": "Interview-1",
            "code": "Talk\\Greeting",
            "coder": "unnamed",
            "text": "Yeah.",
            "start": "6",
            "end": "11",
        },
    ]
    assert made.left_out == 1
    assert codebook_from_dict(made.codebook)["path"].tolist() == ["Talk\\Greeting"]


def test_cases_and_variables_become_the_case_sheet():
    cases = pd.DataFrame(
        {"guid": ["c1"], "name": ["Site A"], "description": [""], "sector": ["NHS"]}
    )
    made = study_from_project(project(cases, case_guid=("c1", "")), "p.qdpx")
    assert made.cases.to_dict("records") == [
        {"case_id": "Interview-1", "case_name": "", "sector": ""},
        {"case_id": "Interview-2", "case_name": "Site A", "sector": "NHS"},
    ]
    assert made.attributes == []  # filled in for one case only: not charted by default


def test_two_sources_cannot_become_one_transcript():
    clash = project()
    clash.sources.loc[1, "name"] = "interview-2.txt"
    with pytest.raises(QualframeError, match="two sources would become the same transcript"):
        study_from_project(clash, "p.qdpx")


def test_new_study_from_transcripts_copies_them_and_lists_them(tmp_path, capsys):
    source = tmp_path / "raw"
    source.mkdir()
    (source / "P02.txt").write_text("Interviewer: Hi.\n")
    (source / "P01.txt").write_text("Interviewer: Hello.\n")
    study = tmp_path / "study"
    assert main(["new-study", str(study), "--transcripts", str(source)]) == 0
    assert sorted(p.name for p in (study / "transcripts").iterdir()) == ["P01.txt", "P02.txt"]
    assert (study / "cases.tsv").read_text() == "case_id\nP01\nP02\n"
    assert (study / "identifiers.tsv").stat().st_mode & 0o077 == 0
    assert (study / "transcripts").stat().st_mode & 0o077 == 0
    validate_config((study / "config.yaml").read_text())
    assert "2 transcripts; a case sheet with one row each to fill in" in capsys.readouterr().out


def test_new_study_refuses_a_folder_in_use(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["new-study", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: {tmp_path}: already exists and is not an empty folder"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_failed_new_study_leaves_nothing(tmp_path, capsys):
    assert main(["new-study", str(tmp_path / "s"), "--from-qdpx", str(tmp_path / "no.qdpx")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_coding_sheet_guess_names_what_it_could_not_find():
    sheet = pd.DataFrame(
        {
            "Interview": ["A01", "A01", "B02"],
            "Codes": ["career;teaching", "", "Teaching ; money"],
            "Utterance": [
                "I wanted to teach since I was small.",
                "Yeah.",
                "Money was tight back then, honestly.",
            ],
        }
    )
    guess = guess_sheet(sheet)
    assert guess.columns == {
        "transcript": "Interview",
        "code": "Codes",
        "coder": NOT_FOUND,
        "text": "Utterance",
    }
    assert guess.missing == ["coder"]
    assert guess.separator == ";"


def test_a_flat_codebook_of_the_codes_a_sheet_uses():
    cells = pd.Series(["career;teaching", "", "Teaching ; money", "Ca reer;Élan"])
    labels = codes_used(cells, ";")
    assert labels == ["career", "teaching", "money", "Ca reer", "Élan"]
    table = codebook_from_dict(flat_codebook(labels))
    assert table["code_id"].tolist() == ["career", "teaching", "money", "ca_reer", "elan"]
    assert table["code"].tolist() == labels
