"""reviews.demo on a small synthetic council: history from CaseEvents, current reviews, transfers."""

from __future__ import annotations

from datetime import date, timedelta

from highneeds.accounts.roles import SystemActor
from highneeds.casework.models import CaseEvent
from highneeds.demo.extras import prepare_app
from highneeds.reviews import demo
from highneeds.reviews.models import AnnualReview, PhaseTransfer, Reassessment

from .test_services import dob_in_year


def test_demo_is_bulk_and_idempotent(make_plan):
    today = date.today()
    plans = []
    for n in range(14):
        issued = today - timedelta(days=300 + 90 * n)
        plan = make_plan(issued_on=issued, dob=dob_in_year(n % 12))
        plans.append(plan)
        meeting = issued + timedelta(days=330)
        # some a year overdue, always including those the demo leaves behind (pk % 7 == 0), so the test does not
        # depend on which ids the database hands out
        while meeting < today - timedelta(days=400 if n % 3 == 0 or plan.pk % 7 == 0 else 0):
            CaseEvent.objects.create(child=plan.child, event_type="annual_review_meeting", occurred_on=meeting)
            CaseEvent.objects.create(
                child=plan.child,
                event_type="review_decision",
                occurred_on=meeting + timedelta(14),
                detail={"outcome": "amend" if n % 2 else "maintain"},
            )
            meeting += timedelta(days=360)
    actor = SystemActor("demo")
    counts = prepare_app(actor=actor, module=demo)
    history = AnnualReview.objects.filter(from_history=True)
    meetings = set(CaseEvent.objects.filter(event_type="annual_review_meeting").values_list("child_id", "occurred_on"))
    # every recorded meeting, plus the yearly reviews since census day for most plans (one in seven left behind)
    assert meetings <= set(history.values_list("child_id", "held_on")) and meetings
    assert set(history.values_list("decision", flat=True)) == {"maintain", "amend"}
    current = AnnualReview.objects.filter(from_history=False)
    assert current.count() == len(plans) and all(r.next_due or r.stage == "closed" for r in current)
    assert current.filter(next_due__lt=today).exists()  # some overdue
    assert PhaseTransfer.objects.exists() and Reassessment.objects.count() == 2
    latest = current.get(plan=plans[5])  # caught up or not, it counts from the last meeting held
    assert latest.counted_from == history.filter(plan=plans[5]).latest("held_on").held_on
    assert counts["annual_reviews"] == history.count() + current.count()
    again = prepare_app(actor=actor, module=demo)
    assert again == {"annual_reviews": 0, "phase_transfers": 0, "reassessments": 0}
    assert AnnualReview.objects.count() == history.count() + current.count()
