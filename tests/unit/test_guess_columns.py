"""Guessing a coded-data sheet's column mapping from its headers and contents."""

from pathlib import Path

import pandas as pd
import pytest

from qualframe import io as qio
from qualframe.coding.columns import guess_code_separator, guess_column_mapping

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "coding" / "coded_segments.csv"


def test_demo_export_maxqda_style():
    mapping = guess_column_mapping(qio.read_csv(DEMO))
    assert mapping == {
        "transcript": "Document name",
        "code": "Code",
        "coder": "Created by",
        "text": "Segment",
    }


def test_team_sheet_by_contents_and_offsets():
    sheet = pd.DataFrame(
        {
            "Interview": ["OH1", "OH1", "OH1", "OH2"],
            "Speaker turn": [
                "I went down the pit at fourteen, like my father before me.",
                "Yeah.",
                "Then the strike came and everything changed for the village.",
                "We taught in the chapel school for years and years after.",
            ],
            "Codes": ["career;mining", "", "strike", "teaching;career"],
            "Who coded": ["AB", "AB", "AB", "CD"],
            "Start": ["0", "60", "66", "0"],
            "End": ["58", "65", "128", "57"],
        }
    )
    assert guess_column_mapping(sheet) == {
        "transcript": "Interview",
        "code": "Codes",
        "coder": "Who coded",
        "text": "Speaker turn",
        "start": "Start",
        "end": "End",
    }
    assert guess_code_separator(sheet["Codes"]) == ";"


@pytest.mark.parametrize(
    ("cells", "expected"), [(["a", "b"], ""), (["a|b", "c"], "|"), (["a, b"], ",")]
)
def test_code_separator(cells, expected):
    assert guess_code_separator(pd.Series(cells)) == expected


def test_paragraph_numbers_are_not_offsets():
    sheet = pd.DataFrame(
        {"Document": ["A"], "Code": ["x"], "Segment": ["Some words."], "Begin": ["3"], "End": ["4"]}
    )
    assert guess_column_mapping(sheet) == {
        "transcript": "Document",
        "code": "Code",
        "text": "Segment",
    }
