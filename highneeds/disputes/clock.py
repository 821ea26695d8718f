"""The bridge between a decision notice's records and the statutory clock engine.

Each notice is replayed through the clock as its own small case: the notice (`decision_notice_sent`)
and what followed it (`mediation_*`, `appeal_lodged`), all keyed by the notice (`decision`). The clock
computes the mediation and appeal deadlines; this module only builds its input and keeps its answer.
"""

from __future__ import annotations

from datetime import date

from highneeds.council import clock as council_clock

from .models import DecisionNotice

STEP_PREFIXES = ("mediation_arranged", "mediation_certificate", "appeal_deadline")


def case_for_clock(notice: DecisionNotice, extra_event: dict | None = None) -> dict:
    key = notice.key
    events = [
        {"type": "decision_notice_sent", "date": notice.sent_on.isoformat(), "decision": key, "matter": notice.matter}
    ]
    mediation = getattr(notice, "mediation", None) if notice.pk else None
    if mediation is not None:
        for event_type, on in (
            ("mediation_requested", mediation.requested_on),
            ("mediation_declined", mediation.declined_on),
            ("mediation_held", mediation.held_on),
            ("mediation_certificate_issued", mediation.certificate_on),
        ):
            if on:
                events.append({"type": event_type, "date": on.isoformat(), "decision": key})
    lodged = [a.lodged_on for a in notice.appeals.all()] if notice.pk else []
    if lodged:
        events.append({"type": "appeal_lodged", "date": min(lodged).isoformat(), "decision": key})
    if extra_event:
        events.append({**extra_event, "decision": key})
    events.sort(key=lambda e: e["date"])
    # A notice stands on its own: the clock takes a case with no request and no plan.
    return {"id": notice.pk, "events": events, "exceptions": []}


def run_clock(notice: DecisionNotice, *, today: date | None = None, extra_event: dict | None = None):
    return council_clock.compute_case(case_for_clock(notice, extra_event), today)


def apply_result(notice: DecisionNotice, result) -> None:
    """Keep this notice's steps (unsaved) and the earliest one still to act on."""
    mine = [s for s in result.deadlines if s.step.partition(":")[0] in STEP_PREFIXES]
    notice.deadlines = [s.as_json() for s in mine]
    # The appeal deadline is the family's, not something the council acts on.
    pending = sorted(
        (
            s
            for s in mine
            if s.done is None and s.status in ("pending", "overdue") and not s.step.startswith("appeal_deadline")
        ),
        key=lambda s: s.due,
    )
    notice.next_step, notice.next_due = (pending[0].step, pending[0].due) if pending else ("", None)


def refresh(notice: DecisionNotice, today: date | None = None) -> None:
    apply_result(notice, run_clock(notice, today=today))
    notice.save(update_fields=["deadlines", "next_step", "next_due"])
