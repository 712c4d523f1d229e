"""The matrix benchmark's seeded study (benchmarks/matrix/run.py), charted as `qualframe
chart` charts it: the shared input of the byte-identity tests."""

import importlib.util
from pathlib import Path

from qualframe.matrix import chart_matrix

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "matrix" / "run.py"
ATTRIBUTES = ["service_type", "region"]


def benchmark_module():
    """The benchmark script, imported from its file."""
    spec = importlib.util.spec_from_file_location("matrix_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def study(cases: int, codes: int, per_case: int, seed: int = 1):
    """(cases, codebook, texts, segments) of the benchmark's study of that size."""
    return benchmark_module().study(cases, codes, per_case, seed)


def charted(segments, codebook, cases, texts, chart=chart_matrix, sort_by=("service_type",)):
    """The framework matrix of a study, charted by `chart` for coder "A"."""
    return chart(
        segments,
        codebook,
        cases,
        ATTRIBUTES,
        "A",
        text_lengths={case: len(text) for case, text in texts.items()},
        sort_by=list(sort_by),
    )
