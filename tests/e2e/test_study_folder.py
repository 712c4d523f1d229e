"""A study of one's own: a config named with --configfile, and a study folder run with
`qualframe run` outside the checkout."""

import pandas as pd
import pytest
import yaml

from tests.e2e.helpers import run_snakemake
from tests.e2e.test_small_study import make_study

pytestmark = pytest.mark.e2e


def test_configfile_names_a_study_config(tmp_path, codebook_dict):
    """`snakemake --configfile my_study.yaml` runs the study that config describes. A
    config at config/config.yaml (in the checkout: the demo's) is not merged into it: the
    one planted here would stop the run, its region not being an integer."""
    folder = make_study(tmp_path, codebook_dict)
    own = folder / "my_study.yaml"
    (folder / "config" / "config.yaml").rename(own)
    planted = {"study": {"case_attributes": {"region": {"type": "integer"}}}}
    (folder / "config" / "config.yaml").write_text(yaml.safe_dump(planted), encoding="utf-8")

    run = run_snakemake(folder, "--configfile", str(own))
    assert run.returncode == 0, run.stderr[-3000:]
    matrix = pd.read_parquet(folder / "results/matrix/framework_matrix.parquet")
    assert matrix.groupby("case_id")["n_segments"].sum().to_dict() == {"S01": 2, "S02": 1, "S03": 1}
    manifest = (folder / "results/provenance/manifest.json").read_text(encoding="utf-8")
    assert "my_study.yaml" in manifest
