"""Bank holidays (England and Wales), working days and calendar months."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.engine.calendar import (
    BANK_HOLIDAYS_ENGLAND_AND_WALES,
    ENGLAND_AND_WALES,
    CalendarCoverageError,
    HolidayCalendar,
    add_months,
    add_months_ordinals,
)

# -- an independent statement of the standing rules, to check the maintained list against --------

ONE_OFF_YEARS = {2012, 2020, 2022, 2023}


def easter_sunday(year: int) -> date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def last_monday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.weekday())


def standing_rules(year: int) -> set[date]:
    easter = easter_sunday(year)
    out = {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        first_monday(year, 5),
        last_monday(year, 5),
        last_monday(year, 8),
    }
    new_year = date(year, 1, 1)
    out.add(new_year + timedelta(days={5: 2, 6: 1}.get(new_year.weekday(), 0)))
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday 27 and Tuesday 28
        out |= {date(year, 12, 27), date(year, 12, 28)}
    elif christmas.weekday() == 6:  # Sunday: Boxing Day Monday 26, Christmas substitute Tuesday 27
        out |= {boxing, date(year, 12, 27)}
    elif boxing.weekday() == 5:  # Friday Christmas, Saturday Boxing Day: Monday 28
        out |= {christmas, date(year, 12, 28)}
    else:
        out |= {christmas, boxing}
    return out


@pytest.mark.parametrize("year", [y for y in range(2012, 2031) if y not in ONE_OFF_YEARS])
def test_ordinary_years_follow_the_standing_rules(year):
    assert set(ENGLAND_AND_WALES.holidays_in(year)) == standing_rules(year)


@pytest.mark.parametrize(
    "year, added, removed",
    [
        (2012, {date(2012, 6, 4), date(2012, 6, 5)}, {date(2012, 5, 28)}),
        (2020, {date(2020, 5, 8)}, {date(2020, 5, 4)}),
        (2022, {date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)}, {date(2022, 5, 30)}),
        (2023, {date(2023, 5, 8)}, set()),
    ],
)
def test_one_off_years_differ_from_the_rules_exactly_by_the_one_offs(year, added, removed):
    listed = set(ENGLAND_AND_WALES.holidays_in(year))
    assert listed - standing_rules(year) == added
    assert standing_rules(year) - listed == removed


def test_known_dates_and_substitute_days():
    hols = ENGLAND_AND_WALES.holidays
    for d in [
        "2022-06-03",
        "2022-06-02",
        "2022-09-19",
        "2023-05-08",
        "2020-05-08",
        "2021-12-27",
        "2021-12-28",
        "2022-01-03",
        "2016-12-27",
        "2015-12-28",
        "2017-01-02",
        "2026-12-28",
        "2024-03-29",
        "2024-04-01",
    ]:
        assert date.fromisoformat(d) in hols, d
    for d in ["2022-05-30", "2020-05-04", "2021-12-25", "2022-01-01"]:
        assert date.fromisoformat(d) not in hols, d


def test_covers_2014_to_2030_and_every_holiday_is_a_weekday():
    assert set(range(2014, 2031)) <= ENGLAND_AND_WALES.covered_years
    for year, rows in BANK_HOLIDAYS_ENGLAND_AND_WALES.items():
        assert len(rows) >= 8
        for iso, title in rows:
            assert date.fromisoformat(iso).weekday() < 5, (iso, title)


# -- working days --------------------------------------------------------------------------------

dates = st.dates(min_value=date(2014, 1, 1), max_value=date(2029, 12, 1))


def brute_add(d: date, n: int) -> date:
    out = d
    while n:
        out += timedelta(days=1)
        if out.weekday() < 5 and out not in ENGLAND_AND_WALES.titles:
            n -= 1
    return out


@settings(deadline=None)
@given(dates, st.integers(0, 40))
def test_add_working_days_matches_counting_day_by_day(d, n):
    got = ENGLAND_AND_WALES.add_working_days(d, n)
    assert got == brute_add(d, n)
    if n:
        assert ENGLAND_AND_WALES.is_working_day(got)
    assert ENGLAND_AND_WALES.working_days_between(d, got) == n


@settings(deadline=None)
@given(dates, dates)
def test_working_days_between_is_antisymmetric_and_additive(a, b):
    wd = ENGLAND_AND_WALES.working_days_between
    assert wd(a, b) == -wd(b, a)
    mid = min(a, b) + (max(a, b) - min(a, b)) / 2
    assert wd(min(a, b), max(a, b)) == wd(min(a, b), mid) + wd(mid, max(a, b))


@settings(deadline=None, max_examples=50)
@given(st.lists(dates, min_size=1, max_size=30), st.integers(0, 25))
def test_vectorised_working_days_equal_the_scalar_ones(ds, n):
    ords = np.array([d.toordinal() for d in ds])
    got = ENGLAND_AND_WALES.add_working_days_ordinals(ords, n)
    assert [date.fromordinal(int(o)) for o in got] == [ENGLAND_AND_WALES.add_working_days(d, n) for d in ds]


@settings(deadline=None)
@given(dates, st.integers(1, 25))
def test_counting_the_start_as_day_one(d, n):
    got = date.fromordinal(
        int(ENGLAND_AND_WALES.add_working_days_ordinals(np.array([d.toordinal()]), n, start_counts=True)[0])
    )
    if ENGLAND_AND_WALES.is_working_day(d):
        assert got == ENGLAND_AND_WALES.add_working_days(d, n - 1)
    else:
        assert got == ENGLAND_AND_WALES.add_working_days(d, n)


def test_three_working_days_over_the_2022_jubilee_and_easter_2024():
    # Wednesday 1 June 2022: Thursday 2 and Friday 3 are holidays -> Mon 6, Tue 7, Wed 8.
    assert ENGLAND_AND_WALES.add_working_days(date(2022, 6, 1), 3) == date(2022, 6, 8)
    # Thursday 28 March 2024: Good Friday and Easter Monday -> Tue 2, Wed 3, Thu 4 April.
    assert ENGLAND_AND_WALES.add_working_days(date(2024, 3, 28), 3) == date(2024, 4, 4)
    # From a Saturday: Monday is the first working day after it.
    assert ENGLAND_AND_WALES.add_working_days(date(2024, 6, 8), 1) == date(2024, 6, 10)


def test_years_not_covered_are_an_error_not_a_guess():
    with pytest.raises(CalendarCoverageError, match="2031"):
        ENGLAND_AND_WALES.add_working_days(date(2030, 12, 20), 10)
    with pytest.raises(CalendarCoverageError):
        ENGLAND_AND_WALES.is_working_day(date(2031, 1, 2))


def test_extending_with_a_list_of_dates():
    extra = [f"2031-{md}" for md in ("01-01", "04-11", "04-14", "05-05", "05-26", "08-25", "12-25", "12-26")]
    cal = ENGLAND_AND_WALES.extended_from_json(json.dumps(extra))
    assert cal.covers(2031) and not ENGLAND_AND_WALES.covers(2031)
    assert cal.add_working_days(date(2030, 12, 31), 1) == date(2031, 1, 2)
    # A one-off added to a covered year keeps the rest of that year.
    cal2 = ENGLAND_AND_WALES.extended([(date(2029, 6, 1), "Extra holiday")])
    assert date(2029, 6, 1) in cal2.holidays and date(2029, 5, 28) in cal2.holidays


def test_extending_from_a_govuk_file_replaces_whole_years(tmp_path):
    # gov.uk's file lists whole years; a moved holiday disappears from its old date.
    events = [
        {"title": t, "date": d, "notes": "", "bunting": True}
        for d, t in [
            ("2030-01-01", "New Year's Day"),
            ("2030-04-19", "Good Friday"),
            ("2030-04-22", "Easter Monday"),
            ("2030-05-10", "Early May bank holiday (moved)"),
            ("2030-05-27", "Spring bank holiday"),
            ("2030-08-26", "Summer bank holiday"),
            ("2030-12-25", "Christmas Day"),
            ("2030-12-26", "Boxing Day"),
        ]
    ]
    path = tmp_path / "bank-holidays.json"
    path.write_text(
        json.dumps(
            {
                "england-and-wales": {"division": "england-and-wales", "events": events},
                "scotland": {"division": "scotland", "events": []},
            }
        )
    )
    cal = ENGLAND_AND_WALES.extended_from_json(path)
    assert date(2030, 5, 10) in cal.holidays and date(2030, 5, 6) not in cal.holidays
    assert cal.titles[date(2030, 5, 10)] == "Early May bank holiday (moved)"


def test_explicit_add_and_remove():
    cal = ENGLAND_AND_WALES.extended_from_json({"add": ["2029-05-11"], "remove": ["2029-05-07"]})
    assert date(2029, 5, 11) in cal.holidays and date(2029, 5, 7) not in cal.holidays


def test_bad_json_dates_are_reported():
    with pytest.raises(ValueError, match="bank holidays\\[1\\]"):
        ENGLAND_AND_WALES.extended_from_json(["2031-01-01", "2031-02-30"])
    with pytest.raises(ValueError):
        ENGLAND_AND_WALES.extended_from_json({"scotland": {"events": []}})


def test_table_rows_must_sit_in_their_year():
    with pytest.raises(ValueError):
        HolidayCalendar.from_table({2031: (("2030-12-25", "Christmas Day"),)})


# -- months ----------------------------------------------------------------------------------------


@settings(deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(-36, 36))
def test_add_months_is_the_corresponding_date_or_the_month_end(d, n):
    got = add_months(d, n)
    assert (got.year * 12 + got.month) - (d.year * 12 + d.month) == n
    if got.day != d.day:
        assert got.day < d.day and (got + timedelta(days=1)).day == 1  # clamped to the month's last day
    vec = add_months_ordinals(np.array([d.toordinal()]), n)
    assert date.fromordinal(int(vec[0])) == got


def test_month_ends_and_leap_years():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 8, 31), 2) == date(2024, 10, 31)
    assert add_months(date(2024, 12, 15), 2) == date(2025, 2, 15)


# -- gov.uk's file, read strictly, and whole years added (highneeds bank-holidays import) -----------


def _govuk_year(year: int) -> list[dict]:
    """The standing rules' dates for a year, in gov.uk's event shape."""
    return [
        {"title": "Bank holiday", "date": d.isoformat(), "notes": "", "bunting": True}
        for d in sorted(standing_rules(year))
    ]


def test_read_govuk_years_and_with_years():
    from highneeds.engine.calendar import read_govuk_years, with_years

    data = {
        "england-and-wales": {"division": "england-and-wales", "events": _govuk_year(2031) + _govuk_year(2032)},
        "scotland": {"division": "scotland", "events": []},
    }
    years = read_govuk_years(data)
    assert sorted(years) == [2031, 2032] and all(len(days) >= 8 for days in years.values())
    calendar = with_years(ENGLAND_AND_WALES, {str(y): days for y, days in years.items()})
    assert calendar.covers(2031) and calendar.covers(2032) and calendar.covers(2012)
    assert calendar.holidays_in(2031) == sorted(standing_rules(2031))
    assert with_years(ENGLAND_AND_WALES, {}) is ENGLAND_AND_WALES
    # a stored year replaces the built-in one: a moved holiday is taken out
    moved = [(d.isoformat(), "x") for d in sorted(standing_rules(2028)) if d != date(2028, 5, 29)] + [
        ("2028-06-02", "x")
    ]
    replaced = with_years(ENGLAND_AND_WALES, {"2028": moved})
    assert date(2028, 5, 29) not in replaced.holidays and date(2028, 6, 2) in replaced.holidays


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "expected a JSON object"),
        ({"scotland": {}}, "no 'england-and-wales' division in the file (found: scotland)"),
        ({"england-and-wales": {"events": []}}, "'england-and-wales' has no events"),
        (
            {"england-and-wales": {"events": [{"date": "2031-13-01", "title": "x"}]}},
            "england-and-wales.events[0].date: '2031-13-01' is not a valid date",
        ),
        ({"england-and-wales": {"events": [{"date": "2031-01-01", "title": "x"}]}}, "2031 has 1 date(s)"),
    ],
)
def test_read_govuk_years_refuses_a_malformed_file(data, message):
    from highneeds.engine.calendar import read_govuk_years

    with pytest.raises(ValueError) as exc:
        read_govuk_years(data)
    assert message in str(exc.value)
