"""An adviser gives advice through the portal; then the caseworker's queue and the timeliness figures the
advice feeds. Every page passes axe (no serious or critical violations)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from highneeds.casework import services as cw
from highneeds.casework.models import AdviceRequest

from .axe import assert_accessible
from .helpers import sign_in

TODAY = date.today()


def test_an_adviser_gives_advice_through_the_portal(page, live_server, signed_in, make_user, make_child):
    child = make_child(first_name="Amara", last_name="Testworth", needs=("SLCN",))
    worker = make_user("caseworker")
    received = TODAY - timedelta(days=40)
    request = cw.submit_request(actor=worker, child=child, received_on=received, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker, request=request, assess=True, decided_on=received + timedelta(days=5), reasons="x"
    )
    ep = signed_in("professional", first_name="Edna", last_name="Psych")
    advice = cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=received + timedelta(days=6),
        adviser=ep,
    )

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="My deadlines").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My deadlines")
    expect(page.get_by_role("cell", name=advice.due_on.strftime("%-d %B %Y"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Amara Testworth").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice about Amara Testworth")
    page.get_by_role("button", name="Submit advice").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your advice")
    assert_accessible(page)
    page.get_by_label("Your advice").fill("Amara needs daily speech and language therapy.\n\nReview termly.")
    page.get_by_role("button", name="Submit advice").click()

    expect(page.get_by_text("Your advice about Amara Testworth has been sent to the SEND team")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Submitted"))).to_be_visible()
    assert_accessible(page)
    advice = AdviceRequest.objects.get(pk=advice.pk)
    assert advice.received_on == TODAY and "Review termly." in advice.advice
    assert page.problems == [], page.problems


def test_the_work_queue_caseload_and_timeliness_pages_pass_axe(page, live_server, make_user, make_child):
    manager = make_user("manager", first_name="Meg", last_name="Manager")
    ann = make_user("caseworker", first_name="Ann", last_name="Able")
    for days in (50, 35, 5):
        cw.submit_request(
            actor=ann, child=make_child(), received_on=TODAY - timedelta(days=days), source="1", caseworker=ann
        )
    sign_in(page, live_server, manager.username)
    page.get_by_role("link", name="Work queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work queue")
    assert_accessible(page)

    page.get_by_text("Filter the queue").click()
    page.get_by_label("Deadline status", exact=True).select_option("overdue")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("caption")).to_contain_text("1 open request")
    assert_accessible(page)

    page.get_by_label(re.compile("^Select ")).first.check()
    page.get_by_label("Give them to").select_option(label="Meg Manager")
    page.get_by_role("button", name="Reassign selected requests").click()
    expect(page.get_by_text("1 request reassigned to Meg Manager")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Caseload by caseworker").click()
    expect(page.get_by_role("rowheader", name="Ann Able")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/insight/timeliness/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeliness of EHC needs assessments")
    assert_accessible(page)
    assert page.problems == [], page.problems
