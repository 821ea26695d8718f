"""The bridge between reviews, phase transfers and reassessments and the statutory clock engine.

Each record is replayed as part of its plan's life: the plan's making (`final_plan_issued`), the
previous review meeting where there is one (the 12 months then count from it), then the record's own
dated steps in the clock's vocabulary (docs/statutory-clock.md). The clock's steps for the record are
cached on it (`deadlines`), with the earliest still to do as `next_step`/`next_due`.
"""

from __future__ import annotations

from datetime import date

from highneeds.council import clock as council_clock
from highneeds.engine import clock

from .models import AnnualReview, PhaseTransfer, Reassessment

REVIEW_STEPS = ("review_due", "review_invitations", "review_advice", "review_report", "review_decision", "amended_plan")
TRANSFER_STEPS = ("phase_transfer",)
REASSESSMENT_STEPS = ("reassessment_decision", "reassessed_plan")


def _ev(kind: str, on: date | None, **detail) -> dict | None:
    return {"type": kind, "date": on.isoformat(), **detail} if on else None


def _plan_made(plan, fallback: date) -> date:
    return plan.first_issued_on or fallback


def review_events(review: AnnualReview, previous_meeting: date | None = None) -> list[dict]:
    events = [
        _ev("final_plan_issued", _plan_made(review.plan, review.counted_from)),
        _ev("annual_review_meeting", previous_meeting),
        _ev(
            "review_meeting_arranged",
            review.meeting_arranged_on,
            meeting_on=review.meeting_on.isoformat() if review.meeting_on else None,
        ),
        _ev("review_invitations_sent", review.invitations_sent_on),
        _ev("review_advice_circulated", review.advice_circulated_on),
        _ev("annual_review_meeting", review.held_on),
        _ev("review_report_sent", review.report_sent_on),
        _ev("review_decision", review.decided_on, outcome=review.decision),
        _ev("amendments_proposed", review.amendments_sent_on),
        _ev("amended_plan_issued", review.amended_plan_issued_on),
    ]
    return [e for e in events if e]


def transfer_events(transfer: PhaseTransfer) -> list[dict]:
    events = [
        _ev("final_plan_issued", _plan_made(transfer.plan, transfer.identified_on)),
        _ev(
            "phase_transfer_identified",
            transfer.identified_on,
            transfer_on=transfer.transfer_on.isoformat(),
            transfer=transfer.kind,
        ),
        _ev("phase_transfer_amended", transfer.amended_on),
    ]
    return [e for e in events if e]


def reassessment_events(item: Reassessment) -> list[dict]:
    events = [
        _ev("final_plan_issued", _plan_made(item.plan, item.received_on)),
        _ev("reassessment_requested", item.received_on),
        _ev("reassessment_decision", item.decided_on, outcome=item.decision),
        _ev("reassessed_plan_issued", item.plan_issued_on),
    ]
    return [e for e in events if e]


def case_for(record, previous_meeting: date | None = None) -> dict:
    """The case in the JSON shape the clock (and `highneeds deadlines`) reads."""
    if isinstance(record, AnnualReview):
        events = review_events(record, previous_meeting)
    elif isinstance(record, PhaseTransfer):
        events = transfer_events(record)
    else:
        events = reassessment_events(record)
    case = {"events": events, "exceptions": []}
    if isinstance(record, AnnualReview):
        # The under-5s option (review every 3 to 6 months) needs the child's age.
        case["date_of_birth"] = record.child.date_of_birth.isoformat()
    return case


def steps_for(record) -> tuple[str, ...]:
    if isinstance(record, AnnualReview):
        return REVIEW_STEPS
    return TRANSFER_STEPS if isinstance(record, PhaseTransfer) else REASSESSMENT_STEPS


def run(record, *, previous_meeting: date | None = None, today: date | None = None) -> clock.CaseResult:
    """The clock for one record; a case the clock cannot read becomes a ValidationError for the form."""
    return council_clock.compute_case(case_for(record, previous_meeting), today)


def run_many(records: list, previous_meetings: list[date | None] | None = None, today: date | None = None) -> list:
    """The clock for many records at once (`previous_meetings`: for reviews, in the same order)."""
    previous_meetings = previous_meetings or [None] * len(records)
    cases = [case_for(r, p) for r, p in zip(records, previous_meetings)]
    return council_clock.compute_many(cases, today)


def apply(record, result: clock.CaseResult) -> None:
    """Cache the clock's answer for this record's steps on it (unsaved)."""
    mine = steps_for(record)
    # A review's case holds the plan's making and the previous meeting too, so steps appear for earlier
    # periods (review_due from the plan; report and decision for the previous meeting), and this review's
    # own meeting starts the next period. Keep the instances that belong to this review.
    own_start = {}
    if isinstance(record, AnnualReview):
        own_start = {
            "review_due": record.counted_from,
            "review_report": record.held_on,
            "review_decision": record.held_on,
            "amended_plan": record.amendments_sent_on,
        }
    latest: dict[str, clock.StepResult] = {}
    for s in result.deadlines:
        if s.step.partition(":")[0] not in mine:
            continue
        if s.step in own_start and s.start != own_start[s.step]:
            continue
        if s.step not in latest or s.start >= latest[s.step].start:
            latest[s.step] = s
    kept = sorted(latest.values(), key=lambda s: (s.due, s.step))
    record.deadlines = [s.as_json() for s in kept]
    pending = sorted((s for s in kept if s.done is None and s.status in ("pending", "overdue")), key=lambda s: s.due)
    if record.is_open and pending:
        record.next_step, record.next_due = pending[0].step, pending[0].due
    else:
        record.next_step, record.next_due = "", None
    if isinstance(record, AnnualReview):
        due = next((s for s in kept if s.step == "review_due"), None)
        if due:
            record.due_on = due.due
    elif isinstance(record, PhaseTransfer):
        step = next((s for s in kept if s.step.partition(":")[0] == "phase_transfer"), None)
        if step:
            record.deadline = step.due


def due_dates(record) -> dict[str, date]:
    """The cached deadlines by step name."""
    return {d["step"]: date.fromisoformat(d["due"]) for d in record.deadlines}
