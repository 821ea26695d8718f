"""Plan journeys: a professional gives structured advice that the caseworker copies into the draft plan, and a
parent writes section A and comments on sections of a draft plan within the 15 days. Every page passes axe."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.casework import flows as cw_flows
from highneeds.casework import services as cw
from highneeds.people import services as people
from highneeds.plans.models import Contribution, PlanVersion
from highneeds.plans.queries import current_plan

from .axe import assert_accessible
from .helpers import sign_in

TODAY = date.today()


def test_a_professional_gives_structured_advice(page, live_server, make_user, make_child):
    child = make_child(first_name="Amara", last_name="Testworth", needs=("SLCN",))
    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    ep = make_user("professional", first_name="Edna", last_name="Psych")
    received = TODAY - timedelta(days=40)
    request = cw.submit_request(actor=worker, child=child, received_on=received, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker, request=request, assess=True, decided_on=received + timedelta(days=5), reasons="x"
    )
    advice = cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=received + timedelta(days=6),
        adviser=ep,
    )

    sign_in(page, live_server, ep.username)
    page.goto(f"{live_server.url}/portal/advice/{advice.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice about Amara Testworth")
    assert_accessible(page)
    page.get_by_role("button", name="Submit advice").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your advice")
    assert_accessible(page)
    page.get_by_label(re.compile("Needs: what the child")).fill("Severe expressive language delay.")
    page.get_by_label(re.compile("Outcomes: what they")).fill("Uses 3-word sentences in class by July.")
    page.get_by_label(re.compile("Provision: what support")).fill(
        "Speech and language therapy, 30 minutes weekly, 1:1, by a speech and language therapist."
    )
    page.get_by_role("button", name="Submit advice").click()
    expect(page.get_by_text("Your advice about Amara Testworth has been sent to the SEND team")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/portal/advice/{advice.pk}/")
    expect(page.get_by_text("Given by Edna Psych")).to_be_visible()
    expect(page.get_by_text("Severe expressive language delay.")).to_be_visible()
    assert_accessible(page)
    given = Contribution.objects.get(kind="advice", advice_request=advice)
    assert given.author == ep and given.data["outcomes"].startswith("Uses 3-word")

    # The caseworker sees it with who and when, and copies the provision into section F.
    page.context.clear_cookies()
    sign_in(page, live_server, worker.username)
    page.goto(f"{live_server.url}/cases/{request.pk}/")
    page.get_by_role("link", name=re.compile("The plan document")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Education, health and care plan")
    assert_accessible(page)
    page.get_by_role("button", name="Start a draft plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 1")
    assert_accessible(page)
    page.get_by_role("link", name="Advice and contributions").click()
    expect(page.get_by_text(re.compile("Educational psychology: Edna Psych"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Copy provision needed from Edna Psych into section F").click()
    expect(page.get_by_text("Copied into the plan")).to_be_visible()
    assert_accessible(page)
    version = current_plan(child).versions.get()
    assert any("30 minutes weekly" in i["what"] for i in version.sections["F"]["items"])
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Quality check").click()
    expect(page.get_by_text(re.compile(r"Score: \d+ out of 100"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name=re.compile("^Section F")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Section F")
    assert_accessible(page)
    assert page.problems == [], page.problems


def test_a_parent_comments_on_a_draft(page, live_server, make_user, make_child):
    child = make_child(first_name="Rowan", last_name="Testworth", needs=("ASD",))
    worker = make_user("caseworker")
    received = TODAY - timedelta(days=90)
    request = cw.submit_request(actor=worker, child=child, received_on=received, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=True,
        decided_on=received + timedelta(days=30),
        reasons="Needs beyond SEN support",
    )
    cw.decide_whether_to_issue(
        actor=worker, request=request, issue=True, decided_on=TODAY - timedelta(days=3), reasons="Provision needed"
    )
    cw_flows.send_draft_plan(actor=worker, request=request, sent_on=TODAY - timedelta(days=2))
    parent = make_user("parent", first_name="Jo", last_name="Testworth")
    people.add_parent(actor=SYSTEM, child=child, first_name="Jo", last_name="Testworth", user=parent)
    last_day = TODAY - timedelta(days=2) + timedelta(days=14)

    sign_in(page, live_server, parent.username)
    page.goto(f"{live_server.url}/portal/requests/")
    page.get_by_role("link", name="Your child's EHC plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your child's EHC plan")
    assert_accessible(page)
    page.get_by_role("link", name="Rowan Testworth").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rowan's EHC plan")
    expect(page.get_by_text(f"You have until {last_day.strftime('%-d %B %Y')} to comment")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Read the draft plan").click()
    expect(page.get_by_role("heading", name="Section I: placement")).to_be_visible()
    expect(page.get_by_text("Left blank in a draft plan")).to_be_visible()
    assert_accessible(page)
    page.go_back()

    page.get_by_role("link", name="Write section A in your own words").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Section A: in your own words")
    assert_accessible(page)
    page.get_by_label(re.compile("What we think")).fill("Rowan loves trains and wants to be a driver.")
    page.get_by_role("button", name="Save section A").click()
    expect(page.get_by_text("Thank you: section A now has your words")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Comment on the draft plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comment on the draft plan")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_role("alert")).to_contain_text("Select a section")
    assert_accessible(page)
    page.get_by_label("Which section is your comment about?").select_option("F")
    page.get_by_label("Your comment", exact=True).fill("Please add speech therapy every week.")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_text("Thank you: we have your comment on section f")).to_be_visible()
    expect(page.get_by_text("Please add speech therapy every week.")).to_be_visible()
    assert_accessible(page)
    comment = Contribution.objects.get(kind="comment")
    assert comment.author == parent and comment.section == "F"
    version = PlanVersion.objects.get(plan__child=child)
    assert version.sections["A"]["written_by"] == "Jo Testworth"

    # After the 15 days the form is closed, with a message saying so.
    PlanVersion.objects.filter(pk=version.pk).update(sent_on=TODAY - timedelta(days=20))
    page.goto(f"{live_server.url}/portal/plans/version/{version.pk}/comment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments on this plan are closed")
    assert_accessible(page)
    assert page.problems == [], page.problems
