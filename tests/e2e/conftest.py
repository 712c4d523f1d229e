"""The demo study run once per test session, in a temporary working directory."""

from pathlib import Path

import pytest
import yaml

from tests.e2e.helpers import REPO, run_snakemake, write_config


def make_demo_run(folder: Path) -> Path:
    """Run the workflow on the bundled demo study with `folder` as working directory."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    for key, value in config["study"].items():
        if isinstance(value, str):  # paths; case_attributes is a mapping
            config["study"][key] = str(REPO / value)
    config["coding"]["exports"] = [str(REPO / p) for p in config["coding"]["exports"]]
    write_config(folder, config)
    run = run_snakemake(folder)
    assert run.returncode == 0, run.stderr[-3000:]
    return folder


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    return make_demo_run(tmp_path_factory.mktemp("demo"))
