"""Codebooks as CAQDAS have them: any depth, parent codes codable, optional fields."""

import pandas as pd
import pytest

from qualframe.coding import ColumnMap, codebook_from_dict, locate_segments
from qualframe.coding.codebook import (
    code_id_from_name,
    codebook_dict_from_refi,
    codebook_from_table,
)
from qualframe.coding.codes import code_lookup, resolve_code
from qualframe.errors import QualframeError, ValidationFailed

# three levels, no valence or CFIR anywhere, one theme codable itself
DEEP = {
    "themes": [
        {
            "id": "careers",
            "name": "Careers",
            "codable": True,
            "codes": [
                {
                    "id": "teaching",
                    "name": "Teaching",
                    "codes": [
                        {"id": "primary", "name": "Primary school"},
                        {"id": "secondary", "name": "Secondary school", "definition": "11-18"},
                    ],
                },
                {"id": "mining", "name": "Mining"},
            ],
        },
        {
            "id": "family",
            "name": "Family",
            "codes": [{"id": "other_family", "name": "Other", "valence": "mixed"}],
        },
        {"id": "misc", "name": "Misc", "codes": [{"id": "other_misc", "name": "Other"}]},
    ]
}


def test_three_levels_flatten_in_order_with_paths():
    codebook = codebook_from_dict(DEEP)
    assert codebook["code_id"].tolist() == [
        "careers",
        "teaching",
        "primary",
        "secondary",
        "mining",
        "other_family",
        "other_misc",
    ]
    assert codebook["depth"].tolist() == [1, 2, 3, 3, 2, 2, 2]
    assert codebook["parent_id"].tolist() == [
        "",
        "careers",
        "teaching",
        "teaching",
        "careers",
        "family",
        "misc",
    ]
    assert codebook.loc[2, "path"] == "Careers\\Teaching\\Primary school"
    assert set(codebook["theme_id"]) == {"careers", "family", "misc"}
    # optional fields are empty when not given
    assert codebook.loc[0, ["definition", "valence", "cfir_domain"]].tolist() == ["", "", ""]
    assert codebook.loc[3, "definition"] == "11-18"
    assert codebook["code_order"].tolist() == list(range(7))


def test_theme_level_two_makes_second_level_codes_themes():
    codebook = codebook_from_dict(DEEP, theme_level=2).set_index("code_id")
    assert codebook.loc["primary", "theme_id"] == "teaching"
    assert codebook.loc["teaching", "theme"] == "Teaching"
    assert codebook.loc["mining", "theme_id"] == "mining"
    assert codebook.loc["careers", "theme_id"] == "careers"  # above the level: its own


def test_codable_false_keeps_a_grouping_out_of_the_table():
    grouped = {
        "themes": [
            {
                "id": "t",
                "name": "T",
                "codes": [
                    {"id": "g", "name": "G", "codable": False, "codes": [{"id": "c", "name": "C"}]}
                ],
            }
        ]
    }
    codebook = codebook_from_dict(grouped)
    assert codebook["code_id"].tolist() == ["c"]
    assert codebook.loc[0, ["parent_id", "path", "depth"]].tolist() == ["g", "T\\G\\C", 3]
    assert resolve_code("t > g > c", code_lookup(codebook)) == ("c", "")


def test_theme_without_codes_must_be_codable():
    with pytest.raises(QualframeError, match=r"cb, themes\[1\]: a theme needs codes"):
        codebook_from_dict({"themes": [{"id": "t", "name": "T"}]}, "cb")


def test_codes_resolve_by_id_name_and_every_path_spelling():
    lookup = code_lookup(codebook_from_dict(DEEP))
    for label in (
        "primary",
        "Primary school",
        "Careers\\Teaching\\Primary school",
        "careers > teaching > primary school",
        "Careers/Teaching/Primary  school",
        "Nodes\\Careers\\Teaching\\Primary school",
    ):
        assert resolve_code(label, lookup) == ("primary", ""), label
    assert resolve_code("Careers", lookup) == ("careers", "")
    assert resolve_code("Teaching", lookup) == ("teaching", "")


def test_a_name_two_codes_share_needs_a_path():
    lookup = code_lookup(codebook_from_dict(DEEP))
    code, problem = resolve_code("Other", lookup)
    assert code is None and problem.startswith("ambiguous code")
    assert resolve_code("Family > Other", lookup) == ("other_family", "")
    assert resolve_code("nothing", lookup)[1].startswith("unknown code")


def test_coding_on_a_parent_code_and_on_a_theme(texts):
    codebook = codebook_from_dict(DEEP)
    columns = ColumnMap("doc", "code", "coder", "text")
    export = pd.DataFrame(
        [
            ("A1", "Careers\\Teaching", "ES", "Our director backed us all the way."),
            ("A1", "Careers", "ES", "we could not recruit nurses"),
            ("A2", "Secondary school", "ES", "The money ran out in a year."),
        ],
        columns=["doc", "code", "coder", "text"],
    )
    segments = locate_segments(export, "coded.csv", columns, texts, codebook)
    assert segments["code_id"].tolist() == ["teaching", "careers", "secondary"]


def test_sheet_codebook_any_depth_without_optional_columns():
    sheet = pd.DataFrame(
        {
            "code_id": ["careers", "teaching", "primary", "family", "other"],
            "name": ["Careers", "Teaching", "Primary", "Family", "Other"],
            "parent_id": ["", "careers", "teaching", "", "family"],
            "codable": ["yes", "", "", "", ""],
        }
    )
    codebook = codebook_from_table(sheet, "codes.csv")
    assert codebook["code_id"].tolist() == ["careers", "teaching", "primary", "other"]
    assert codebook.loc[2, "path"] == "Careers\\Teaching\\Primary"


def test_sheet_codebook_bad_codable_cell():
    sheet = pd.DataFrame(
        {"code_id": ["t", "c"], "name": ["T", "C"], "parent_id": ["", "t"]}
    ).assign(codable=["", "maybe"])
    expected = "1 of 2 rows failed validation: 1 not true or false"
    with pytest.raises(ValidationFailed, match=expected):
        codebook_from_table(sheet, "codes.csv")


def test_refi_codebook_becomes_codebook_data():
    refi = pd.DataFrame(
        {
            "guid": ["a", "b", "c", "d"],
            "name": ["Élet út", "Munka", "Munka", "Család"],
            "parent_guid": ["", "a", "d", ""],
            "is_codable": [True, True, False, True],
            "description": ["", "Work and  jobs", "", ""],
            "depth": [0, 1, 1, 0],
        }
    )
    data = codebook_dict_from_refi(refi)
    assert [t["id"] for t in data["themes"]] == ["elet_ut", "csalad"]
    assert data["themes"][0]["codes"][0] == {
        "id": "munka",
        "name": "Munka",
        "definition": "Work and jobs",
        "codable": True,
    }
    assert data["themes"][1]["codes"][0]["id"] == "munka_2"
    codebook = codebook_from_dict(data)
    assert codebook["code_id"].tolist() == ["elet_ut", "munka", "csalad"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Career > Teaching", "career_teaching"), ("Ωμέγα", "code"), ("a.b-c", "a.b-c")],
)
def test_code_id_from_name(name, expected):
    assert code_id_from_name(name) == expected
