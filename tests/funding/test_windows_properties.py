"""Commitment versions: whatever the sequence of changes, each day of the package inside the year is priced by
exactly one version, the latest to take effect on or before it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.engine.funding.pricing import financial_year_bounds
from highneeds.funding.models import Commitment
from highneeds.funding.queries import windows


@st.composite
def packages(draw):
    start = draw(st.dates(date(2024, 1, 1), date(2027, 12, 31)))
    end = draw(st.none() | st.integers(0, 800).map(lambda n: start + timedelta(days=n)))
    offsets = sorted(draw(st.lists(st.integers(0, 900), max_size=5)))
    package = uuid.uuid4()
    versions = [Commitment(package=package, version=1, start=start, end=end, effective_from=start)]
    for n, offset in enumerate(offsets, start=2):
        versions.append(
            Commitment(package=package, version=n, start=start, end=end, effective_from=start + timedelta(days=offset))
        )
    return versions


@settings(max_examples=300, deadline=None)
@given(st.lists(packages(), min_size=1, max_size=3), st.integers(2024, 2027))
def test_each_day_is_priced_by_exactly_the_version_in_force(groups, year):
    versions = [v for group in groups for v in group]
    found = windows(versions, year)
    first, last = financial_year_bounds(year)
    for group in groups:
        start, end = group[0].start, group[0].end
        covered = {}
        for c, lo, hi in found:
            if c.package != group[0].package:
                continue
            day = lo
            while day <= hi:
                assert day not in covered, "two versions price the same day"
                covered[day] = c.version
                day += timedelta(days=1)
        day = max(start, first)
        while day <= min(end or last, last):
            in_force = max(v.version for v in group if v.effective_from <= day)
            assert covered.pop(day) == in_force
            day += timedelta(days=1)
        assert not covered, "a day outside the package or the year was priced"
