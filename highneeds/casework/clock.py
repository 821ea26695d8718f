"""The bridge between a request's records and the statutory clock engine."""

from __future__ import annotations

from datetime import date

from highneeds.council import clock as council_clock
from highneeds.engine import clock

from .models import AssessmentRequest, ClockException


def case_for_clock(
    request: AssessmentRequest, extra_event: dict | None = None, extra_exception: dict | None = None
) -> dict:
    """The case in the JSON shape the clock (and `highneeds deadlines`) reads."""
    # Sorted in Python so that prefetched events (recalculate_clocks) cost no query per request.
    events = [
        {"type": e.event_type, "date": e.occurred_on.isoformat(), **(e.detail or {})}
        for e in sorted(request.events.all(), key=lambda e: (e.occurred_on, e.id))
        if e.event_type != "request_received"
    ]
    if extra_event:
        events.append(extra_event)
    exceptions = [exception_json(x) for x in request.exceptions.all()]
    if extra_exception:
        exceptions.append(extra_exception)
    case = {"request_received": request.received_on.isoformat(), "events": events, "exceptions": exceptions}
    if request.responsible_from:
        case["responsible_from"] = request.responsible_from.isoformat()
    return case


def exception_json(x: ClockException) -> dict:
    if x.code == "MISSED_APPT":
        return {"type": x.code, "date": x.date_from.isoformat(), "adviser": x.adviser}
    out = {"type": x.code, "from": x.date_from.isoformat()}
    if x.date_to:
        out["to"] = x.date_to.isoformat()
    if x.code in ("SCHOOL_CLOSURE", "EY_CLOSURE"):
        out["adviser"] = x.adviser
    return out


def run_clock(request: AssessmentRequest, *, today: date | None = None, **extra) -> clock.CaseResult:
    return council_clock.compute_case(case_for_clock(request, **extra), today)


def apply_result(request: AssessmentRequest, result: clock.CaseResult) -> None:
    """Cache the clock's answer on the request (unsaved): the deadlines and the next one to act on."""
    request.deadlines = [s.as_json() for s in result.deadlines]
    # The earliest lawful finalisation date is a lower bound, and an appeal window is the family's:
    # neither is something the council acts by.
    pending = sorted(
        (s for s in result.deadlines if s.done is None and s.status in ("pending", "overdue") and s.bound == "latest"),
        key=lambda s: s.due,
    )
    if request.is_open and pending:
        request.next_step, request.next_due = pending[0].step, pending[0].due
    else:
        request.next_step, request.next_due = "", None


def results_for(requests: list[AssessmentRequest], today: date | None = None) -> list[clock.CaseResult]:
    """The clock for many requests at once (their events and exceptions prefetched)."""
    return council_clock.compute_many([case_for_clock(r) for r in requests], today)
