"""Timeliness as the DfE publishes it, computed live from casework: the page /insight/timeliness/.

The measures and their definitions are the engine's (`highneeds.engine.timeliness`): this module only
reads the clock's answer that the casework services cache on every request (`AssessmentRequest.deadlines`,
one entry per statutory step with its start, due and done dates and any permitted exceptions) and hands
the relevant steps to the engine's functions for the chosen period. No clock is run here.

* EHC plans issued within 20 weeks, including and excluding exceptions, with the 20 to 52 week and
  over 52 week bands: plans placed in the period by the date they were issued.
* Decisions whether to assess made within 6 weeks: requests placed in the period by the date received.
* Decisions not to issue a plan made within 16 weeks: placed by the date of the decision.

Aggregates only: no child is named. Readers who may not open every child's record (strategic leads, the lead
member, finance) get counts protected by insight/disclosure.py, over whole calendar quarters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.shortcuts import render

from highneeds.casework.models import AssessmentRequest
from highneeds.council.models import CouncilSettings
from highneeds.engine import timeliness as engine
from highneeds.engine.disclosure import Policy
from highneeds.web.access import requires
from highneeds.web.forms import GovukDateField, GovukForm

from . import disclosure

STEPS = ("final_plan", "decide_whether_to_assess", "notify_not_issue")


def default_period(today: date) -> tuple[date, date]:
    """The last full calendar year."""
    return engine.calendar_year(today.year - 1)


def completed_steps(last: date) -> list[dict]:
    """The done steps the three measures read, from requests received on or before `last` (no step of a
    later request can be done in the period). One query over the cached deadlines; no clock run."""
    found = []
    rows = AssessmentRequest.objects.filter(received_on__lte=last).values_list("deadlines", flat=True)
    for deadlines in rows.iterator(chunk_size=2000):
        for step in deadlines or ():
            if step.get("done") and step.get("step") in STEPS:
                found.append(step)
    return found


def figures(first: date, last: date, *, receipt_is_day_one: bool | None = None) -> dict[str, engine.Timeliness]:
    if receipt_is_day_one is None:
        receipt_is_day_one = CouncilSettings.current().rules().receipt_is_day_one
    steps = completed_steps(last)
    period = (first, last)
    return {
        "plans": engine.plans_within_20_weeks(steps, period, receipt_is_day_one=receipt_is_day_one),
        "decisions": engine.decisions_within_6_weeks(steps, period),
        "not_issue": engine.not_issue_within_16_weeks(steps, period),
    }


# ---------------------------------------------------------------------------------------------
# Showing the figures


@dataclass(frozen=True)
class Shown:
    """One measure as this reader may see it (insight/disclosure.py). Its counts form a table whose rows are the
    cases without and with an exception and whose columns are within the limit, late within a year, over a year
    and otherwise late; protecting that whole table keeps a hidden count from being worked out by subtraction."""

    measure: engine.Timeliness
    policy: Policy

    @cached_property
    def _table(self):
        t = self.measure
        including = [t.within, t.late_within_year, t.over_a_year]
        excluding = [t.within_ex, t.late_within_year_ex, t.over_a_year_ex]
        including.append(t.denominator - sum(including))
        excluding.append(t.denominator_ex - sum(excluding))
        exceptions = [a - b for a, b in zip(including, excluding)]
        return disclosure.protect(self.policy, [excluding, exceptions])

    def _pct(self, part: int, whole: int) -> str:
        return disclosure.percent_text(part, whole, self.policy)

    @property
    def including(self) -> dict:
        t, shown = self.measure, self._table.column_totals
        return {
            "denominator": disclosure.shown(self._table.total),
            "within": disclosure.shown(shown[0]),
            "pct": self._pct(t.within, t.denominator),
            "late": disclosure.shown(shown[1]),
            "late_pct": self._pct(t.late_within_year, t.denominator),
            "over": disclosure.shown(shown[2]),
            "over_pct": self._pct(t.over_a_year, t.denominator),
        }

    @property
    def excluding(self) -> dict:
        t, shown = self.measure, self._table.cells[0]
        return {
            "denominator": disclosure.shown(self._table.row_totals[0]),
            "within": disclosure.shown(shown[0]),
            "pct": self._pct(t.within_ex, t.denominator_ex),
            "late": disclosure.shown(shown[1]),
            "late_pct": self._pct(t.late_within_year_ex, t.denominator_ex),
            "over": disclosure.shown(shown[2]),
            "over_pct": self._pct(t.over_a_year_ex, t.denominator_ex),
            "with_exceptions": disclosure.shown(self._table.row_totals[1]),
        }


class PeriodForm(GovukForm):
    start = GovukDateField(label="From")
    end = GovukDateField(label="To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end of the period must be the same as or after the start")
        return data


@requires("insight.view_aggregates")
def timeliness_page(request):
    today = date.today()
    first, last = default_period(today)
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = PeriodForm(initial={"start": first, "end": last})
    # Named children are never shown. Readers who may not open every record get protected counts over whole
    # quarters: two periods one day apart no longer differ by the one child decided on that day.
    policy = disclosure.policy_for(request.user)
    asked = (first, last)
    first, last = disclosure.period_for(policy, first, last)
    results = figures(first, last)
    years = [today.year - n for n in range(1, 4)]
    return render(
        request,
        "insight/timeliness.html",
        {
            "page_title": "Timeliness of EHC needs assessments",
            "form": form,
            "first": first,
            "last": last,
            "plans": Shown(results["plans"], policy),
            "decisions": Shown(results["decisions"], policy),
            "not_issue": Shown(results["not_issue"], policy),
            "note": disclosure.note(policy),
            "widened": asked != (first, last),
            "years": years,
            "error_title": bool(form.errors),
        },
    )
