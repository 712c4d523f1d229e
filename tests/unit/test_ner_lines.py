"""Lines the model is not asked to read: those where all it could find would be junk."""

from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.deid.ner import has_capital, is_junk


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=80))
def test_has_capital_is_any_upper_case_letter(line):
    assert has_capital(line) == any(char.isupper() for char in line)


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=80), st.integers(0, 80), st.integers(0, 80))
def test_every_span_of_a_line_without_a_capital_is_junk(line, start, end):
    if not has_capital(line):
        assert is_junk(line[start:end])


def test_titlecase_and_other_scripts():
    assert not has_capital("meet ǅemal")  # titlecase is no capital to str.isupper (is_junk)
    assert has_capital("réunion à Ωmega")
    assert not has_capital("yeah, mm-hm. 12:30")
