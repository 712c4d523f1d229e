"""A study made from a REFI-QDA project: its text sources become the raw transcripts, its
codebook the study codebook, its cases and variables the case sheet, and its codings the
coded data, done on the raw transcripts and located by the project's own offsets."""

from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from qualframe.coding.codebook import codebook_dict_from_refi
from qualframe.errors import QualframeError
from qualframe.ingest.discover import transcript_id_of
from qualframe.refi.read import RefiProject
from qualframe.schemas import Cases

# A source name ending in one of these names a document: the extension is not part of
# the transcript's name (REFI-QDA exports name sources "P01.docx" or "P01").
DOCUMENT_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".vtt", ".md")
CASE_NAME = "case_name"
# the coded data's columns, and the column mapping that reads them
CODED_COLUMNS = {
    "transcript": "document",
    "code": "code",
    "coder": "coder",
    "text": "text",
    "start": "start",
    "end": "end",
}
UNNAMED_CODER = "unnamed"


@dataclass(frozen=True)
class ProjectStudy:
    """A project's content as a study's files.

    `files` maps transcript file name → raw text; `codebook` is the nested codebook
    (YAML as a dict); `cases` the case sheet; `attributes` its attribute columns filled
    in for every case; `coded` the coded data (columns CODED_COLUMNS); `left_out` the
    number of codings of empty selections, which hold no text to chart."""

    files: dict[str, str]
    codebook: dict
    cases: pd.DataFrame
    attributes: list[str]
    coded: pd.DataFrame
    left_out: int


def transcript_file_name(source_name: str) -> str:
    """The file a text source is written to: its name without a document extension and
    without path separators, as .txt."""
    base = source_name.strip()
    if base.lower().endswith(DOCUMENT_SUFFIXES):
        base = base[: base.rindex(".")]
    base = base.replace("/", "_").replace("\\", "_").lstrip(". ~$")
    return f"{base or 'source'}.txt"


def transcript_files(sources: pd.DataFrame, project_name: str) -> dict[str, str]:
    """{source GUID: transcript file name} for the project's text sources. Raises
    QualframeError when two sources would become the same transcript."""
    names: dict[str, str] = {}
    taken: dict[str, str] = {}
    for source in sources.itertuples(index=False):
        file_name = transcript_file_name(source.name)
        transcript_id = transcript_id_of(PurePosixPath(file_name)).casefold()
        if transcript_id in taken:
            raise QualframeError(
                f"two sources would become the same transcript {file_name!r}: "
                f"{taken[transcript_id]!r} and {source.name!r}; rename one in your CAQDAS",
                path=project_name,
            )
        taken[transcript_id] = source.name
        names[source.guid] = file_name
    return names


def codable_tree(codebook: pd.DataFrame, coded: set[str]) -> pd.DataFrame:
    """The project's codebook (refi table) as the study keeps it: a code with codings is
    codable whatever the project says, and a grouping that holds nothing codable at any
    depth is left out."""
    codebook = codebook.assign(is_codable=codebook["is_codable"] | codebook["guid"].isin(coded))
    parents = dict(zip(codebook["guid"], codebook["parent_guid"], strict=True))
    kept: set[str] = set()
    for guid in codebook.loc[codebook["is_codable"], "guid"]:
        while guid and guid not in kept:
            kept.add(guid)
            guid = parents.get(guid, "")
    return codebook[codebook["guid"].isin(kept)].reset_index(drop=True)


def project_codebook(project: RefiProject) -> dict:
    """A project's codebook as the study's codebook YAML (as data): every depth, ids made
    from the names, the codes it has codings on codable (codable_tree)."""
    coded = set(project.segments["code_guid"])
    return codebook_dict_from_refi(codable_tree(project.codebook, coded))


def case_sheet(project: RefiProject, ids: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """One row per transcript: its id as case_id and, when the project has cases, the
    name and variables of the (first) case holding its source. Returns the sheet and its
    attribute columns that are filled in for every transcript."""
    sheet = pd.DataFrame({Cases.case_id: [ids[guid] for guid in project.sources["guid"]]})
    if project.cases.empty:
        return sheet.sort_values(Cases.case_id, ignore_index=True), []
    cases = project.cases.set_index("guid")
    variables = [c for c in cases.columns if c not in ("name", "description", Cases.case_id)]
    case_of = project.sources["case_guid"].tolist()
    name_column = CASE_NAME if CASE_NAME not in variables else f"refi_{CASE_NAME}"
    sheet[name_column] = [cases.at[g, "name"] if g in cases.index else "" for g in case_of]
    for variable in variables:
        sheet[variable] = [cases.at[g, variable] if g in cases.index else "" for g in case_of]
    sheet = sheet.fillna("").astype(str).sort_values(Cases.case_id, ignore_index=True)
    complete = [c for c in sheet.columns[1:] if (sheet[c].str.strip() != "").all()]
    return sheet, complete


def coded_data(project: RefiProject, ids: dict[str, str]) -> pd.DataFrame:
    """The project's codings as coded data on the raw transcripts: transcript id, code
    path (`a\\b\\c`), coder, quote and the project's offsets, one row per coding, in the
    project's order. Codings of empty selections are left out."""
    paths = project.codebook.set_index("guid")["path"]
    segments = project.segments[project.segments["end"] > project.segments["start"]]
    coder = segments["coder"].where(segments["coder"].str.strip() != "", UNNAMED_CODER)
    return pd.DataFrame(
        {
            "document": segments["source_guid"].map(ids),
            "code": segments["code_guid"].map(paths),
            "coder": coder,
            "text": segments["text"],
            "start": segments["start"].astype(str),
            "end": segments["end"].astype(str),
        }
    ).reset_index(drop=True)


def study_from_project(project: RefiProject, project_name: str) -> ProjectStudy:
    """Everything a REFI-QDA project holds, as a study's files (see ProjectStudy).
    Raises QualframeError for a project without text sources or with two sources that
    would become one transcript."""
    if project.sources.empty:
        raise QualframeError("the project holds no text sources", path=project_name)
    files = transcript_files(project.sources, project_name)
    ids = {guid: transcript_id_of(PurePosixPath(name)) for guid, name in files.items()}
    coded = coded_data(project, ids)
    codebook = project_codebook(project)
    cases, attributes = case_sheet(project, ids)
    texts = dict(zip(project.sources["guid"], project.sources["text"], strict=True))
    return ProjectStudy(
        files={files[guid]: texts[guid] for guid in files},
        codebook=codebook,
        cases=cases,
        attributes=attributes,
        coded=coded,
        left_out=len(project.segments) - len(coded),
    )
