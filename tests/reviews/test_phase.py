"""Which children move phase next September (pure rules)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.reviews import phase


def test_next_september():
    assert phase.next_september(date(2026, 11, 23)) == date(2027, 9, 1)
    assert phase.next_september(date(2027, 8, 31)) == date(2027, 9, 1)
    assert phase.next_september(date(2027, 9, 1)) == date(2028, 9, 1)


def test_kinds_by_year_and_setting():
    assert phase.transfer_kind(-1, None, None) == "school"  # nursery to Reception
    assert phase.transfer_kind(-1, 3, 11) is None  # nursery class in a primary school
    assert phase.transfer_kind(-1, 2, 5, early_years=True) == "school"  # a nursery school
    assert phase.transfer_kind(2, 4, 7) == "school"  # infant to junior
    assert phase.transfer_kind(2, 4, 11) is None
    assert phase.transfer_kind(6, 4, 11) == "school"
    assert phase.transfer_kind(6, 4, 18) is None  # all-through
    assert phase.transfer_kind(11, 11, 16) == "secondary_to_post16"
    assert phase.transfer_kind(11, 11, 18) is None  # staying in the sixth form
    assert phase.transfer_kind(13, 16, 18) == "post16"
    assert phase.transfer_kind(4, None, None) is None


@settings(deadline=None)  # a shared, busy machine: time is not what is tested
@given(st.integers(-3, 15), st.integers(2, 19), st.integers(0, 10))
def test_a_setting_that_teaches_next_year_means_no_move(year, low, span):
    high = low + span
    kind = phase.transfer_kind(year, low, high)
    if phase.teaches(low, high, year + 1):
        assert kind is None
    elif year + 1 >= 0:
        assert kind in ("school", "secondary_to_post16", "post16")


@settings(deadline=None)
@given(st.integers(-3, 20))
def test_every_year_has_a_phase(year):
    assert phase.phase_of(year) in ("early_years", "primary", "secondary", "post16")
