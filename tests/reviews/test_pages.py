"""The tracker, the review pages and the family's pages, by role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.audit.models import AuditEvent
from highneeds.reviews import flows as review_flows
from highneeds.reviews import queries, services
from highneeds.reviews.models import AnnualReview

from .conftest import days
from .test_services import CONSIDERED, held_review

PASSWORD = "correct horse battery staple"


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def council(caseworker, make_plan, make_user):
    """Reviews in several states: overdue, at risk, on track, awaiting decision, awaiting amended plan."""
    other = make_user("caseworker")
    overdue = services.schedule_review(actor=caseworker, plan=make_plan(issued_on=days(-380)))
    at_risk = services.schedule_review(actor=caseworker, plan=make_plan(issued_on=days(-360)), caseworker=other)
    on_track = services.schedule_review(actor=caseworker, plan=make_plan(issued_on=days(-100)))
    deciding = held_review(caseworker, make_plan(issued_on=days(-400)), held=-10)
    amending = held_review(caseworker, make_plan(issued_on=days(-400)))
    review_flows.decide(
        actor=caseworker, review=amending, decision="amend", decided_on=days(-50), reasons="Update F", **CONSIDERED
    )
    return {
        "overdue": overdue,
        "at_risk": at_risk,
        "on_track": on_track,
        "deciding": deciding,
        "amending": amending,
        "other": other,
    }


def test_tracker_counts_and_filters(caseworker, council):
    today = date.today()
    counts = queries.counts(caseworker, queries.TrackerFilter(), today=today)
    assert counts["overdue"] >= 1 and counts["at_risk"] >= 1 and counts["on_track"] >= 1
    assert counts["decision"] == 1 and counts["amending"] == 1
    overdue = list(queries.rows(caseworker, queries.TrackerFilter(rag="overdue"), today=today))
    assert council["overdue"] in overdue and council["on_track"] not in overdue
    theirs = list(queries.rows(caseworker, queries.TrackerFilter(caseworker=council["other"].pk), today=today))
    assert theirs == [council["at_risk"]]
    waiting = list(queries.rows(caseworker, queries.TrackerFilter(list="amending"), today=today))
    assert waiting == [council["amending"]]
    assert waiting[0].next_step == "amended_plan"


def test_tracker_page_for_caseworkers_only(client, caseworker, council, make_user):
    page = signed_in(client, caseworker).get("/reviews/")
    assert page.status_code == 200
    body = page.content.decode()
    assert council["overdue"].child.full_name in body and "Awaiting amended plan (1)" in body
    assert signed_in(client, caseworker).get("/reviews/?show=reviews&list=decision").status_code == 200
    filtered = client.get("/reviews/?show=reviews&rag=overdue&phase=secondary&caseworker=all")
    assert filtered.status_code == 200 and council["on_track"].child.full_name not in filtered.content.decode()
    assert client.get("/reviews/?show=transfers").status_code == 200
    assert client.get("/reviews/?show=reassessments&caseworker=mine").status_code == 200
    client.logout()
    for role in ("parent", "finance"):
        assert signed_in(client, make_user(role)).get("/reviews/").status_code == 403
        client.logout()
    assert client.get("/reviews/").status_code == 302


def test_child_history_and_review_pages(client, caseworker, council):
    review = council["amending"]
    signed_in(client, caseworker)
    history = client.get(f"/reviews/child/{review.child_id}/")
    assert history.status_code == 200 and "Amend the plan" in history.content.decode()
    page = client.get(f"/reviews/{review.pk}/")
    assert page.status_code == 200 and "Issue the amended plan" in page.content.decode()
    assert AuditEvent.objects.filter(action="review.view", child_id=review.child_id).exists()
    assert client.get("/reviews/999999/").status_code == 404


def test_arranging_a_meeting_through_the_page(client, caseworker, make_plan):
    review = services.schedule_review(actor=caseworker, plan=make_plan())
    signed_in(client, caseworker)
    when = days(21)
    response = client.post(
        f"/reviews/{review.pk}/arrange/",
        {
            "meeting_on-day": when.day,
            "meeting_on-month": when.month,
            "meeting_on-year": when.year,
            "arranged_on-day": date.today().day,
            "arranged_on-month": date.today().month,
            "arranged_on-year": date.today().year,
            "in_setting": "yes",
            "invitees": ["parent", "setting", "la_officer"],
            "names": "Pat\nMs Head",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.meeting_on == when and review.invitees[1] == {"role": "setting", "name": "Ms Head"}
    short = days(5)
    client.post(
        f"/reviews/{review.pk}/arrange/",
        {
            "meeting_on-day": short.day,
            "meeting_on-month": short.month,
            "meeting_on-year": short.year,
            "arranged_on-day": date.today().day,
            "arranged_on-month": date.today().month,
            "arranged_on-year": date.today().year,
            "in_setting": "yes",
            "invitees": ["parent", "setting"],
        },
    )
    refused = client.post(
        f"/reviews/{review.pk}/invite/",
        {"on-day": date.today().day, "on-month": date.today().month, "on-year": date.today().year},
    )
    assert refused.status_code == 200 and "at least 2 weeks" in refused.content.decode()


def test_the_decision_form_insists_on_what_was_considered(client, caseworker, council):
    review = council["deciding"]
    signed_in(client, caseworker)
    on = days(-5)
    response = client.post(
        f"/reviews/{review.pk}/decide/",
        {
            "decision": "maintain",
            "decided_on-day": on.day,
            "decided_on-month": on.month,
            "decided_on-year": on.year,
            "reasons": "Fine",
        },
    )
    assert response.status_code == 200
    assert "Was stepping down to SEN support considered?" in response.content.decode()
    assert AnnualReview.objects.get(pk=review.pk).stage == "held"
    response = client.post(
        f"/reviews/{review.pk}/decide/",
        {
            "decision": "maintain",
            "decided_on-day": on.day,
            "decided_on-month": on.month,
            "decided_on-year": on.year,
            "reasons": "Fine",
            "step_down_considered": "yes",
            "step_down_reason": "Not yet ready",
            "cessation_considered": "no",
            "cessation_reason": "Needs remain",
        },
    )
    assert response.status_code == 302
    assert AnnualReview.objects.get(pk=review.pk).decision == "maintain"


def test_the_family_sees_the_outcome_and_gives_views(client, caseworker, family, make_user):
    review = held_review(caseworker, family["plan"])
    review_flows.decide(
        actor=caseworker, review=review, decision="amend", decided_on=days(-5), reasons="New outcomes", **CONSIDERED
    )
    upcoming = AnnualReview.objects.create(
        child=family["child"], plan=family["plan"], counted_from=days(-5), due_on=days(360)
    )
    signed_in(client, family["parent"])
    listing = client.get("/reviews/family/")
    assert listing.status_code == 200 and "proposed changes" in listing.content.decode()
    # The review a year away is not "due" (the family would read that as now): its meeting is not arranged yet.
    assert "The meeting is not arranged yet" in listing.content.decode()
    page = client.get(f"/reviews/family/{review.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "The proposed amendments" in body
    assert (days(-5) + timedelta(days=14)).strftime("%-d %B %Y") in body
    assert "Annual review of" in body  # the decision notice
    response = client.post(f"/reviews/family/{upcoming.pk}/views/", {"text": "He loves the new speech group"})
    assert response.status_code == 302 and upcoming.contributions.get().text == "He loves the new speech group"
    client.logout()
    stranger = make_user("parent")
    signed_in(client, stranger)
    assert client.get(f"/reviews/family/{review.pk}/").status_code == 404
    assert client.get(f"/reviews/family/{upcoming.pk}/views/").status_code == 404
