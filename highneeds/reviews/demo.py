"""Demo records for reviews: the review history in the demo's CaseEvents, current reviews in every
state, next September's phase transfers and a couple of reassessments.

Runs after the plans app's demo (which makes a Plan for each plan in the synthetic council).
Idempotent: if any annual review exists, the history and current reviews are left alone; phase
transfers are listed once per September; reassessments are added only when there are none.
Fast: bulk creates, and the clock for every current review in one `compute_many`.
"""

from __future__ import annotations

from datetime import date, timedelta

from highneeds.audit import log
from highneeds.casework.models import CaseEvent
from highneeds.engine.calendar import add_months
from highneeds.plans.models import Plan

from . import clock, flows, services
from .models import AnnualReview, Reassessment
from .services._common import _describe, _setting_of

INVITEES = [{"role": r, "name": ""} for r in ("parent", "setting", "la_officer", "health", "social_care")]


def _history(plans, today: date) -> tuple[list[AnnualReview], dict[int, date]]:
    """Past reviews from the CaseEvents (annual_review_meeting, then review_decision with its outcome)."""
    child_plan = {p.child_id: p for p in plans}
    events = (
        CaseEvent.objects.filter(
            child_id__in=list(child_plan),
            request__isnull=True,
            event_type__in=("annual_review_meeting", "review_decision"),
        )
        .order_by("child_id", "occurred_on", "id")
        .values_list("child_id", "event_type", "occurred_on", "detail")
    )
    reviews: list[AnnualReview] = []
    last_meeting: dict[int, date] = {}
    current: dict[int, AnnualReview] = {}
    for child_id, kind, on, detail in events:
        plan = child_plan[child_id]
        if kind == "annual_review_meeting":
            review = AnnualReview(
                child_id=child_id,
                plan=plan,
                counted_from=last_meeting.get(plan.pk) or plan.first_issued_on or on,
                meeting_on=on,
                held_on=on,
                stage="closed",
                closed_on=on,
                from_history=True,
                invitees=INVITEES,
                outcomes_met="partly",
                attendees="Recorded before highneeds",
            )
            current[plan.pk] = review
            reviews.append(review)
            last_meeting[plan.pk] = on
        elif plan.pk in current and not current[plan.pk].decision:
            review = current[plan.pk]
            outcome = (detail or {}).get("outcome", "maintain")
            review.decision = outcome if outcome in ("maintain", "amend", "cease") else "maintain"
            review.decided_on = review.closed_on = on
            if review.decision == "amend":
                review.amendments_sent_on = on
                review.amended_plan_issued_on = min(on + timedelta(weeks=6), today)
    _catch_up(plans, reviews, last_meeting, today)
    return reviews, last_meeting


def _catch_up(plans, reviews: list[AnnualReview], last_meeting: dict[int, date], today: date) -> None:
    """The synthetic history stops at census day; the demo runs later. Most plans get the yearly reviews held
    since then (kept up to date); one in seven is left behind, so the tracker shows overdue reviews."""

    for plan in plans:
        if plan.pk % 7 == 0:
            continue
        last = last_meeting.get(plan.pk) or plan.first_issued_on
        while add_months(last, 12) < today - timedelta(days=30):
            held = add_months(last, 12) - timedelta(days=plan.pk % 25)
            reviews.append(
                AnnualReview(
                    child_id=plan.child_id,
                    plan=plan,
                    counted_from=last,
                    meeting_on=held,
                    held_on=held,
                    decision="maintain",
                    decided_on=held + timedelta(days=14),
                    stage="closed",
                    closed_on=held + timedelta(days=14),
                    from_history=True,
                    invitees=INVITEES,
                    outcomes_met="yes",
                    attendees="Parent, SENCO, caseworker",
                )
            )
            last = last_meeting[plan.pk] = held


def _stage_current(review: AnnualReview, n: int, today: date) -> None:
    """Give some current reviews a meeting arranged, held or decided, so every tracker list has rows."""
    due = review.due_on
    if due is None:
        return
    if due < today and n % 4 == 0 and due - timedelta(days=30) > review.counted_from:  # held late: awaiting decision
        held = max(due - timedelta(days=n % 20 + 1), review.counted_from + timedelta(days=40))
        held = min(held, today - timedelta(days=1))
        review.meeting_arranged_on, review.meeting_on = held - timedelta(days=35), held
        review.invitations_sent_on = review.advice_requested_on = held - timedelta(days=28)
        review.advice_circulated_on = held - timedelta(days=14 if n % 8 else 10)
        review.held_on, review.stage, review.attendees, review.outcomes_met = held, "held", "Parent, SENCO", "partly"
        review.invitees = INVITEES
        if n % 8 == 0 and held + timedelta(days=14) <= today:
            review.report_sent_on = held + timedelta(days=12)
    elif today - timedelta(days=30) <= due <= today + timedelta(days=60) and n % 3 == 0:  # meeting booked
        meeting = max(due - timedelta(days=7), today + timedelta(days=15))
        review.meeting_arranged_on, review.meeting_on, review.stage = today - timedelta(days=5), meeting, "arranged"
        review.invitees = INVITEES
        if n % 2 == 0:
            review.invitations_sent_on = review.advice_requested_on = today - timedelta(days=1)


def _decide_some(actor, today: date) -> None:
    """A few held reviews decided through the services, so the tracker has plans awaiting their amended plan
    (with real proposed amendments and notices) and one cessation under way."""
    held = list(
        AnnualReview.objects.filter(stage="held", held_on__lte=today - timedelta(days=20))
        .select_related("child", "plan")
        .order_by("id")[:5]
    )
    for n, review in enumerate(held):
        decision = "cease" if n == 4 else "amend"
        flows.decide(
            actor=actor,
            review=review,
            decision=decision,
            decided_on=today - timedelta(days=n + 1),
            reasons="Agreed at the review meeting",
            cease_reason="2" if decision == "cease" else "",
            step_down_considered=True,
            cessation_considered=decision == "cease",
            step_down_reason="Discussed: needs still call for the plan's provision"
            if decision == "amend"
            else "Needs can now be met at SEN support",
            cessation_reason="Outcomes not yet met" if decision == "amend" else "Outcomes achieved",
        )


def prepare(actor, progress=None) -> dict[str, int]:

    today = date.today()
    counts = {"annual_reviews": 0, "phase_transfers": 0, "reassessments": 0}
    live = list(Plan.objects.filter(status="final", first_issued_on__isnull=False).select_related("child"))
    if not AnnualReview.objects.exists():
        history, last = _history(live, today)
        AnnualReview.objects.bulk_create(history, batch_size=1000)
        settings = _setting_of([p.child_id for p in live])
        current = []
        for plan in live:
            review = AnnualReview(child=plan.child, plan=plan, counted_from=last.get(plan.pk) or plan.first_issued_on)
            _describe(review, plan.child, settings.get(plan.child_id), today)
            current.append(review)
        # The due date first (the clock), then a stage for some, then the clock again for that stage.
        for step in range(2):
            previous = [last.get(r.plan_id) for r in current]
            for n, (review, result) in enumerate(zip(current, clock.run_many(current, previous, today))):
                if not result.errors:
                    clock.apply(review, result)
                if step == 0:
                    _stage_current(review, n, today)
        AnnualReview.objects.bulk_create(current, batch_size=1000)
        counts["annual_reviews"] = len(history) + len(current)
        _decide_some(actor, today)
        log.record(actor=actor, action="review.demo", after={"history": len(history), "current": len(current)})
    counts["phase_transfers"] = services.identify_phase_transfers(actor=actor, today=today)
    if not Reassessment.objects.exists() and len(live) > 10:
        first = services.request_reassessment(
            actor=actor,
            plan=live[3],
            received_on=today - timedelta(days=9),
            requested_by="parent",
            reason="Needs have changed since the last review",
        )
        services.request_reassessment(
            actor=actor,
            plan=live[7],
            received_on=today - timedelta(days=40),
            requested_by="setting",
            reason="New diagnosis",
        )
        second = Reassessment.objects.get(plan=live[7])
        services.decide_reassessment(
            actor=actor,
            reassessment=second,
            decision="reassess",
            decided_on=today - timedelta(days=30),
            reasons="New evidence of need",
        )
        counts["reassessments"] = 2 if first else 0
    if progress:
        progress(counts["annual_reviews"])
    return counts
