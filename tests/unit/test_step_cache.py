"""The steps' cache of their earlier work: an entry is found only under the key of exactly
the inputs, settings and code it was computed from; anything else is computed again, and
what the steps write is the same with the cache, without it, cold or warm."""

import stat
import zipfile
from pathlib import Path
from unittest.mock import ANY

import pytest

from qualframe import provenance
from qualframe.cli import main
from qualframe.step_cache import StepCache, digest
from tests.unit.cli_study import detected_study


@pytest.fixture
def cache(tmp_path):
    return StepCache(tmp_path / "cache", "pseudonymise", "setting")


def test_a_value_is_found_under_its_key_only(cache):
    key = cache.key("kept", "P01", "text digest")
    assert cache.get(key) is None
    cache.put(key, [[1, 2, "PERSON", "Kirsty", ["ner"], 0.85]])
    assert cache.get(key) == [[1, 2, "PERSON", "Kirsty", ["ner"], 0.85]]
    for other in (
        cache.key("kept", "P01", "another text digest"),
        cache.key("kept", "P02", "text digest"),
        cache.key("term_spans", "P01", "text digest"),
        StepCache(cache.folder, "pseudonymise", "another setting").key(
            "kept", "P01", "text digest"
        ),
        StepCache(cache.folder, "review", "setting").key("kept", "P01", "text digest"),
    ):
        assert other != key and cache.get(other) is None


def test_the_code_version_is_part_of_every_key(tmp_path, monkeypatch):
    before = StepCache(tmp_path, "review").key("page", "0001")
    monkeypatch.setattr(provenance, "code_digest", lambda step: "edited")
    assert StepCache(tmp_path, "review").key("page", "0001") != before


def test_a_corrupt_or_misplaced_entry_is_computed_again(cache):
    key, other = cache.key("a"), cache.key("b")
    cache.put(key, "right")
    cache.path(key).write_text("{not json", encoding="utf-8")
    assert cache.get(key) is None
    cache.put(other, "other")
    cache.path(key).write_bytes(cache.path(other).read_bytes())  # written for another key
    assert cache.get(key) is None
    assert cache.fetch(key, lambda: "computed") == "computed" == cache.get(key)


def test_without_a_folder_nothing_is_kept(tmp_path):
    cache = StepCache(None, "review")
    assert cache.fetch(cache.key("a"), lambda: 1) == 1
    assert cache.get(cache.key("a")) is None
    assert list(tmp_path.iterdir()) == []


def test_entries_are_owner_only_and_pruned_to_the_run(cache):
    old = cache.key("old")
    cache.put(old, 1)
    (cache.folder / ".partial.json.x.tmp").write_text("", encoding="utf-8")
    assert stat.S_IMODE(cache.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.path(old).stat().st_mode) == 0o600
    later = StepCache(cache.folder, "pseudonymise", "setting")
    kept = later.key("kept")
    later.put(kept, 2)
    later.prune()
    assert sorted(p.name for p in cache.folder.iterdir()) == [f"{kept}.json"]


def test_the_digest_tells_values_apart():
    assert digest("a", ["b"]) != digest("a", "b") != digest(["a", "b"])
    assert digest({"x": 1, "y": 2}) == digest({"y": 2, "x": 1})


TEXTS = {
    "P01": "We met Kirsty and Dave at Zedcorp Partners in 2019. Kirsty runs the café.",
    "P02": "Then Lowenna rang 0113 496 0123 about the café. Dave said so.",
    "P03": "Nothing to see here, said Kirsty to Dave.",
}


def written(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pseudonymise_and_review(study: list[str], out: str, *cache: str) -> dict[str, bytes]:
    """Run pseudonymise and review on the detected study into `out` (its own key), with
    the cache options given; return the bytes of what they wrote."""
    command = ["pseudonymise", "--texts", *study, "--detections", "d.parquet"]
    command += ["--allow-list", "allow.txt", "--output", f"{out}/deid"]
    command += ["--output-log", f"{out}/log.csv", "--key", f"{out}/key.csv"]
    command += ["--output-evidence", f"{out}/evidence.csv"]
    assert main([*command, *[c.replace("STEP", "pseudonymise") for c in cache]]) == 0
    review = ["review", "--texts", *study, "--detections", "d.parquet", "--log", f"{out}/log.csv"]
    review += ["--allow-list", "allow.txt", "--evidence", f"{out}/evidence.csv"]
    review += ["--output", f"{out}/review.csv", "--output-pages", f"{out}/pages"]
    assert main([*review, *[c.replace("STEP", "review") for c in cache]]) == 0
    return written(Path(out))


def test_pseudonymise_and_review_write_the_same_with_the_cache_cold_or_warm(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    study = detected_study(tmp_path, TEXTS)
    without = pseudonymise_and_review(study, "none")
    assert pseudonymise_and_review(study, "cold", "--cache", "cache/STEP") == without
    assert pseudonymise_and_review(study, "warm", "--cache", "cache/STEP") == without
    # an edit adds a name to one transcript: the term list changes, the rest is reused
    texts = dict(TEXTS, P02=TEXTS["P02"] + " Ask Orla Penhaligon, Kirsty says.")
    study = detected_study(tmp_path, texts)
    fresh = pseudonymise_and_review(study, "fresh")
    assert fresh != without
    assert pseudonymise_and_review(study, "edited", "--cache", "cache/STEP") == fresh


def leak_scan(tmp_path, out: str, *cache: str) -> tuple[int, bytes, str]:
    """Run the leak scan of `results/` into `out`; return its exit code, its findings and
    the summary of its cache (empty without one)."""
    args = ["leak-scan", "--log", "log.csv", "--allow-list", "allow.txt", "--scan", "results"]
    args += ["--output", f"{out}/summary.json", "--output-findings", f"{out}/findings.csv"]
    code = main([*args, *cache])
    return code, (tmp_path / out / "findings.csv").read_bytes()


def test_the_leak_scan_finds_the_same_with_the_cache_per_file_and_per_part(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "allow.txt").write_text("", encoding="utf-8")
    log = "transcript_id,start,end,deid_start,deid_end,entity_type,original,replacement\n"
    (tmp_path / "log.csv").write_text(log + "P01,0,5,0,10,LOCATION,Wigan,[LOCATION_1]\n")
    results = tmp_path / "results"
    results.mkdir()
    (results / "P01.txt").write_text("We asked Okonkwo about [LOCATION_1].\n")

    def project(second: str) -> None:
        with zipfile.ZipFile(results / "project.qdpx", "w") as archive:
            archive.writestr("sources/a.txt", "Nothing here but Zoltan.\n")
            archive.writestr("sources/b.txt", second)

    project("Still nothing.\n")
    without = leak_scan(tmp_path, "none")
    assert leak_scan(tmp_path, "cold", "--cache", "c") == without == (0, ANY)
    capsys.readouterr()
    assert leak_scan(tmp_path, "warm", "--cache", "c") == without
    assert "parts: 2 reused from the cache, 0 computed" in capsys.readouterr().out
    project("Back in Wigan, Zoltan said.\n")  # one part changed: a leak
    edited = leak_scan(tmp_path, "edited", "--cache", "c")
    # the unchanged transcript and the project's unchanged member came from the cache
    assert "parts: 2 reused from the cache, 2 computed" in capsys.readouterr().out
    assert edited == leak_scan(tmp_path, "fresh") == (1, ANY)
