"""End to end with a codebook as a CAQDAS has it: three levels, codings on a theme and on a
parent code, no valence or CFIR fields, several codes in one cell."""

import pandas as pd
import pytest
import yaml

from tests.e2e.helpers import run_snakemake
from tests.e2e.test_small_study import make_study

pytestmark = pytest.mark.e2e

CODEBOOK = {
    "themes": [
        {
            "id": "people",
            "name": "People",
            "codable": True,
            "codes": [
                {
                    "id": "staff",
                    "name": "Staff",
                    "codes": [
                        {"id": "leadership", "name": "Leadership"},
                        {"id": "workforce", "name": "Workforce", "definition": "Staffing."},
                    ],
                }
            ],
        },
        {"id": "money", "name": "Money", "codes": [{"id": "funding", "name": "Funding"}]},
    ]
}
CODED = [
    ("S01", "People\\Staff\\Leadership", "ES", "Our director backed the café from day one."),
    ("S01", "Staff", "ES", "we could not recruit nurses for months."),
    ("S02", "Funding;People", "ES", "The money ran out after a year though."),
    ("S03", "People > Staff > Workforce", "ES", "Staff left in the first winter."),
]


def test_three_level_codebook_without_valence_end_to_end(tmp_path):
    folder = make_study(tmp_path, CODEBOOK, CODED)
    config_path = folder / "config/config.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["coding"]["code_separator"] = ";"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    run = run_snakemake(folder)
    assert run.returncode == 0, run.stderr[-3000:]

    codebook = pd.read_parquet(folder / "results/coding/codebook.parquet")
    assert codebook["code_id"].tolist() == ["people", "staff", "leadership", "workforce", "funding"]
    assert set(codebook["valence"]) == {""}
    segments = pd.read_parquet(folder / "results/coding/segments.parquet")
    assert sorted(segments["code_id"]) == ["funding", "leadership", "people", "staff", "workforce"]

    matrix = pd.read_parquet(folder / "results/matrix/framework_matrix.parquet")
    assert len(matrix) == 3 * 5
    coded = matrix[matrix["n_segments"] > 0].set_index(["case_id", "code_id"])["n_segments"]
    assert coded.to_dict() == {
        ("S01", "leadership"): 1,
        ("S01", "staff"): 1,
        ("S02", "people"): 1,
        ("S02", "funding"): 1,
        ("S03", "workforce"): 1,
    }
    summary = pd.read_parquet(folder / "results/themes/theme_summary.parquet")
    people = summary.query("group_attribute == 'all' and level == 'theme' and theme_id == 'people'")
    assert people[["cases_coded", "valence"]].values.tolist() == [[3, ""]]
    report = (folder / "results/report/study_report.html").read_text()
    assert "<h3 id='theme-people'>People</h3>" in report
    assert "Valence</th>" not in report  # no code has one: no column of blanks
