"""pandera models of every table qualframe reads or publishes.

One model per stage, later stages inheriting earlier ones, so a column keeps one name
and one meaning through the whole chain. Offsets are Python character offsets into the
normalised text the row names, end exclusive.
"""

import re

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

ENTITY_TYPES = (
    "PERSON",
    "ORG",
    "LOCATION",
    "DATE",
    "PHONE",
    "EMAIL",
    "URL",
    "POSTCODE",
    "NHS_NUMBER",
    "NI_NUMBER",
    "AGE",
)
VALENCES = ("facilitator", "barrier", "mixed")
# a code without a valence has an empty one
VALENCE_VALUES = (*VALENCES, "")
REPLACEMENT_STYLES = ("numbered", "category", "surrogate")
# What de-identification writes in place of an identifier: "[PERSON_3]" (numbered style),
# "[PERSON]" (category style) and "[AGE]" for every age.
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*(?:_\d+)?\]")
NUMBERED_PLACEHOLDER = re.compile(r"\[(" + "|".join(ENTITY_TYPES) + r")_(\d+)\]")


def placeholder(entity_type: str, number: int | None = None) -> str:
    """Return "[TYPE_n]", or "[TYPE]" without a number."""
    return f"[{entity_type}]" if number is None else f"[{entity_type}_{number}]"


REVIEW_REASONS = (
    "unknown capitalised word",
    "known first name",
    "digit run",
    "low confidence",
    "detected, not replaced",
)
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class IngestedTranscript(pa.DataFrameModel):
    """One normalised raw transcript and the file it came from (restricted)."""

    transcript_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    source_file: Series[str]
    source_format: Series[str] = pa.Field(isin=("txt", "docx", "vtt"))
    source_bytes: Series[int] = pa.Field(ge=0)
    source_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    normalised_characters: Series[int] = pa.Field(ge=1)
    normalised_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    text: Series[str]
    # how `text` came from the text as read (ingest.normalise.IngestMaps): its length,
    # the edits turning it into LF text (BOM, line endings), the LF text's length and the
    # edits normalising that (JSON lists of [source_start, source_end, derived_start,
    # derived_end])
    read_characters: Series[int] = pa.Field(ge=0)
    line_ending_edits: Series[str]
    lf_characters: Series[int] = pa.Field(ge=0)
    normalise_edits: Series[str]

    class Config:
        strict = True
        ordered = True


class Span(pa.DataFrameModel):
    """A character span of one transcript."""

    transcript_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    start: Series[int] = pa.Field(ge=0)
    end: Series[int] = pa.Field(ge=0)

    @pa.dataframe_check(error="end must be greater than start")
    def end_after_start(cls, df):
        return df["end"] > df["start"]


class Detection(Span):
    """A candidate identifier found in a normalised transcript (restricted)."""

    entity_type: Series[str] = pa.Field(isin=ENTITY_TYPES)
    text: Series[str]
    detector: Series[str]
    confidence: Series[float] = pa.Field(ge=0, le=1)


class AnonymisationLog(Span):
    """One replacement made in one transcript (restricted).

    `start`/`end` address the normalised raw text, `deid_start`/`deid_end` the
    de-identified text, so offsets can be mapped in both directions.
    """

    entity_type: Series[str] = pa.Field(isin=ENTITY_TYPES)
    original: Series[str]
    replacement: Series[str]
    deid_start: Series[int] = pa.Field(ge=0)
    deid_end: Series[int] = pa.Field(ge=0)
    detector: Series[str]
    confidence: Series[float] = pa.Field(ge=0, le=1)


class GoldSpan(Span):
    """One identifier span of a gold annotation (restricted: it holds the identifier)."""

    entity_type: Series[str] = pa.Field(isin=ENTITY_TYPES)
    text: Series[str]


class PseudonymKey(pa.DataFrameModel):
    """The study's pseudonym key (restricted): one row per normalised entity mention.

    Rows sharing (entity_type, number) are one entity: "priya raman", "priya" and
    "raman" may all be PERSON 3. `replacement` is what that mention is replaced by in
    `style`, so a surrogate key maps "priya" to the surrogate's first name alone.
    """

    entity_type: Series[str] = pa.Field(isin=ENTITY_TYPES)
    entity: Series[str] = pa.Field(str_length={"min_value": 1})
    number: Series[int] = pa.Field(ge=1)
    replacement: Series[str] = pa.Field(str_length={"min_value": 1})
    style: Series[str] = pa.Field(isin=REPLACEMENT_STYLES)

    class Config:
        unique = ["entity_type", "entity"]

    @pa.dataframe_check(error="a key has one style throughout")
    def one_style(cls, df):
        return df["style"].nunique() <= 1


class ReviewCandidate(Span):
    """One place of a raw transcript a person should look at, and why (restricted)."""

    text: Series[str]
    reason: Series[str] = pa.Field(isin=REVIEW_REASONS)


class Codebook(pa.DataFrameModel):
    """The analytical framework: one row per codable code (at any depth), grouped by theme.

    `definition`, `valence` and the CFIR 2.0 mapping are empty when the codebook does not
    give them. `parent_id` is the code above (empty at the top level), `path` the names
    from the top level down joined by a backslash, `depth` 1 at the top level; a code's
    theme is itself or an ancestor.
    """

    theme_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    theme: Series[str] = pa.Field(str_length={"min_value": 1})
    code_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    code: Series[str] = pa.Field(str_length={"min_value": 1})
    definition: Series[str]
    valence: Series[str] = pa.Field(isin=VALENCE_VALUES)
    cfir_domain: Series[str]
    cfir_construct: Series[str]
    code_order: Series[int] = pa.Field(ge=0, unique=True)
    parent_id: Series[str]
    path: Series[str] = pa.Field(str_length={"min_value": 1})
    depth: Series[int] = pa.Field(ge=1)


class Cases(pa.DataFrameModel):
    """The case sheet: one row per participant; further columns are case attributes."""

    case_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)

    class Config:
        strict = False


class Segment(Span):
    """A coded segment located in the de-identified transcript (published).

    Here `start`/`end` address the de-identified text of `transcript_id`.
    """

    segment_id: Series[str] = pa.Field(unique=True)
    case_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    code_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    coder: Series[str] = pa.Field(str_length={"min_value": 1})
    paragraph: Series[int] = pa.Field(ge=1)
    text: Series[str] = pa.Field(str_length={"min_value": 1})
    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1)


class MatrixCell(pa.DataFrameModel):
    """One cell of the framework matrix: one case × one code (published)."""

    case_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    theme_id: Series[str]
    theme: Series[str]
    code_id: Series[str]
    code: Series[str]
    valence: Series[str] = pa.Field(isin=VALENCE_VALUES)
    n_segments: Series[int] = pa.Field(ge=0)
    n_coders: Series[int] = pa.Field(ge=0)
    coverage: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    rating: Series[pd.Int64Dtype] = pa.Field(ge=-2, le=2, nullable=True)
    charted_text: Series[str]
    excerpts: Series[str]
    segment_ids: Series[str]
    references: Series[str]
    summary: Series[str]
    summary_source: Series[str]

    class Config:
        strict = False  # case attributes are carried as extra columns
        unique = ["case_id", "code_id"]


class CellSummary(pa.DataFrameModel):
    """An analyst's summary of one matrix cell, typed in a charting workbook and
    de-identified (published). `cell` is the A1 address on `sheet` of `workbook`, whose
    SHA-256 is `workbook_sha256`; `replacements` counts what de-identification replaced."""

    case_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    code_id: Series[str] = pa.Field(str_matches=ID_PATTERN)
    summary: Series[str] = pa.Field(str_length={"min_value": 1})
    workbook: Series[str]
    workbook_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    sheet: Series[str]
    cell: Series[str] = pa.Field(str_matches=r"^[A-Z]{1,3}[1-9][0-9]*$")
    analyst: Series[str]
    replacements: Series[int] = pa.Field(ge=0)

    class Config:
        strict = True
        ordered = True


class ThemeOrCode(pa.DataFrameModel):
    """A row about a theme (code_id and code empty) or one of its codes."""

    level: Series[str] = pa.Field(isin=("theme", "code"))
    theme_id: Series[str]
    theme: Series[str]
    code_id: Series[str]
    code: Series[str]
    valence: Series[str]


class ThemeSummary(ThemeOrCode):
    """Reach of each theme and code, overall and within each group of cases (published)."""

    group_attribute: Series[str]
    group_value: Series[str]
    cases_in_group: Series[int] = pa.Field(ge=0)
    cases_coded: Series[int] = pa.Field(ge=0)
    share_cases: Series[float] = pa.Field(ge=0, le=1)
    segments: Series[int] = pa.Field(ge=0)

    @pa.dataframe_check(error="cases_coded cannot exceed cases_in_group")
    def coded_within_group(cls, df):
        return df["cases_coded"] <= df["cases_in_group"]


class CodePresence(pa.DataFrameModel):
    """Whether each code occurs in each case (published). A `coverage` column is carried
    when the matrix has one."""

    case_id: Series[str]
    code_id: Series[str]
    present: Series[bool]
    n_segments: Series[int] = pa.Field(ge=0)
    coverage: Series[float] | None = pa.Field(ge=0, le=1, nullable=True)

    class Config:
        unique = ["case_id", "code_id"]


class CodeCooccurrence(pa.DataFrameModel):
    """One pair of codes, code_a before code_b in codebook order (published)."""

    code_a: Series[str]
    code_b: Series[str]
    cases_a: Series[int] = pa.Field(ge=0)
    cases_b: Series[int] = pa.Field(ge=0)
    cases_both: Series[int] = pa.Field(ge=0)
    segments_overlapping: Series[int] = pa.Field(ge=0)
    jaccard_cases: Series[float] = pa.Field(ge=0, le=1, nullable=True)

    class Config:
        unique = ["code_a", "code_b"]

    @pa.dataframe_check(error="a pair cannot co-occur in more cases than either code reaches")
    def both_within_each(cls, df):
        return (df["cases_both"] <= df["cases_a"]) & (df["cases_both"] <= df["cases_b"])


class ExemplarQuote(pa.DataFrameModel):
    """One exemplar quote of one code (published)."""

    code_id: Series[str]
    rank: Series[int] = pa.Field(ge=1)
    segment_id: Series[str]
    case_id: Series[str]
    quote: Series[str] = pa.Field(str_length={"min_value": 1})
    reference: Series[str]
    centrality: Series[float] = pa.Field(ge=0, le=1, nullable=True)

    class Config:
        unique = ["code_id", "rank"]


class CodeProfile(ThemeOrCode):
    """Everything known about one theme or code, study-wide (published)."""

    cases: Series[int] = pa.Field(ge=0)
    share_cases: Series[float] = pa.Field(ge=0, le=1)
    segments: Series[int] = pa.Field(ge=0)
    top_cooccurring: Series[str]
    krippendorff_alpha: Series[float] = pa.Field(nullable=True)
    exemplars: Series[str]

    class Config:
        unique = ["theme_id", "code_id"]


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """A frame with no rows and the columns and types of `model`."""
    columns = model.to_schema().columns
    return pd.DataFrame({name: pd.Series(dtype=str(c.dtype)) for name, c in columns.items()})
