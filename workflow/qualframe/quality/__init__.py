"""Quality checks over published tables, run as Great Expectations checkpoints."""

from qualframe.quality.expectations import FailedExpectation, QualityResult, check_segments

__all__ = ["FailedExpectation", "QualityResult", "check_segments"]
