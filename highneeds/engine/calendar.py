"""Bank holidays in England and Wales, working days and calendar months.

Pure Python and numpy, no Django. Working-day limits in SEND law (mediation certificates within
3 working days, DOMAIN.md section 3) need a bank-holiday list; this module keeps one for England
and Wales and lets a council extend it without a code change (`HolidayCalendar.extended`,
`HolidayCalendar.extended_from_json`, or `highneeds deadlines --bank-holidays FILE`).

Definitions used everywhere in highneeds:

* A **working day** is Monday to Friday, excluding bank holidays in England and Wales.
* ``add_working_days(d, n)`` is the n-th working day *after* ``d`` (``d`` itself is never counted,
  as in "within 3 working days of ..."). ``n = 0`` gives ``d`` itself.
* ``working_days_between(a, b)`` counts working days in the half-open interval ``(a, b]``, so
  ``working_days_between(d, add_working_days(d, n)) == n``.
* ``add_months(d, n)`` is the corresponding date ``n`` calendar months later, or the last day of
  that month when it has no such day (31 January + 1 month = 28 or 29 February).

Using a working-day function over a year the calendar does not cover raises
`CalendarCoverageError` rather than silently treating the year as having no bank holidays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

__all__ = [
    "BANK_HOLIDAYS_ENGLAND_AND_WALES",
    "CalendarCoverageError",
    "HolidayCalendar",
    "ENGLAND_AND_WALES",
    "add_months",
    "add_months_ordinals",
    "ordinals_to_datetime64",
    "read_govuk_years",
    "with_years",
    "datetime64_to_ordinals",
]

# Bank holidays in England and Wales, as published on gov.uk/bank-holidays (2012 to 2026),
# including substitute days and one-off holidays. 2027 to 2030 are projected from the standing
# rules (Banking and Financial Dealings Act 1971 and the annual royal proclamations): confirm
# against gov.uk when published and correct here, or add a council's own list at run time.
#   New Year's Day (substitute the next Monday if at a weekend), Good Friday, Easter Monday,
#   early May (first Monday), spring (last Monday in May), summer (last Monday in August),
#   Christmas Day and Boxing Day (weekend days substituted by the next free weekdays).
# One-offs: 2012 spring holiday moved to 4 June and 5 June added (Diamond Jubilee); 2020 early May
# holiday moved to Friday 8 May (VE Day 75); 2022 spring holiday moved to Thursday 2 June and
# Friday 3 June added (Platinum Jubilee), Monday 19 September (State Funeral of Queen Elizabeth
# II); 2023 Monday 8 May (Coronation of King Charles III).
BANK_HOLIDAYS_ENGLAND_AND_WALES: dict[int, tuple[tuple[str, str], ...]] = {
    2012: (
        ("2012-01-02", "New Year's Day (substitute day)"),
        ("2012-04-06", "Good Friday"),
        ("2012-04-09", "Easter Monday"),
        ("2012-05-07", "Early May bank holiday"),
        ("2012-06-04", "Spring bank holiday (moved)"),
        ("2012-06-05", "Queen's Diamond Jubilee"),
        ("2012-08-27", "Summer bank holiday"),
        ("2012-12-25", "Christmas Day"),
        ("2012-12-26", "Boxing Day"),
    ),
    2013: (
        ("2013-01-01", "New Year's Day"),
        ("2013-03-29", "Good Friday"),
        ("2013-04-01", "Easter Monday"),
        ("2013-05-06", "Early May bank holiday"),
        ("2013-05-27", "Spring bank holiday"),
        ("2013-08-26", "Summer bank holiday"),
        ("2013-12-25", "Christmas Day"),
        ("2013-12-26", "Boxing Day"),
    ),
    2014: (
        ("2014-01-01", "New Year's Day"),
        ("2014-04-18", "Good Friday"),
        ("2014-04-21", "Easter Monday"),
        ("2014-05-05", "Early May bank holiday"),
        ("2014-05-26", "Spring bank holiday"),
        ("2014-08-25", "Summer bank holiday"),
        ("2014-12-25", "Christmas Day"),
        ("2014-12-26", "Boxing Day"),
    ),
    2015: (
        ("2015-01-01", "New Year's Day"),
        ("2015-04-03", "Good Friday"),
        ("2015-04-06", "Easter Monday"),
        ("2015-05-04", "Early May bank holiday"),
        ("2015-05-25", "Spring bank holiday"),
        ("2015-08-31", "Summer bank holiday"),
        ("2015-12-25", "Christmas Day"),
        ("2015-12-28", "Boxing Day (substitute day)"),
    ),
    2016: (
        ("2016-01-01", "New Year's Day"),
        ("2016-03-25", "Good Friday"),
        ("2016-03-28", "Easter Monday"),
        ("2016-05-02", "Early May bank holiday"),
        ("2016-05-30", "Spring bank holiday"),
        ("2016-08-29", "Summer bank holiday"),
        ("2016-12-26", "Boxing Day"),
        ("2016-12-27", "Christmas Day (substitute day)"),
    ),
    2017: (
        ("2017-01-02", "New Year's Day (substitute day)"),
        ("2017-04-14", "Good Friday"),
        ("2017-04-17", "Easter Monday"),
        ("2017-05-01", "Early May bank holiday"),
        ("2017-05-29", "Spring bank holiday"),
        ("2017-08-28", "Summer bank holiday"),
        ("2017-12-25", "Christmas Day"),
        ("2017-12-26", "Boxing Day"),
    ),
    2018: (
        ("2018-01-01", "New Year's Day"),
        ("2018-03-30", "Good Friday"),
        ("2018-04-02", "Easter Monday"),
        ("2018-05-07", "Early May bank holiday"),
        ("2018-05-28", "Spring bank holiday"),
        ("2018-08-27", "Summer bank holiday"),
        ("2018-12-25", "Christmas Day"),
        ("2018-12-26", "Boxing Day"),
    ),
    2019: (
        ("2019-01-01", "New Year's Day"),
        ("2019-04-19", "Good Friday"),
        ("2019-04-22", "Easter Monday"),
        ("2019-05-06", "Early May bank holiday"),
        ("2019-05-27", "Spring bank holiday"),
        ("2019-08-26", "Summer bank holiday"),
        ("2019-12-25", "Christmas Day"),
        ("2019-12-26", "Boxing Day"),
    ),
    2020: (
        ("2020-01-01", "New Year's Day"),
        ("2020-04-10", "Good Friday"),
        ("2020-04-13", "Easter Monday"),
        ("2020-05-08", "Early May bank holiday (VE day)"),
        ("2020-05-25", "Spring bank holiday"),
        ("2020-08-31", "Summer bank holiday"),
        ("2020-12-25", "Christmas Day"),
        ("2020-12-28", "Boxing Day (substitute day)"),
    ),
    2021: (
        ("2021-01-01", "New Year's Day"),
        ("2021-04-02", "Good Friday"),
        ("2021-04-05", "Easter Monday"),
        ("2021-05-03", "Early May bank holiday"),
        ("2021-05-31", "Spring bank holiday"),
        ("2021-08-30", "Summer bank holiday"),
        ("2021-12-27", "Christmas Day (substitute day)"),
        ("2021-12-28", "Boxing Day (substitute day)"),
    ),
    2022: (
        ("2022-01-03", "New Year's Day (substitute day)"),
        ("2022-04-15", "Good Friday"),
        ("2022-04-18", "Easter Monday"),
        ("2022-05-02", "Early May bank holiday"),
        ("2022-06-02", "Spring bank holiday (moved)"),
        ("2022-06-03", "Platinum Jubilee bank holiday"),
        ("2022-08-29", "Summer bank holiday"),
        ("2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II"),
        ("2022-12-26", "Boxing Day"),
        ("2022-12-27", "Christmas Day (substitute day)"),
    ),
    2023: (
        ("2023-01-02", "New Year's Day (substitute day)"),
        ("2023-04-07", "Good Friday"),
        ("2023-04-10", "Easter Monday"),
        ("2023-05-01", "Early May bank holiday"),
        ("2023-05-08", "Bank holiday for the coronation of King Charles III"),
        ("2023-05-29", "Spring bank holiday"),
        ("2023-08-28", "Summer bank holiday"),
        ("2023-12-25", "Christmas Day"),
        ("2023-12-26", "Boxing Day"),
    ),
    2024: (
        ("2024-01-01", "New Year's Day"),
        ("2024-03-29", "Good Friday"),
        ("2024-04-01", "Easter Monday"),
        ("2024-05-06", "Early May bank holiday"),
        ("2024-05-27", "Spring bank holiday"),
        ("2024-08-26", "Summer bank holiday"),
        ("2024-12-25", "Christmas Day"),
        ("2024-12-26", "Boxing Day"),
    ),
    2025: (
        ("2025-01-01", "New Year's Day"),
        ("2025-04-18", "Good Friday"),
        ("2025-04-21", "Easter Monday"),
        ("2025-05-05", "Early May bank holiday"),
        ("2025-05-26", "Spring bank holiday"),
        ("2025-08-25", "Summer bank holiday"),
        ("2025-12-25", "Christmas Day"),
        ("2025-12-26", "Boxing Day"),
    ),
    2026: (
        ("2026-01-01", "New Year's Day"),
        ("2026-04-03", "Good Friday"),
        ("2026-04-06", "Easter Monday"),
        ("2026-05-04", "Early May bank holiday"),
        ("2026-05-25", "Spring bank holiday"),
        ("2026-08-31", "Summer bank holiday"),
        ("2026-12-25", "Christmas Day"),
        ("2026-12-28", "Boxing Day (substitute day)"),
    ),
    # Projected from the standing rules (not yet published by gov.uk when written).
    2027: (
        ("2027-01-01", "New Year's Day"),
        ("2027-03-26", "Good Friday"),
        ("2027-03-29", "Easter Monday"),
        ("2027-05-03", "Early May bank holiday"),
        ("2027-05-31", "Spring bank holiday"),
        ("2027-08-30", "Summer bank holiday"),
        ("2027-12-27", "Christmas Day (substitute day)"),
        ("2027-12-28", "Boxing Day (substitute day)"),
    ),
    2028: (
        ("2028-01-03", "New Year's Day (substitute day)"),
        ("2028-04-14", "Good Friday"),
        ("2028-04-17", "Easter Monday"),
        ("2028-05-01", "Early May bank holiday"),
        ("2028-05-29", "Spring bank holiday"),
        ("2028-08-28", "Summer bank holiday"),
        ("2028-12-25", "Christmas Day"),
        ("2028-12-26", "Boxing Day"),
    ),
    2029: (
        ("2029-01-01", "New Year's Day"),
        ("2029-03-30", "Good Friday"),
        ("2029-04-02", "Easter Monday"),
        ("2029-05-07", "Early May bank holiday"),
        ("2029-05-28", "Spring bank holiday"),
        ("2029-08-27", "Summer bank holiday"),
        ("2029-12-25", "Christmas Day"),
        ("2029-12-26", "Boxing Day"),
    ),
    2030: (
        ("2030-01-01", "New Year's Day"),
        ("2030-04-19", "Good Friday"),
        ("2030-04-22", "Easter Monday"),
        ("2030-05-06", "Early May bank holiday"),
        ("2030-05-27", "Spring bank holiday"),
        ("2030-08-26", "Summer bank holiday"),
        ("2030-12-25", "Christmas Day"),
        ("2030-12-26", "Boxing Day"),
    ),
}

# Years whose dates are projected rather than copied from a gov.uk publication.
PROJECTED_YEARS = frozenset({2027, 2028, 2029, 2030})

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class CalendarCoverageError(ValueError):
    """A working-day calculation reached a year for which no bank holidays are known."""


def ordinals_to_datetime64(ordinals: np.ndarray) -> np.ndarray:
    """Proleptic Gregorian ordinals (``date.toordinal()``) to ``datetime64[D]``."""
    return (np.asarray(ordinals, dtype=np.int64) - _EPOCH_ORDINAL).astype("datetime64[D]")


def datetime64_to_ordinals(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL


def _month_length(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(d: date, months: int) -> date:
    """The corresponding date `months` calendar months on, clamped to the end of a shorter month."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(d.day, _month_length(year, month)))


def add_months_ordinals(ordinals: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """Vectorised `add_months` over ordinals; returns ordinals."""
    days = ordinals_to_datetime64(ordinals)
    month_start = days.astype("datetime64[M]")
    day_index = (days - month_start.astype("datetime64[D]")).astype(np.int64)  # 0-based day of month
    target = month_start + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    target_len = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    result = target.astype("datetime64[D]") + np.minimum(day_index, target_len - 1).astype("timedelta64[D]")
    return datetime64_to_ordinals(result)


def _parse_iso(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(f"{where}: {value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a valid date") from None


@dataclass(frozen=True)
class HolidayCalendar:
    """An immutable set of bank holidays with the years it is known to cover completely."""

    titles: Mapping[date, str]
    covered_years: frozenset[int]
    name: str = "england-and-wales"

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_table(cls, table: Mapping[int, Iterable[tuple[str, str]]], name: str = "england-and-wales") -> HolidayCalendar:
        titles = {}
        for year, rows in table.items():
            for iso, title in rows:
                d = date.fromisoformat(iso)
                if d.year != year:
                    raise ValueError(f"{iso} is listed under {year}")
                titles[d] = title
        return cls(titles=titles, covered_years=frozenset(table), name=name)

    def extended(self, add: Iterable[date | str | tuple[date | str, str]] = (), *, remove: Iterable[date | str] = (),
                 covers: Iterable[int] | None = None, replace_years: Iterable[int] = ()) -> HolidayCalendar:
        """A new calendar with dates added (and optionally removed or whole years replaced).

        ``covers`` names the years the result should treat as complete; by default, every year
        that has an added date. ``replace_years`` drops this calendar's dates for those years first
        (use it with an authoritative full-year list, such as gov.uk's JSON file).
        """
        replace = set(replace_years)
        titles = {d: t for d, t in self.titles.items() if d.year not in replace}
        added_years = set()
        for item in add:
            if isinstance(item, tuple):
                raw, title = item
            else:
                raw, title = item, "Bank holiday"
            d = _parse_iso(raw, "bank holiday")
            titles[d] = title
            added_years.add(d.year)
        for raw in remove:
            titles.pop(_parse_iso(raw, "removed bank holiday"), None)
        years = set(self.covered_years) | (set(covers) if covers is not None else added_years) | replace
        return HolidayCalendar(titles=titles, covered_years=frozenset(years), name=self.name)

    def extended_from_json(self, source: str | Path | Any, *, division: str = "england-and-wales") -> HolidayCalendar:
        """Extend from JSON: a path, JSON text, or already-parsed data. Accepted shapes:

        * gov.uk's ``bank-holidays.json``: ``{"england-and-wales": {"events": [{"date": ..., "title": ...}]}}``
          (or just ``{"events": [...]}``). gov.uk lists whole years, so each year in the file
          *replaces* that year here (this is how a moved holiday is taken out).
        * a list of dates ``["2031-01-01", ...]`` or of ``{"date": ..., "title": ...}``: added.
        * ``{"add": [...], "remove": [...], "covers": [2031]}``: explicit changes.
        """
        data = source
        if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith(("[", "{"))):
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        elif isinstance(source, str):
            data = json.loads(source)

        def items(rows: Any) -> list[tuple[date, str]]:
            if not isinstance(rows, list):
                raise ValueError("bank holidays: expected a list of dates")
            out = []
            for n, row in enumerate(rows):
                if isinstance(row, Mapping):
                    out.append((_parse_iso(row.get("date"), f"bank holidays[{n}]"), str(row.get("title") or "Bank holiday")))
                else:
                    out.append((_parse_iso(row, f"bank holidays[{n}]"), "Bank holiday"))
            return out

        if isinstance(data, list):
            return self.extended(items(data))
        if not isinstance(data, Mapping):
            raise ValueError("bank holidays: expected a JSON list or object")
        if division in data and isinstance(data[division], Mapping):
            data = data[division]
        if "events" in data:
            rows = items(data["events"])
            years = {d.year for d, _ in rows}
            return self.extended(rows, replace_years=years, covers=years)
        if "add" in data or "remove" in data:
            covers = data.get("covers")
            return self.extended(items(data.get("add", [])), remove=[d for d, _ in items(data.get("remove", []))],
                                 covers=[int(y) for y in covers] if covers is not None else None)
        raise ValueError(f"bank holidays: no '{division}' events, 'events', 'add' or 'remove' in the JSON")

    # -- queries ---------------------------------------------------------------------------
    @property
    def holidays(self) -> frozenset[date]:
        return frozenset(self.titles)

    def holidays_in(self, year: int) -> list[date]:
        self.check_covers(year, year)
        return sorted(d for d in self.titles if d.year == year)

    def covers(self, year: int) -> bool:
        return year in self.covered_years

    def check_covers(self, first_year: int, last_year: int) -> None:
        missing = [y for y in range(first_year, last_year + 1) if y not in self.covered_years]
        if missing:
            shown = ", ".join(str(y) for y in missing[:5]) + ("..." if len(missing) > 5 else "")
            raise CalendarCoverageError(
                f"no bank holidays are known for {shown} in the {self.name} calendar; "
                "add them with HolidayCalendar.extended or `highneeds deadlines --bank-holidays FILE`")

    def _busdaycal(self) -> np.busdaycalendar:
        cached = self.__dict__.get("_cal")
        if cached is None:
            cached = np.busdaycalendar(weekmask="1111100", holidays=np.array(sorted(self.titles), dtype="datetime64[D]"))
            object.__setattr__(self, "_cal", cached)
        return cached

    def is_working_day(self, d: date) -> bool:
        self.check_covers(d.year, d.year)
        return d.weekday() < 5 and d not in self.titles

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (n >= 0; `d` itself is not counted; n = 0 gives `d`)."""
        if n < 0:
            raise ValueError("n must be zero or more")
        if n == 0:
            return d
        out = np.busday_offset(np.datetime64(d, "D"), n, roll="backward", busdaycal=self._busdaycal())
        result = out.astype(object)
        self.check_covers(d.year, result.year)
        return result

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative if b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        self.check_covers(a.year, b.year)
        return int(np.busday_count(np.datetime64(a + timedelta(days=1), "D"), np.datetime64(b + timedelta(days=1), "D"),
                                   busdaycal=self._busdaycal()))

    def add_working_days_ordinals(self, ordinals: np.ndarray, n: int | np.ndarray, *, start_counts: bool = False) -> np.ndarray:
        """Vectorised: the n-th working day after each start (or, with ``start_counts``, the n-th
        working day counting the start itself as day 1 when it is a working day)."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        if ordinals.size == 0:
            return ordinals.copy()
        n = np.asarray(n, dtype=np.int64)
        days = ordinals_to_datetime64(ordinals)
        if start_counts:
            out = np.busday_offset(days, n - 1, roll="forward", busdaycal=self._busdaycal())
        else:
            out = np.busday_offset(days, n, roll="backward", busdaycal=self._busdaycal())
            out = np.where(n == 0, days, out)
        result = datetime64_to_ordinals(out)
        lo = date.fromordinal(int(min(ordinals.min(), result.min()))).year
        hi = date.fromordinal(int(max(ordinals.max(), result.max()))).year
        self.check_covers(lo, hi)
        return result


ENGLAND_AND_WALES = HolidayCalendar.from_table(BANK_HOLIDAYS_ENGLAND_AND_WALES)

# England and Wales have 8 bank holidays in an ordinary year; fewer means a partial list.
MIN_HOLIDAYS_A_YEAR = 8


def read_govuk_years(data: Any, division: str = "england-and-wales") -> dict[int, list[tuple[str, str]]]:
    """Whole years of bank holidays from gov.uk's ``bank-holidays.json`` (already parsed JSON),
    ``{year: [(iso date, title), ...]}``, sorted. Strict: raises ValueError naming the problem
    (missing division, a bad date, a year too short to be complete) rather than keep part of it.
    """
    if not isinstance(data, Mapping):
        raise ValueError("expected a JSON object like gov.uk's bank-holidays.json "
                         '({"england-and-wales": {"division": ..., "events": [...]}, ...})')
    if division not in data:
        found = ", ".join(sorted(str(k) for k in data)) or "nothing"
        raise ValueError(f"no '{division}' division in the file (found: {found})")
    part = data[division]
    if not isinstance(part, Mapping) or not isinstance(part.get("events"), list):
        raise ValueError(f"'{division}' must be an object with a list of 'events'")
    if not part["events"]:
        raise ValueError(f"'{division}' has no events")
    years: dict[int, dict[str, str]] = {}
    for n, row in enumerate(part["events"]):
        where = f"{division}.events[{n}]"
        if not isinstance(row, Mapping):
            raise ValueError(f"{where}: expected an object with 'date' and 'title'")
        d = _parse_iso(row.get("date"), f"{where}.date")
        title = row.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"{where}: 'title' is missing")
        if d.weekday() >= 5:
            raise ValueError(f"{where}: {d.isoformat()} is a {d.strftime('%A')}; bank holidays fall on weekdays")
        years.setdefault(d.year, {})[d.isoformat()] = title.strip()
    short = [f"{y} has {len(days)}" for y, days in sorted(years.items()) if len(days) < MIN_HOLIDAYS_A_YEAR]
    if short:
        raise ValueError(f"{'; '.join(short)} date(s): England and Wales have at least {MIN_HOLIDAYS_A_YEAR} bank "
                         "holidays a year, so the file looks incomplete")
    return {y: sorted(days.items()) for y, days in sorted(years.items())}


def with_years(base: HolidayCalendar, years: Mapping[int | str, Iterable[tuple[str, str] | list]]) -> HolidayCalendar:
    """`base` with whole years replaced or added (as stored by `highneeds bank-holidays import`)."""
    rows = [(str(iso), str(title)) for days in years.values() for iso, title in days]
    numbers = [int(y) for y in years]
    return base.extended(rows, replace_years=numbers, covers=numbers) if numbers else base
