"""The framework matrix of the tables `import-coding` wrote, read from their files."""

import pandas as pd

from qualframe import io as qio
from qualframe.errors import QualframeError
from qualframe.matrix.chart import chart_matrix


def chart_tables(
    segments: str,
    codebook: pd.DataFrame,
    cases: str,
    attributes: list[str],
    primary_coder: str,
    **options,
) -> pd.DataFrame:
    """`chart_matrix` of the segments and cases tables (Parquet) at these paths, with the
    codebook already read; "" as `primary_coder` charts every coder's segments. Segments
    the matrix cannot be charted from are the user's error, named by their file."""
    try:
        return chart_matrix(
            qio.read_parquet(segments),
            codebook,
            qio.read_parquet(cases),
            attributes,
            primary_coder or None,
            **options,
        )
    except ValueError as exc:
        raise QualframeError(str(exc), path=segments) from exc
