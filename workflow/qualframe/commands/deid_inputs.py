"""What the de-identification commands read besides the texts: the allow-list, the
identifier register, the pseudonym key and the NER pipeline; and what they print."""

from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.errors import QualframeError


def read_allow_list(path: str | None) -> list[str]:
    """The built-in allow-list plus a study's terms (one a line, # starts a comment)."""
    from qualframe.deid import DEFAULT_ALLOW_LIST, parse_allow_list

    study_terms = parse_allow_list(qio.read_text(path)) if path else []
    return [*DEFAULT_ALLOW_LIST, *study_terms]


def read_register(path: str | None):
    from qualframe.deid import build_register

    terms = qio.read_tsv(path) if path else pd.DataFrame({"term": [], "entity_type": []})
    try:
        return build_register(terms)
    except ValueError as exc:
        raise QualframeError(str(exc), path=path) from exc


def load_ner_model(model: str, batch_size: int, enabled: bool = True):
    """The NER pipeline, or None when NER is off; a missing model is a clear error."""
    if not enabled:
        return None
    from qualframe.deid import load_ner

    try:
        return load_ner(model, batch_size=batch_size)
    except ValueError as exc:
        raise QualframeError(str(exc)) from exc


def team_strings(codebook=None, cases=None) -> list[str]:
    """What the team wrote in the study's codebook (any form import-coding reads) and case
    sheet: names, definitions, cells (none without them)."""
    from qualframe.commands.readers import read_codebook
    from qualframe.deid.team import case_strings, codebook_strings

    strings = codebook_strings(read_codebook(codebook)) if codebook else []
    return strings + (case_strings(qio.read_tsv(cases)) if cases else [])


def codebook_vocabulary(path) -> frozenset[str]:
    """The vocabulary of the study's codebook (none without one)."""
    from qualframe.deid.team import vocabulary

    return vocabulary(team_strings(codebook=path))


def read_key(path: str | Path) -> pd.DataFrame | None:
    """The study's pseudonym key, or None before the first run."""
    return qio.read_csv(path) if Path(path).exists() else None


def read_evidence(path: str | Path) -> pd.DataFrame:
    """The propagation evidence `qualframe pseudonymise` wrote (restricted), its counts as
    integers and its verdicts as booleans again."""
    from qualframe.deid.propagate import evidence_frame

    frame = qio.read_csv(path)
    frame["propagated"] = frame["propagated"] == "True"
    return evidence_frame(frame.itertuples(index=False))


LANGUAGE_COLUMNS = ["transcript_id", "languages"]


def write_languages(texts: dict, path: str | Path) -> None:
    """Write each transcript's languages, main first (`language.text_languages`), as CSV
    (restricted): transcript_id, languages separated by spaces."""
    from qualframe.deid.language import text_languages

    rows = [(tid, " ".join(text_languages(text))) for tid, text in sorted(texts.items())]
    qio.write_restricted_csv(pd.DataFrame(rows, columns=LANGUAGE_COLUMNS), path)


def read_languages(paths: list[str]) -> dict[str, tuple[str, ...]]:
    """{transcript id: its languages, main first} from the files `write_languages` wrote."""
    found: dict[str, tuple[str, ...]] = {}
    for path in paths:
        frame = qio.read_csv(path)
        if list(frame.columns) != LANGUAGE_COLUMNS:
            raise QualframeError(
                f"expected the columns {', '.join(LANGUAGE_COLUMNS)}", path=str(path)
            )
        found |= {
            tid: tuple(languages.split())
            for tid, languages in zip(frame["transcript_id"], frame["languages"], strict=True)
        }
    return found


def count_by_type(frame: pd.DataFrame) -> str:
    counts = frame["entity_type"].value_counts().sort_index()
    return ", ".join(f"{n} {t}" for t, n in counts.items()) or "none"


def language_notes(texts: dict, ner_enabled: bool, known: dict | None = None) -> list[str]:
    """Sentences naming the transcripts in a language without a named-entity pipeline;
    `known`: the languages `read_languages` read, not identified again."""
    from qualframe.deid.language import language_notes as notes
    from qualframe.deid.ner import pipeline_installed

    return notes(texts, pipeline_installed, known) if ner_enabled else []


def print_notes(notes: list[str]) -> None:
    for note in notes:
        print(f"note: {note}")
