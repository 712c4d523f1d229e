"""The sheets a team edits (case sheet, codebook, identifier register), checked when the
workflow loads, like its config: a mistake stops the run before any step has run, with
the file, row and column of each problem (never a cell's value)."""

from collections.abc import Iterable, Mapping

import pandas as pd

from qualframe.errors import QualframeError, ValidationFailed

SHOWN_PROBLEMS = 5


def describe_failures(exc: ValidationFailed) -> str:
    """A ValidationFailed as one line: its summary, then where the first problems are
    (row, column, problem; the values stay out, they may identify someone)."""
    places = []
    for record in exc.report.head(SHOWN_PROBLEMS).itertuples(index=False):
        row = "" if pd.isna(record.row) else f"row {int(record.row)}, "
        places.append(f"{row}column {record.column}: {record.problem}")
    more = len(exc.report) - len(places)
    tail = f"; and {more} more" if more > 0 else ""
    return f"{exc} ({'; '.join(places)}{tail})"


def transcripts_without_case_rows(case_ids: Iterable[str], transcript_ids: Iterable[str]) -> list:
    """The transcripts that have no row in the case sheet, sorted."""
    return sorted(set(transcript_ids) - set(case_ids))


def check_study_sheets(config: Mapping, transcript_ids: Iterable[str]) -> None:
    """Validate the study's case sheet, codebook and identifier register as the steps will
    read them, and that every transcript has a case row.

    `config` is the validated workflow config; `transcript_ids` the transcripts found.
    Raises QualframeError naming the file and the first problems.
    """
    from qualframe.coding import load_cases
    from qualframe.commands.deid_inputs import read_register
    from qualframe.commands.readers import read_case_sheet, read_codebook

    study = config["study"]
    if config["coding"]["exports"] and not study["codebook"]:
        raise QualframeError(
            "study.codebook is empty but coding.exports names coded data: name the codebook"
        )
    try:
        read_register(study["identifiers"])
        if study["codebook"]:
            read_codebook(study["codebook"], study.get("theme_level", 1))
        cases = load_cases(
            read_case_sheet(study["cases"]),
            study["cases"],
            config["matrix"]["case_attributes"],
            study.get("case_attributes", {}),
        )
    except ValidationFailed as exc:
        raise QualframeError(describe_failures(exc)) from exc
    missing = transcripts_without_case_rows(cases["case_id"], transcript_ids)
    if missing:
        shown = ", ".join(missing[:SHOWN_PROBLEMS])
        more = f" and {len(missing) - SHOWN_PROBLEMS} more" if len(missing) > SHOWN_PROBLEMS else ""
        raise QualframeError(
            f"{len(missing)} transcript(s) without a case row: {shown}{more}; add a row "
            "for each, its transcript id as case_id",
            path=study["cases"],
        )
