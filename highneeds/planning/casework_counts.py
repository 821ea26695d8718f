"""Counting the council's own casework for the forecast: plain numbers, never a named child.

* Plans at the base date: children with an EHC plan status period (people.SenStatusPeriod, status E)
  open on 15 January of the base year, by single year of age on the 31 August before it (the age the
  DfE's SEN2 return uses for a January caseload), primary need (ChildNeed rank 1; none recorded: "OTH")
  and setting: the child's placement open on that date (an on-roll one before a dual registration,
  the latest first), mapped to the engine's setting types by the engine's own mapping
  (`highneeds.engine.forecast.inputs.setting_for`; no placement at all: "other").
* New plans by calendar year: plan status periods starting in the year, by age at the start and need.
* Ceased plans by calendar year: plan status periods ending in the year, by age at the end.
* Requests by calendar year of receipt (duplicates of an open request left out) and conversions: those
  requests that led to a plan being issued.

Needs are the child's current primary need (needs are not kept as a dated history).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Q

from highneeds.casework.models import AssessmentRequest
from highneeds.engine import schoolyear
from highneeds.engine.forecast import inputs
from highneeds.people.models import ChildNeed, Placement, SenStatusPeriod

AGES = 26
BASE_DAY = (1, 15)  # month, day of the January snapshot (SEN2 counts plans at mid-January)
HISTORY_YEARS = 5  # calendar years of joiners, leavers and requests counted before the base year


def setting_for(establishment_type: str | None, placement_type: str | None) -> str:
    """The engine's setting for a placement: its mapping of establishment and placement types."""
    return inputs.setting_for(establishment_type, placement_type)


def need_for(code: str | None) -> str:
    return inputs.need_for(code)


def default_base_year(today: date | None = None) -> int:
    """The latest January snapshot that has happened and that casework reaches: a council whose records stop
    in 2022 (a copy, or the demo's census day) is forecast from January 2022, not from an empty today."""
    from django.db.models import Max

    today = today or date.today()
    latest = [
        d
        for d in (
            SenStatusPeriod.objects.aggregate(d=Max("start_date"))["d"],
            AssessmentRequest.objects.aggregate(d=Max("received_on"))["d"],
        )
        if d is not None
    ]
    on = min([today, max(latest)]) if latest else today
    return on.year if (on.month, on.day) >= BASE_DAY else on.year - 1


def base_date(base_year: int) -> date:
    return date(base_year, *BASE_DAY)


@dataclass
class CaseworkCounts:
    """What `casework_counts` found; arrays indexed by the given needs and settings tuples."""

    base_year: int
    needs: tuple[str, ...]
    settings: tuple[str, ...]
    counts: np.ndarray  # (26, needs, settings) plans at the base date
    history_years: list[int]
    new_plans: np.ndarray  # (years, 26, needs)
    ceased: np.ndarray  # (years, 26)
    requests: np.ndarray  # (years,)
    conversions: np.ndarray  # (years,)
    unplaced: int = 0  # plans at the base date with no open placement (counted as "other")
    notes: list[str] = field(default_factory=list)
    history_totals: dict[int, int] = field(default_factory=dict)  # plans in force at each earlier January

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def _age(dob: date, on: date) -> int:
    return min(max(schoolyear.age_on(dob, on), 0), AGES - 1)


def casework_counts(base_year: int, history_years: int = HISTORY_YEARS) -> CaseworkCounts:
    needs, settings = tuple(inputs.NEEDS), tuple(inputs.SETTINGS)
    on = base_date(base_year)
    age_day = date(base_year - 1, 8, 31)
    n_index = {n: i for i, n in enumerate(needs)}
    s_index = {s: i for i, s in enumerate(settings)}
    primary = dict(ChildNeed.objects.filter(rank=1, child__sen_periods__status="E").values_list("child_id", "code"))

    # Plans open on the base date.
    open_plans = (
        SenStatusPeriod.objects.filter(status="E", start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .values_list("child_id", "child__date_of_birth")
    )
    holders = dict(open_plans)
    placed: dict[int, tuple] = {}
    rows = (
        Placement.objects.filter(
            child_id__in=SenStatusPeriod.objects.filter(status="E", start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
            .values("child_id")
        )
        .filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .values_list("child_id", "placement_type", "establishment__establishment_type", "start_date")
    )
    for child_id, ptype, etype, start in rows:
        rank = (ptype != "DUAL", start)  # on roll beats dual registration; then the latest
        if child_id not in placed or rank > placed[child_id][0]:
            placed[child_id] = (rank, ptype, etype)
    counts = np.zeros((AGES, len(needs), len(settings)))
    unplaced = 0
    for child_id, dob in holders.items():
        found = placed.get(child_id)
        unplaced += found is None
        setting = setting_for(found[2] if found else None, found[1] if found else None)
        counts[_age(dob, age_day), n_index[need_for(primary.get(child_id))], s_index[setting]] += 1

    # Joiners, leavers and requests by calendar year.
    years = list(range(base_year - history_years, base_year))
    y_index = {y: i for i, y in enumerate(years)}
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    new_plans = np.zeros((len(years), AGES, len(needs)))
    for child_id, dob, start in SenStatusPeriod.objects.filter(status="E", start_date__range=(first, last)).values_list(
        "child_id", "child__date_of_birth", "start_date"
    ):
        new_plans[y_index[start.year], _age(dob, start), n_index[need_for(primary.get(child_id))]] += 1
    ceased = np.zeros((len(years), AGES))
    for dob, end in SenStatusPeriod.objects.filter(status="E", end_date__range=(first, last)).values_list(
        "child__date_of_birth", "end_date"
    ):
        ceased[y_index[end.year], _age(dob, end)] += 1
    requests = np.zeros(len(years))
    conversions = np.zeros(len(years))
    for received, status in AssessmentRequest.objects.filter(
        received_on__range=(first, last), duplicate_of__isnull=True
    ).values_list("received_on", "status"):
        requests[y_index[received.year]] += 1
        conversions[y_index[received.year]] += status == "plan_issued"
    # Plans in force at each earlier January: the actual history the charts draw before the forecast.
    history_totals = {
        y: SenStatusPeriod.objects.filter(status="E", start_date__lte=base_date(y))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=base_date(y)))
        .values("child_id")
        .distinct()
        .count()
        for y in years
    }
    notes = []
    if unplaced:
        notes.append(
            f"{unplaced} plan{'s' if unplaced != 1 else ''} had no placement recorded on {on:%-d %B %Y}: "
            f"counted as 'other'"
        )
    return CaseworkCounts(
        base_year,
        tuple(needs),
        tuple(settings),
        counts,
        years,
        new_plans,
        ceased,
        requests,
        conversions,
        unplaced,
        notes,
        history_totals,
    )
