"""The models at the seams: a wrong frame fails where it enters a stage, and properties of
stage functions over frames drawn from the models (`Model.strategy()`)."""

import copy

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, given, settings

from qualframe.coding.agreement import agreement
from qualframe.coding.segments import assign_segment_ids
from qualframe.matrix.chart import chart_matrix
from qualframe.schemas import Agreement, Segment, columns_of


def test_a_frame_missing_a_column_fails_where_it_enters_the_stage():
    segments = pd.DataFrame({column: [] for column in columns_of(Segment)}).drop(columns="coder")
    codebook = pd.DataFrame()
    with pytest.raises(pa.errors.SchemaError, match="column 'coder' not in dataframe"):
        chart_matrix(segments, codebook, pd.DataFrame({"case_id": []}), [])


def test_the_published_agreement_table_validates_as_its_model():
    segments = pd.DataFrame(
        {
            "transcript_id": ["t1", "t1"],
            "start": [0, 2],
            "end": [4, 6],
            "code_id": ["c1", "c1"],
            "coder": ["ann", "bob"],
        }
    )
    table = agreement(segments, {"t1": 8})
    assert list(table.columns) == columns_of(Agreement)
    with pytest.raises(pa.errors.SchemaError):
        Agreement.validate(table.assign(percent_agreement=1.5))


def segment_frames(size: int):
    """Segment frames drawn from the model: its column checks kept, its row check (end
    after start) met by construction instead of by filtering."""
    schema = copy.deepcopy(Segment.to_schema())
    schema.checks = []
    return schema.strategy(size=size).map(
        lambda frame: frame.assign(
            # a one-character id (still a valid one) puts several segments in a transcript
            transcript_id=frame["transcript_id"].str[:1],
            start=frame["start"] % 10_000,
            end=frame["start"] % 10_000 + frame["end"] % 500 + 1,
        )
    )


@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(segment_frames(size=6))
def test_segment_ids_number_each_transcript_in_position_order(segments):
    codes = sorted(set(segments[Segment.code_id]))
    codebook = pd.DataFrame({"code_id": codes, "code_order": range(len(codes))})
    numbered = assign_segment_ids(segments.drop(columns=Segment.segment_id), codebook)
    assert len(numbered) == len(segments)
    assert numbered[Segment.segment_id].is_unique
    for transcript_id, rows in numbered.groupby(Segment.transcript_id, sort=False):
        expected = [f"{transcript_id}-S{n:03d}" for n in range(1, len(rows) + 1)]
        assert rows[Segment.segment_id].tolist() == expected
        positions = list(zip(rows[Segment.start], rows[Segment.end], strict=True))
        assert positions == sorted(positions)
