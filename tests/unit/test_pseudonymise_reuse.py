"""What pseudonymise takes from earlier steps instead of finding it again (the
transcripts' languages, from detect) changes nothing it writes."""

import pandas as pd
import pytest

from qualframe.cli import main
from qualframe.commands.deid_inputs import read_languages
from qualframe.deid.language import text_languages
from tests.unit.cli_study import detected_study

TEXTS = {
    "P01": "We met Kirsty and Dave at Zedcorp Partners in 2019. Kirsty runs the café.",
    "P02": "Then Lowenna rang 0113 496 0123 about the café. Nous avons parlé avec Kirsty.",
    "P03": "Nothing to see here, said Dave.",
}


@pytest.fixture
def detected(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return detected_study(tmp_path, TEXTS, "--output-languages", "r/languages.csv")


def pseudonymised(texts: list[str], name: str, *extra: str) -> tuple[dict, str, str]:
    command = ["pseudonymise", "--texts", *texts, "--detections", "d.parquet"]
    command += ["--allow-list", "allow.txt", "--output", f"{name}/deid"]
    command += ["--output-log", f"{name}/log.csv", "--key", f"{name}/key.csv"]
    command += ["--output-evidence", f"{name}/evidence.csv", *extra]
    assert main(command) == 0
    written = {tid: open(f"{name}/deid/{tid}.txt", encoding="utf-8").read() for tid in TEXTS}
    return written, open(f"{name}/log.csv").read(), open(f"{name}/evidence.csv").read()


def test_detect_writes_each_transcripts_languages(detected):
    assert read_languages(["r/languages.csv"]) == {
        tid: text_languages(text) for tid, text in TEXTS.items()
    }


def test_languages_from_detect_change_nothing_pseudonymise_writes(detected):
    found_here = pseudonymised(detected, "here")
    assert found_here == pseudonymised(detected, "reused", "--languages", "r/languages.csv")
    assert "[PERSON_" in found_here[0]["P03"]


def test_a_transcript_the_languages_do_not_name_has_them_found(detected):
    frame = pd.read_csv("r/languages.csv")
    frame[frame["transcript_id"] != "P02"].to_csv("r/some.csv", index=False)
    assert pseudonymised(detected, "here") == pseudonymised(
        detected, "some", "--languages", "r/some.csv"
    )


def test_a_languages_file_with_other_columns_is_refused(detected, capsys):
    pd.DataFrame({"id": ["P01"]}).to_csv("r/bad.csv", index=False)
    command = ["pseudonymise", "--texts", *detected, "--detections", "d.parquet"]
    command += ["--allow-list", "allow.txt", "--output", "x/deid", "--output-log", "x/log.csv"]
    command += ["--key", "x/key.csv", "--languages", "r/bad.csv"]
    assert main(command) == 1
    assert "r/bad.csv" in capsys.readouterr().err
