"""Coded data: the codebook, the case sheet and coded segments exported from a CAQDAS."""

from qualframe.coding.cases import load_cases
from qualframe.coding.codebook import codebook_from_dict
from qualframe.coding.segments import ColumnMap, locate_segments

__all__ = ["ColumnMap", "codebook_from_dict", "load_cases", "locate_segments"]
