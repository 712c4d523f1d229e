"""pandera models of every table qualframe reads or publishes.

One model per stage, later stages inheriting earlier ones, so a column keeps one name
and one meaning through the whole chain. Offsets are Python character offsets into the
normalised text the row names, end exclusive.
"""

import re
from functools import partial

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

# Fields that recur across the models, each defined once.
IdField = partial(pa.Field, str_matches=ID_PATTERN)  # a transcript, case or code id
Sha256Field = partial(pa.Field, str_matches=r"^[0-9a-f]{64}$")
CountField = partial(pa.Field, ge=0)  # also an offset
ShareField = partial(pa.Field, ge=0, le=1)  # a share, confidence or coverage
NumberField = partial(pa.Field, ge=1)  # a count or number from 1: row, paragraph, rank
TextField = partial(pa.Field, str_length={"min_value": 1})  # text that is never empty
EntityTypeField = partial(pa.Field, isin=ENTITY_TYPES)
ValenceField = partial(pa.Field, isin=VALENCE_VALUES)


class IngestedTranscript(pa.DataFrameModel):
    """One normalised raw transcript and the file it came from (restricted)."""

    transcript_id: Series[str] = IdField(unique=True)
    source_file: Series[str]
    source_format: Series[str] = pa.Field(isin=("txt", "docx", "vtt"))
    source_bytes: Series[int] = CountField()
    source_sha256: Series[str] = Sha256Field()
    normalised_characters: Series[int] = NumberField()
    normalised_sha256: Series[str] = Sha256Field()
    text: Series[str]
    # how `text` came from the text as read (ingest.normalise.IngestMaps): its length,
    # the edits turning it into LF text (BOM, line endings), the LF text's length and the
    # edits normalising that (JSON lists of [source_start, source_end, derived_start,
    # derived_end])
    read_characters: Series[int] = CountField()
    line_ending_edits: Series[str]
    lf_characters: Series[int] = CountField()
    normalise_edits: Series[str]

    class Config:
        strict = True
        ordered = True


class Span(pa.DataFrameModel):
    """A character span of one transcript."""

    transcript_id: Series[str] = IdField()
    start: Series[int] = CountField()
    end: Series[int] = CountField()

    @pa.dataframe_check(error="end must be greater than start")
    def end_after_start(cls, df):
        return df["end"] > df["start"]


class Detection(Span):
    """A candidate identifier found in a normalised transcript (restricted)."""

    entity_type: Series[str] = EntityTypeField()
    text: Series[str]
    detector: Series[str]
    confidence: Series[float] = ShareField()


class AnonymisationLog(Span):
    """One replacement made in one transcript (restricted).

    `start`/`end` address the normalised raw text, `deid_start`/`deid_end` the
    de-identified text, so offsets can be mapped in both directions.
    """

    entity_type: Series[str] = EntityTypeField()
    original: Series[str]
    replacement: Series[str]
    deid_start: Series[int] = CountField()
    deid_end: Series[int] = CountField()
    detector: Series[str]
    confidence: Series[float] = ShareField()


class GoldSpan(Span):
    """One identifier span of a gold annotation (restricted: it holds the identifier)."""

    entity_type: Series[str] = EntityTypeField()
    text: Series[str]


class PseudonymKey(pa.DataFrameModel):
    """The study's pseudonym key (restricted): one row per normalised entity mention.

    Rows sharing (entity_type, number) are one entity: "priya raman", "priya" and
    "raman" may all be PERSON 3. `replacement` is what that mention is replaced by in
    `style`, so a surrogate key maps "priya" to the surrogate's first name alone.
    """

    entity_type: Series[str] = EntityTypeField()
    entity: Series[str] = TextField()
    number: Series[int] = NumberField()
    replacement: Series[str] = TextField()
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

    theme_id: Series[str] = IdField()
    theme: Series[str] = TextField()
    code_id: Series[str] = IdField(unique=True)
    code: Series[str] = TextField()
    definition: Series[str]
    valence: Series[str] = ValenceField()
    cfir_domain: Series[str]
    cfir_construct: Series[str]
    code_order: Series[int] = CountField(unique=True)
    parent_id: Series[str]
    path: Series[str] = TextField()
    depth: Series[int] = NumberField()


class Cases(pa.DataFrameModel):
    """The case sheet: one row per participant; further columns are case attributes."""

    case_id: Series[str] = IdField(unique=True)

    class Config:
        strict = False


class Segment(Span):
    """A coded segment located in the de-identified transcript (published).

    Here `start`/`end` address the de-identified text of `transcript_id`.
    """

    segment_id: Series[str] = pa.Field(unique=True)
    case_id: Series[str] = IdField()
    code_id: Series[str] = IdField()
    coder: Series[str] = TextField()
    paragraph: Series[int] = NumberField()
    text: Series[str] = TextField()
    source_file: Series[str]
    source_row: Series[int] = NumberField()


class MatrixRow(pa.DataFrameModel):
    """One cell of the framework matrix without its cell texts: what the summaries read
    (`summarise` loads the matrix without `MatrixCell`'s text columns)."""

    case_id: Series[str] = IdField()
    theme_id: Series[str]
    theme: Series[str]
    code_id: Series[str]
    code: Series[str]
    valence: Series[str] = ValenceField()
    n_segments: Series[int] = CountField()
    n_coders: Series[int] = CountField()
    coverage: Series[float] = ShareField(nullable=True)
    rating: Series[pd.Int64Dtype] = pa.Field(ge=-2, le=2, nullable=True)
    summary: Series[str]
    summary_source: Series[str]

    class Config:
        strict = False  # case attributes are carried as extra columns
        unique = ["case_id", "code_id"]


class MatrixCell(MatrixRow):
    """One cell of the framework matrix: one case × one code (published)."""

    charted_text: Series[str]
    excerpts: Series[str]
    segment_ids: Series[str]
    references: Series[str]


class CellSummary(pa.DataFrameModel):
    """An analyst's summary of one matrix cell, typed in a charting workbook and
    de-identified (published). `cell` is the A1 address on `sheet` of `workbook`, whose
    SHA-256 is `workbook_sha256`; `replacements` counts what de-identification replaced."""

    case_id: Series[str] = IdField()
    code_id: Series[str] = IdField()
    summary: Series[str] = TextField()
    workbook: Series[str]
    workbook_sha256: Series[str] = Sha256Field()
    sheet: Series[str]
    cell: Series[str] = pa.Field(str_matches=r"^[A-Z]{1,3}[1-9][0-9]*$")
    analyst: Series[str]
    replacements: Series[int] = CountField()

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
    cases_in_group: Series[int] = CountField()
    cases_coded: Series[int] = CountField()
    share_cases: Series[float] = ShareField()
    segments: Series[int] = CountField()

    @pa.dataframe_check(error="cases_coded cannot exceed cases_in_group")
    def coded_within_group(cls, df):
        return df["cases_coded"] <= df["cases_in_group"]


class CodePresence(pa.DataFrameModel):
    """Whether each code occurs in each case (published). A `coverage` column is carried
    when the matrix has one."""

    case_id: Series[str]
    code_id: Series[str]
    present: Series[bool]
    n_segments: Series[int] = CountField()
    coverage: Series[float] | None = ShareField(nullable=True)

    class Config:
        unique = ["case_id", "code_id"]


class CodeCooccurrence(pa.DataFrameModel):
    """One pair of codes, code_a before code_b in codebook order (published)."""

    code_a: Series[str]
    code_b: Series[str]
    cases_a: Series[int] = CountField()
    cases_b: Series[int] = CountField()
    cases_both: Series[int] = CountField()
    segments_overlapping: Series[int] = CountField()
    jaccard_cases: Series[float] = ShareField(nullable=True)

    class Config:
        unique = ["code_a", "code_b"]

    @pa.dataframe_check(error="a pair cannot co-occur in more cases than either code reaches")
    def both_within_each(cls, df):
        return (df["cases_both"] <= df["cases_a"]) & (df["cases_both"] <= df["cases_b"])


class ExemplarQuote(pa.DataFrameModel):
    """One exemplar quote of one code (published)."""

    code_id: Series[str]
    rank: Series[int] = NumberField()
    segment_id: Series[str]
    case_id: Series[str]
    quote: Series[str] = TextField()
    reference: Series[str]
    centrality: Series[float] = ShareField(nullable=True)

    class Config:
        unique = ["code_id", "rank"]


class CodeProfile(ThemeOrCode):
    """Everything known about one theme or code, study-wide (published)."""

    cases: Series[int] = CountField()
    share_cases: Series[float] = ShareField()
    segments: Series[int] = CountField()
    top_cooccurring: Series[str]
    krippendorff_alpha: Series[float] = pa.Field(nullable=True)
    exemplars: Series[str]

    class Config:
        unique = ["theme_id", "code_id"]


class Agreement(pa.DataFrameModel):
    """Intercoder agreement at character level (published): one row per code and pair of
    coders who share a transcript. `code_id` "" pools every code; coders "all" × "all"
    is every coder of each transcript (Krippendorff's alpha only: kappa is NaN there).
    `transcripts` and `characters` count the double-coded text the row covers. A measure
    is NaN where it is undefined (no variation)."""

    code_id: Series[str]
    coder_a: Series[str] = TextField()
    coder_b: Series[str] = TextField()
    transcripts: Series[int] = NumberField()
    characters: Series[int] = CountField()
    cohen_kappa: Series[float] = pa.Field(nullable=True)
    krippendorff_alpha: Series[float] = pa.Field(le=1, nullable=True)
    percent_agreement: Series[float] = ShareField(nullable=True)

    class Config:
        strict = True
        ordered = True
        unique = ["code_id", "coder_a", "coder_b"]


def columns_of(model: type[pa.DataFrameModel]) -> list[str]:
    """The columns `model` names, in its order."""
    return list(model.to_schema().columns)


def dtypes_of(model: type[pa.DataFrameModel]) -> dict:
    """{column: pandas dtype} of `model`, for `DataFrame.astype` (`str` columns get the
    dtype `astype(str)` gives)."""
    return {name: column.dtype.type for name, column in model.to_schema().columns.items()}


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """A frame with no rows and the columns and types of `model`."""
    columns = model.to_schema().columns
    return pd.DataFrame({name: pd.Series(dtype=str(c.dtype)) for name, c in columns.items()})
