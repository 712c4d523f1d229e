"""Make a study folder to run with qualframe run.

`qualframe new-study DIR` makes a study folder with a commented config.yaml and the files
and folders it names, from a folder of transcripts or from a REFI-QDA project.
"""

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import yaml

from qualframe import io as qio
from qualframe.commands import options
from qualframe.errors import QualframeError
from qualframe.study import layout
from qualframe.study.layout import StudySettings


def register_parser(subparsers):
    parser = options.add_command(subparsers, "new-study", __doc__)
    options.add_study(parser, "the study folder to make (new or empty)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--transcripts", metavar="FOLDER", help="copy these raw transcripts into the study"
    )
    source.add_argument(
        "--from-qdpx",
        metavar="PROJECT",
        help="a REFI-QDA project (.qdpx) coded on the raw transcripts: its sources, "
        "codebook, cases and codings become the study's",
    )
    parser.add_argument(
        "--coding",
        metavar="SHEET",
        help="with --transcripts: coding done in a spreadsheet (.csv, .tsv, .xlsx) on those "
        "transcripts, copied in; its column mapping is guessed for you to check",
    )
    parser.add_argument(
        "--codebook",
        metavar="FILE",
        help="the study's codebook (YAML, CSV or TSV), copied in; with --coding and no "
        "codebook, a flat one is made of the codes the sheet uses",
    )
    return parser


def run(args) -> None:
    target = Path(args.study)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise QualframeError("already exists and is not an empty folder", path=str(target))
    if args.from_qdpx and args.codebook:
        raise QualframeError("--from-qdpx takes the project's own codebook: drop --codebook")
    if args.coding and not args.transcripts:
        raise QualframeError("--coding needs --transcripts: the transcripts it was done on")
    target.parent.mkdir(parents=True, exist_ok=True)
    # built beside the target and renamed into place: a failure leaves no half-made study
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        if args.from_qdpx:
            summary = fill_from_project(building, args.from_qdpx, str(target))
        else:
            summary = fill_from_transcripts(building, args, str(target))
        if target.exists():
            target.rmdir()
        building.rename(target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    print(f"{target}: {summary}")
    print(f"Next: check {target / layout.CONFIG}, then run  qualframe run {target} --cores 4")


def start_folder(folder: Path) -> None:
    """The parts every study has: the restricted transcripts folder, the coding folder, an
    empty identifier register and allow-list, and a .gitignore."""
    qio.make_restricted_dir(folder / layout.TRANSCRIPTS)
    (folder / layout.CODING).mkdir()
    (folder / layout.IDENTIFIERS).write_text(layout.REGISTER_HEADER, encoding="utf-8")
    (folder / layout.IDENTIFIERS).chmod(qio.RESTRICTED_FILE_MODE)
    (folder / layout.ALLOW_LIST).write_text(layout.ALLOW_LIST_TEXT, encoding="utf-8")
    (folder / ".gitignore").write_text(layout.GITIGNORE_TEXT, encoding="utf-8")


def write_sheet(frame, path: Path) -> None:
    """A sheet the team edits, tab-separated, values exactly as they are."""
    frame.to_csv(path, sep="\t", index=False, lineterminator="\n")


def write_config(folder: Path, settings: StudySettings) -> None:
    (folder / layout.CONFIG).write_text(layout.config_text(settings), encoding="utf-8")


def copy_codebook(folder: Path, codebook: str | None) -> str:
    """Copy the codebook the user named into the study; its path in the study, or ""."""
    if not codebook:
        return ""
    source = Path(codebook)
    if not source.is_file():
        raise QualframeError("no such codebook file", path=codebook)
    name = f"codebook{source.suffix.lower()}"
    shutil.copyfile(source, folder / name)
    return name


def fill_from_transcripts(folder: Path, args, target: str) -> str:
    """A study of the transcripts in args.transcripts (or none yet): copies them, and
    writes a case sheet with one row per transcript to fill in; with args.coding, the
    coding sheet too (fill_coding)."""
    from qualframe.ingest import discover_transcripts

    start_folder(folder)
    transcripts = discover_transcripts(args.transcripts) if args.transcripts else {}
    for path in transcripts.values():
        shutil.copy2(path, folder / layout.TRANSCRIPTS / Path(path).name)
    write_sheet(layout.blank_case_sheet(list(transcripts)), folder / layout.CASES)
    codebook = copy_codebook(folder, args.codebook)
    settings = StudySettings(folder=target, codebook=codebook)
    coded = ""
    if args.coding:
        settings, coded = fill_coding(folder, args.coding, settings)
    write_config(folder, settings)
    if not transcripts:
        return f"no transcripts yet: put them in {target}/{layout.TRANSCRIPTS}/"
    return f"{len(transcripts)} transcripts; a case sheet with one row each to fill in{coded}"


def fill_coding(folder: Path, sheet_path: str, settings: StudySettings):
    """Copy a coding sheet into the study and set the config to read it: the guessed
    column mapping and code separator, coding done on the raw transcripts, and a flat
    codebook of the codes it uses when the study has none. Returns the settings and a
    summary of what was guessed."""
    from qualframe.commands.readers import read_export
    from qualframe.study.from_sheet import codes_used, flat_codebook, guess_sheet

    source = Path(sheet_path)
    if source.suffix.lower() not in (".csv", ".tsv", ".xlsx"):
        raise QualframeError(
            "a coding sheet is .csv, .tsv or .xlsx (a .qdpx project: use --from-qdpx)",
            path=sheet_path,
        )
    sheet, _ = read_export(sheet_path, None)
    guess = guess_sheet(sheet)
    copied = f"{layout.CODING}/{source.name}"
    shutil.copyfile(source, folder / copied)
    (folder / copied).chmod(qio.RESTRICTED_FILE_MODE)
    codebook, made = settings.codebook, ""
    if not codebook and "code" not in guess.missing:
        labels = codes_used(sheet[guess.columns["code"]], guess.separator)
        (folder / layout.CODEBOOK).write_text(
            yaml.safe_dump(flat_codebook(labels), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        codebook = layout.CODEBOOK
        made = f"; a flat codebook of the {len(labels)} codes it uses"
    missing = f" No column was found for: {', '.join(guess.missing)}." if guess.missing else ""
    settings = replace(
        settings,
        codebook=codebook,
        exports=[copied],
        columns=guess.columns,
        code_separator=guess.separator,
        coded_on="raw",
        codebook_note=settings.codebook_note
        or (f"Made of the codes {source.name} uses: add themes, definitions." if made else ""),
        exports_note=f"{source.name}, coded on the raw transcripts (restricted: the quotes "
        "are not de-identified).",
        columns_note=f"GUESSED from {source.name}'s headers and contents: check each column "
        f"(and code_separator) before the first run.{missing}",
    )
    mapping = ", ".join(f"{field}={column!r}" for field, column in guess.columns.items())
    separator = f", codes separated by {guess.separator!r}" if guess.separator else ""
    read = f"{mapping}{separator}{made}"
    return settings, f"; coding from {source.name} ({len(sheet)} rows) read as {read}: check it"


def fill_from_project(folder: Path, project_path: str, target: str) -> str:
    """A study of everything the REFI-QDA project holds (qualframe.study.from_qdpx)."""
    from qualframe.commands.readers import read_project_file
    from qualframe.study.from_qdpx import CODED_COLUMNS, study_from_project

    made = study_from_project(read_project_file(project_path), project_path)
    start_folder(folder)
    for name, text in made.files.items():
        (folder / layout.TRANSCRIPTS / name).write_text(text, encoding="utf-8", newline="")
    write_sheet(made.cases, folder / layout.CASES)
    (folder / layout.CODEBOOK).write_text(
        yaml.safe_dump(made.codebook, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    coded = f"{layout.CODING}/{Path(project_path).stem}-codings.csv"
    qio.write_csv(made.coded, folder / coded, restricted=True)
    source = Path(project_path).name
    write_config(
        folder,
        StudySettings(
            folder=target,
            codebook=layout.CODEBOOK,
            exports=[coded],
            columns=dict(CODED_COLUMNS),
            coded_on="raw",
            attributes=made.attributes,
            codebook_note=f"Taken from {source}.",
            exports_note=f"The codings of {source}, made on the raw transcripts (restricted: "
            "the quotes are not de-identified).",
            columns_note="The columns of the codings taken from the project.",
        ),
    )
    left_out = f"; {made.left_out} codings of empty selections left out" if made.left_out else ""
    return (
        f"{len(made.files)} transcripts, {len(made.cases)} cases, "
        f"{count_codes(made.codebook)} codes, {len(made.coded)} codings from {source}{left_out}"
    )


def count_codes(codebook: dict) -> int:
    """How many codes a nested codebook holds, at every depth."""
    stack, count = list(codebook["themes"]), 0
    while stack:
        item = stack.pop()
        count += 1
        stack.extend(item.get("codes", []))
    return count
