"""The bridge from reviews to the statutory clock: the case it builds and what it keeps."""

from __future__ import annotations

from datetime import date, timedelta

from highneeds.council.models import CouncilSettings
from highneeds.engine.calendar import add_months
from highneeds.reviews import clock, services
from highneeds.reviews import flows as review_flows

from .conftest import days
from .test_services import CONSIDERED, held_review


def test_the_case_replays_the_plan_and_the_previous_meeting(caseworker, make_plan):
    plan = make_plan(issued_on=date(2024, 1, 10))
    review = services.schedule_review(actor=caseworker, plan=plan)
    case = clock.case_for(review, previous_meeting=date(2025, 1, 5))
    assert [e["type"] for e in case["events"]] == ["final_plan_issued", "annual_review_meeting"]
    assert case["date_of_birth"] == review.child.date_of_birth.isoformat()
    review.counted_from = date(2025, 1, 5)  # as if that meeting were recorded
    result = clock.run(review, previous_meeting=date(2025, 1, 5))
    clock.apply(review, result)
    # review_due appears for each period (from the plan, from the meeting): the review keeps its own
    assert [d["step"] for d in review.deadlines] == ["review_due"]
    assert review.due_on == date(2026, 1, 5)


def test_a_held_review_keeps_only_its_own_report_and_decision_steps(caseworker, make_plan):
    plan = make_plan(issued_on=days(-800))
    first = held_review(caseworker, plan, held=-440)
    review_flows.decide(
        actor=caseworker, review=first, decision="maintain", decided_on=days(-430), reasons="Fine", **CONSIDERED
    )
    second = held_review(caseworker, plan, held=-60)
    steps = {d["step"]: d for d in second.deadlines}
    assert steps["review_report"]["start"] == days(-60).isoformat()
    assert steps["review_decision"]["due"] == (days(-60) + timedelta(weeks=4)).isoformat()
    assert second.next_step == "review_decision" and second.next_due == days(-60) + timedelta(weeks=4)
    assert steps["review_due"]["start"] == days(-440).isoformat()


def test_under_fives_use_the_councils_interval(caseworker, make_plan):
    council = CouncilSettings.current()
    council.clock_rules = {"under5_review_months": 6}
    council.save()
    young = make_plan(dob=days(-3 * 365), issued_on=days(-30))
    review = services.schedule_review(actor=caseworker, plan=young)
    assert review.due_on == add_months(days(-30), 6)
    older = make_plan(issued_on=days(-30))
    assert services.schedule_review(actor=caseworker, plan=older).due_on == add_months(days(-30), 12)
