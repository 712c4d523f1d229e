"""A small study in the current folder, detected by the `qualframe detect` command
(rules only): the start of the command-line tests of the steps after detection."""

from qualframe.cli import main


def detected_study(folder, texts: dict[str, str], *detect_options: str) -> list[str]:
    """Write `texts` (transcript id -> text), an empty allow-list and a register naming
    "Dave" into `folder` (the current folder), run detect into d.parquet; return the
    transcripts' file names."""
    for tid, text in texts.items():
        (folder / f"{tid}.txt").write_text(text, encoding="utf-8")
    (folder / "allow.txt").write_text("", encoding="utf-8")
    (folder / "register.tsv").write_text("term\tentity_type\nDave\tPERSON\n", encoding="utf-8")
    names = [f"{tid}.txt" for tid in texts]
    detect = ["detect", "--input", *names, "--register", "register.tsv"]
    detect += ["--allow-list", "allow.txt", "--no-ner", "--output", "d.parquet"]
    assert main([*detect, *detect_options]) == 0
    return names
