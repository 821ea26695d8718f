"""Finding 6: the disclosure-control function, by property."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from highneeds.engine.disclosure import Policy, percent, protect, protect_list, reporting_period

policies = st.builds(Policy, threshold=st.integers(1, 11), rounding=st.sampled_from([1, 2, 5, 10]))
tables = st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(st.integers(0, 40), min_size=cols, max_size=cols), min_size=1, max_size=6)
)


def grid(result):
    """The shown table with its totals, as lines (rows then columns) in the same layout as protect's."""
    full = [r + [t] for r, t in zip(result.cells, result.row_totals)] + [result.column_totals + [result.total]]
    return full, [list(r) for r in full] + [list(c) for c in zip(*full)]


def true_grid(cells):
    full = [r + [sum(r)] for r in cells]
    return full + [[sum(c) for c in zip(*full)]]


@given(tables, policies)
def test_no_small_count_is_shown_and_no_line_has_a_lone_hidden_entry(cells, policy):
    result = protect(cells, policy)
    shown, lines = grid(result)
    truth = true_grid(cells)
    for row, true_row in zip(shown, truth):
        for value, true in zip(row, true_row):
            if value is not None:
                assert not policy.small(true)  # primary suppression
                assert value % policy.rounding == 0 and abs(value - true) <= policy.rounding / 2  # rounding
            else:
                assert true > 0 or policy.threshold > 1
    for line in lines:
        assert sum(v is None for v in line) != 1  # secondary suppression: nothing follows by subtraction


@given(tables)
def test_a_policy_of_one_changes_nothing(cells):
    result = protect(cells, Policy(threshold=1, rounding=1))
    assert result.cells == cells and result.total == sum(map(sum, cells))


def test_a_lone_small_cell_takes_its_neighbour_with_it():
    result = protect([[1, 30], [20, 30]], Policy(threshold=5, rounding=1))
    assert result.cells == [[None, None], [None, None]]  # 1 hidden, then 30 in its row, then 20 and 30 below
    assert result.row_totals == [31, 50] and result.total == 81
    single, total = protect_list([1, 0, 40], Policy(5, 1))
    assert single == [None, 0, None] and total == 41


def test_percentages_hide_small_groups_parts_and_remainders():
    p = Policy(5, 5)
    assert percent(19, 20, p) is None  # one child late
    assert percent(1, 20, p) is None and percent(3, 4, p) is None
    assert percent(15, 20, p) == 75.0 and percent(0, 20, p) == 0.0 and percent(0, 0, p) is None


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 800))
def test_reporting_periods_are_whole_quarters_covering_the_request(first, days):
    last = date.fromordinal(min(first.toordinal() + days, date(2090, 12, 31).toordinal()))
    start, end = reporting_period(first, last)
    assert start <= first and end >= last and start.day == 1 and start.month in (1, 4, 7, 10)
    assert (
        date.fromordinal(end.toordinal() + 1).month in (1, 4, 7, 10) and date.fromordinal(end.toordinal() + 1).day == 1
    )
    # Two requests one day apart within the same quarters get the same period: nothing to difference.
    assert reporting_period(first, last) == reporting_period(start, end)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        protect([[1, 2], [3]], Policy())
    with pytest.raises(ValueError):
        Policy(threshold=0)
