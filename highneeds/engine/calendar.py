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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from highneeds.engine.bank_holidays import BANK_HOLIDAYS_ENGLAND_AND_WALES, PROJECTED_YEARS

__all__ = [
    "BANK_HOLIDAYS_ENGLAND_AND_WALES",
    "CalendarCoverageError",
    "HolidayCalendar",
    "PROJECTED_YEARS",
    "ENGLAND_AND_WALES",
    "add_months",
    "add_months_ordinals",
    "ordinals_to_datetime64",
    "read_govuk_years",
    "with_years",
    "datetime64_to_ordinals",
]

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
    target_len = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
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
    def from_table(
        cls, table: Mapping[int, Iterable[tuple[str, str]]], name: str = "england-and-wales"
    ) -> HolidayCalendar:
        titles = {}
        for year, rows in table.items():
            for iso, title in rows:
                d = date.fromisoformat(iso)
                if d.year != year:
                    raise ValueError(f"{iso} is listed under {year}")
                titles[d] = title
        return cls(titles=titles, covered_years=frozenset(table), name=name)

    def extended(
        self,
        add: Iterable[date | str | tuple[date | str, str]] = (),
        *,
        remove: Iterable[date | str] = (),
        covers: Iterable[int] | None = None,
        replace_years: Iterable[int] = (),
    ) -> HolidayCalendar:
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
                    out.append(
                        (_parse_iso(row.get("date"), f"bank holidays[{n}]"), str(row.get("title") or "Bank holiday"))
                    )
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
            return self.extended(
                items(data.get("add", [])),
                remove=[d for d, _ in items(data.get("remove", []))],
                covers=[int(y) for y in covers] if covers is not None else None,
            )
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
                "add them with HolidayCalendar.extended or `highneeds deadlines --bank-holidays FILE`"
            )

    def _busdaycal(self) -> np.busdaycalendar:
        cached = self.__dict__.get("_cal")
        if cached is None:
            cached = np.busdaycalendar(
                weekmask="1111100", holidays=np.array(sorted(self.titles), dtype="datetime64[D]")
            )
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
        return int(
            np.busday_count(
                np.datetime64(a + timedelta(days=1), "D"),
                np.datetime64(b + timedelta(days=1), "D"),
                busdaycal=self._busdaycal(),
            )
        )

    def add_working_days_ordinals(
        self, ordinals: np.ndarray, n: int | np.ndarray, *, start_counts: bool = False
    ) -> np.ndarray:
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
        raise ValueError(
            "expected a JSON object like gov.uk's bank-holidays.json "
            '({"england-and-wales": {"division": ..., "events": [...]}, ...})'
        )
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
        raise ValueError(
            f"{'; '.join(short)} date(s): England and Wales have at least {MIN_HOLIDAYS_A_YEAR} bank "
            "holidays a year, so the file looks incomplete"
        )
    return {y: sorted(days.items()) for y, days in sorted(years.items())}


def with_years(base: HolidayCalendar, years: Mapping[int | str, Iterable[tuple[str, str] | list]]) -> HolidayCalendar:
    """`base` with whole years replaced or added (as stored by `highneeds bank-holidays import`)."""
    rows = [(str(iso), str(title)) for days in years.values() for iso, title in days]
    numbers = [int(y) for y in years]
    return base.extended(rows, replace_years=numbers, covers=numbers) if numbers else base
