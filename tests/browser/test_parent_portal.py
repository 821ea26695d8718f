"""A parent follows their child's request in the portal, and a family asks for an assessment without an
account. Every page passes axe (no serious or critical violations)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.casework import flows as cw_flows
from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest, Representation
from highneeds.people import services as people

from .axe import assert_accessible

TODAY = date.today()


def d(value: date) -> str:
    return value.strftime("%-d %B %Y")


def test_a_parent_follows_the_request_and_responds_to_the_draft(
    page, live_server, signed_in, make_user, make_child, make_establishment
):
    make_establishment(name="Brookside Special School", establishment_type="SP_LA", urn=888001)
    child = make_child(first_name="Amara", last_name="Testworth")
    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    received = TODAY - timedelta(days=90)
    request = cw.submit_request(actor=worker, child=child, received_on=received, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=True,
        decided_on=received + timedelta(days=30),
        reasons="Needs beyond SEN support",
    )
    cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=received + timedelta(days=31),
        adviser_name="Dr Hidden",
    )
    cw.decide_whether_to_issue(
        actor=worker, request=request, issue=True, decided_on=TODAY - timedelta(days=3), reasons="Provision needed"
    )
    cw_flows.send_draft_plan(actor=worker, request=request, sent_on=TODAY - timedelta(days=2))

    parent = signed_in("parent", first_name="Pat", last_name="Testworth")
    people.add_parent(actor=SYSTEM, child=child, first_name="Pat", last_name="Testworth", user=parent)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Your requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your requests for an EHC needs assessment")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Request received")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EHC needs assessment")
    expect(page.get_by_text("Draft plan sent to you")).to_be_visible()
    last_day = TODAY - timedelta(days=2) + timedelta(days=14)
    expect(page.get_by_text(f"You have until {d(last_day)} to tell us what you think of it")).to_be_visible()
    expect(page.get_by_text(f"The final plan must be issued by {d(received + timedelta(weeks=20))}")).to_be_visible()
    expect(page.get_by_text("Your caseworker: Casey Worker")).to_be_visible()
    expect(page.get_by_role("cell", name="Educational psychology")).to_be_visible()
    expect(page.get_by_text("Dr Hidden")).to_have_count(0)
    assert_accessible(page)
    assert AuditEvent.objects.filter(action="portal.view", actor_id=parent.pk, child_id=child.pk).exists()

    # A letter the family can see, then back.
    page.get_by_role("link", name=re.compile("draft", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("raft")
    assert_accessible(page)
    page.get_by_role("link", name="Back").click()

    page.get_by_role("button", name="Tell us what you think of the draft plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us what you think of the draft plan")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("Tell us your views")
    assert_accessible(page)
    page.get_by_label("What do you think of the draft plan?").fill("Please add speech therapy to section F.")
    page.get_by_label("School or college you would like named in the plan (optional)").fill("888001")
    page.get_by_label("I would like a meeting").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you: we have your response to the draft plan")).to_be_visible()
    expect(page.get_by_text("You sent us your views on the draft plan")).to_be_visible()
    assert_accessible(page)
    rep = Representation.objects.get(request=request)
    assert rep.meeting_requested and rep.preferred_establishment.urn == 888001
    assert page.problems == [], page.problems


def test_a_family_asks_for_an_assessment_without_an_account(page, live_server):
    page.goto(f"{live_server.url}/request-an-assessment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for an EHC needs assessment")
    assert_accessible(page)

    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("I am the child's parent or carer").check()
    page.get_by_label("First name", exact=True).fill("Rowan")
    page.get_by_label("Last name", exact=True).fill("Testworth")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2015")
    page.get_by_label("Female").check()
    page.get_by_label("Your first name").fill("Jo")
    page.get_by_label("Your last name").fill("Testworth")
    page.get_by_label("Your relationship to the child").fill("Mother")
    page.get_by_label("Email address").fill("jo@example.org")
    page.get_by_label("Why are you asking for an assessment?").fill("Rowan finds school very hard despite support.")
    page.get_by_label(re.compile("I confirm the information is correct")).check()
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    made = AssessmentRequest.objects.get()
    expect(page.get_by_text(made.reference)).to_be_visible()
    assert made.submitted_via == "portal" and made.child.first_name == "Rowan"
    assert_accessible(page)
    assert page.problems == [], page.problems
