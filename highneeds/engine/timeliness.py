"""Timeliness measures as the DfE publishes them, over statutory-clock results (pure Python).

The same functions serve national statistics, a council's live figures and the SEN2 return:
they take plain records, so clock output, JSON from `highneeds deadlines`, or rows built from the
database all work. A record is either

* a case result with ``deadlines`` (a `CaseResult`, or its JSON: ``{"deadlines": [...]}``), whose
  steps are all looked at; or
* a single step: anything with ``step``, ``start``, ``due``, ``done`` and ``exceptions`` as
  attributes or keys (a `StepResult`, or one entry of ``deadlines`` in the JSON). Dates may be
  `date` objects or ``YYYY-MM-DD`` strings.

Definitions (DOMAIN.md section 1; EES "Education, health and care plans", timeliness_20_week.csv):

* **Within 20 weeks, including exceptions**: of all EHC plans issued in the period (the
  denominator), those issued on or before the 20-week due date.
* **Within 20 weeks, excluding exceptions**: plans with any permitted exception recorded for the
  20-week limit (SEN2 ``Week20`` = 1; here, a non-empty ``exceptions`` on the ``final_plan``
  step) are removed from both numerator and denominator.
* **20 to 52 weeks** and **over 52 weeks**: plans issued after the 20-week due date and on or
  before, or after, the 52-week point (counted the same way as the 20-week limit), each including
  and excluding exceptions.
* **Decisions within 6 weeks** (decide_whether_to_assess) and **decisions not to issue within 16
  weeks** (notify_not_issue): the same pair of measures over those steps.

Which date places a record in a period: plans by the date issued (``done``), as the DfE publishes
20-week timeliness "for plans issued in the calendar year"; 16-week decisions by the decision
date; 6-week decisions by the date the request was received (the clock start), as the DfE's
requests table counts requests received in the year. The DfE's basis for the last two is not
confirmed from a primary source (UNVERIFIED), so each function takes ``basis="done"|"start"``.

Percentages are given exactly and rounded as the DfE rounds: to one decimal place, halves up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "Timeliness",
    "calendar_year",
    "combine",
    "decisions_within_6_weeks",
    "not_issue_within_16_weeks",
    "percent",
    "plans_within_20_weeks",
    "timeliness",
]

Period = "int | tuple[date, date]"


def calendar_year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def percent(numerator: int, denominator: int) -> float | None:
    """numerator/denominator as a percentage to one decimal place, halves rounded up (DfE style)."""
    if not denominator:
        return None
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


@dataclass(frozen=True)
class Timeliness:
    """Counts for one measure over one period. Add two to combine areas (sums, never averages)."""

    measure: str
    denominator: int = 0  # all in scope, including those with exceptions
    within: int = 0  # on or before the due date
    denominator_ex: int = 0  # excluding those with an exception recorded
    within_ex: int = 0
    late_within_year: int = 0  # after the due date, within 52 weeks (20-week measure only)
    late_within_year_ex: int = 0
    over_a_year: int = 0  # more than 52 weeks (20-week measure only)
    over_a_year_ex: int = 0

    @property
    def with_exceptions(self) -> int:
        return self.denominator - self.denominator_ex

    @property
    def pct(self) -> float | None:
        """% within the limit including exceptions, to 1 dp."""
        return percent(self.within, self.denominator)

    @property
    def pct_ex(self) -> float | None:
        """% within the limit excluding exceptions, to 1 dp."""
        return percent(self.within_ex, self.denominator_ex)

    @property
    def pct_exact(self) -> float | None:
        return 100 * self.within / self.denominator if self.denominator else None

    @property
    def pct_ex_exact(self) -> float | None:
        return 100 * self.within_ex / self.denominator_ex if self.denominator_ex else None

    def __add__(self, other: Timeliness) -> Timeliness:
        if not isinstance(other, Timeliness):
            return NotImplemented
        if other.measure != self.measure:
            raise ValueError(f"cannot add {other.measure} to {self.measure}")
        counts = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.name != "measure"}
        return Timeliness(self.measure, **counts)

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(pct=self.pct, pct_ex=self.pct_ex)
        return out


def combine(parts: Iterable[Timeliness]) -> Timeliness:
    """Sum measures (e.g. local authorities to national)."""
    total: Timeliness | None = None
    for part in parts:
        total = part if total is None else total + part
    if total is None:
        raise ValueError("nothing to combine")
    return total


# -- reading plain records ---------------------------------------------------------------------
def _get(record: Any, name: str, default: Any = None) -> Any:
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _steps(records: Iterable[Any]) -> Iterator[Any]:
    for record in records:
        deadlines = _get(record, "deadlines")
        if deadlines is not None:
            yield from deadlines
        else:
            yield record


def _period(period: int | tuple[date, date]) -> tuple[date, date]:
    return calendar_year(period) if isinstance(period, int) else (_as_date(period[0]), _as_date(period[1]))


def timeliness(
    records: Iterable[Any],
    *,
    step: str,
    period: int | tuple[date, date],
    basis: str = "done",
    measure: str | None = None,
    year_weeks: int | None = None,
    receipt_is_day_one: bool = False,
) -> Timeliness:
    """The including/excluding-exceptions pair for completed steps named `step` in `period`.

    `basis` chooses the date that places a record in the period ("done" or "start"). Records
    not yet done are not counted (the DfE counts decisions made and plans issued). With
    `year_weeks`, late records are split at that many weeks from the start (52 for the 20-week
    measure), counted like the limit itself (`receipt_is_day_one`, as in `ClockRules`).
    """
    if basis not in ("done", "start"):
        raise ValueError("basis must be 'done' or 'start'")
    first, last = _period(period)
    n = within = n_ex = within_ex = late_year = late_year_ex = over = over_ex = 0
    for s in _steps(records):
        if _get(s, "step") != step:
            continue
        done = _as_date(_get(s, "done"))
        if done is None:
            continue
        when = done if basis == "done" else _as_date(_get(s, "start"))
        if not (first <= when <= last):
            continue
        due = _as_date(_get(s, "due"))
        excepted = bool(_get(s, "exceptions"))
        on_time = done <= due
        n += 1
        within += on_time
        if not excepted:
            n_ex += 1
            within_ex += on_time
        if year_weeks is not None and not on_time:
            year_point = _as_date(_get(s, "start")) + timedelta(days=7 * year_weeks - (1 if receipt_is_day_one else 0))
            if done <= year_point:
                late_year += 1
                late_year_ex += not excepted
            else:
                over += 1
                over_ex += not excepted
    return Timeliness(measure or step, n, within, n_ex, within_ex, late_year, late_year_ex, over, over_ex)


def plans_within_20_weeks(
    records: Iterable[Any], period: int | tuple[date, date], *, basis: str = "done", receipt_is_day_one: bool = False
) -> Timeliness:
    """EHC plans issued within 20 weeks, including and excluding exceptions, with the 20-52 week and
    over-52-week bands (EES timeliness_20_week.csv)."""
    return timeliness(
        records,
        step="final_plan",
        period=period,
        basis=basis,
        measure="plans_within_20_weeks",
        year_weeks=52,
        receipt_is_day_one=receipt_is_day_one,
    )


def decisions_within_6_weeks(
    records: Iterable[Any], period: int | tuple[date, date], *, basis: str = "start"
) -> Timeliness:
    """Decisions whether to assess made within 6 weeks (EES requests.csv request_outcome_six_weeks)."""
    return timeliness(
        records, step="decide_whether_to_assess", period=period, basis=basis, measure="decisions_within_6_weeks"
    )


def not_issue_within_16_weeks(
    records: Iterable[Any], period: int | tuple[date, date], *, basis: str = "done"
) -> Timeliness:
    """Decisions not to issue a plan made within 16 weeks (EES assessments.csv outcome_decision_within_time)."""
    return timeliness(records, step="notify_not_issue", period=period, basis=basis, measure="not_issue_within_16_weeks")
