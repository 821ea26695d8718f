"""Timeliness as the DfE publishes it, computed live from casework: the page /insight/timeliness/.

The measures and their definitions are the engine's (`highneeds.engine.timeliness`): this module only
reads the clock's answer that the casework services cache on every request (`AssessmentRequest.deadlines`,
one entry per statutory step with its start, due and done dates and any permitted exceptions) and hands
the relevant steps to the engine's functions for the chosen period. No clock is run here.

* EHC plans issued within 20 weeks, including and excluding exceptions, with the 20 to 52 week and
  over 52 week bands: plans placed in the period by the date they were issued.
* Decisions whether to assess made within 6 weeks: requests placed in the period by the date received.
* Decisions not to issue a plan made within 16 weeks: placed by the date of the decision.

Aggregates only: no child is named. For people who cannot open children's records (strategic leads and
the lead member) counts from 1 to 4 are shown as "fewer than 5", and a percentage whose group is that
small is not shown, as on the local area figures page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.shortcuts import render

from highneeds.casework.models import AssessmentRequest
from highneeds.council.models import CouncilSettings
from highneeds.engine import timeliness as engine
from highneeds.web.access import requires
from highneeds.web.forms import GovukDateField

from .aggregates import SUPPRESS_BELOW

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
    """One measure as displayed: counts (or "fewer than 5") and percentages (or None when not shown)."""

    measure: engine.Timeliness
    suppress: bool

    def n(self, value: int) -> int | str:
        return "fewer than 5" if self.suppress and 0 < value < SUPPRESS_BELOW else value

    def pct(self, within: int, denominator: int) -> str:
        if not denominator:
            return "No cases"
        if self.suppress and denominator < SUPPRESS_BELOW:
            return "Not shown (fewer than 5)"
        return f"{engine.percent(within, denominator):.1f}%"

    @property
    def including(self) -> dict:
        t = self.measure
        return {"denominator": self.n(t.denominator), "within": self.n(t.within),
                "pct": self.pct(t.within, t.denominator),
                "late": self.n(t.late_within_year), "late_pct": self.pct(t.late_within_year, t.denominator),
                "over": self.n(t.over_a_year), "over_pct": self.pct(t.over_a_year, t.denominator)}

    @property
    def excluding(self) -> dict:
        t = self.measure
        return {"denominator": self.n(t.denominator_ex), "within": self.n(t.within_ex),
                "pct": self.pct(t.within_ex, t.denominator_ex),
                "late": self.n(t.late_within_year_ex), "late_pct": self.pct(t.late_within_year_ex, t.denominator_ex),
                "over": self.n(t.over_a_year_ex), "over_pct": self.pct(t.over_a_year_ex, t.denominator_ex),
                "with_exceptions": self.n(t.with_exceptions)}


class PeriodForm(forms.Form):
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
    results = figures(first, last)
    # Named children are never shown; small counts are hidden from people who cannot open records.
    suppress = not request.user.has_perm("people.search_children")
    years = [today.year - n for n in range(1, 4)]
    return render(request, "insight/timeliness.html", {
        "page_title": "Timeliness of EHC needs assessments", "form": form, "first": first, "last": last,
        "plans": Shown(results["plans"], suppress), "decisions": Shown(results["decisions"], suppress),
        "not_issue": Shown(results["not_issue"], suppress), "suppress": suppress, "years": years,
        "error_title": bool(form.errors),
    })
