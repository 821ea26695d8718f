"""A manager puts a case on a panel's agenda; a panel member marks attendance and records "Do not assess" with
reasons; a caseworker records the council's decision to assess and must say why it departs. Each page passes axe."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from highneeds.casework import services as cw
from highneeds.casework.models import Decision
from highneeds.panels import services as ps
from highneeds.panels.models import Recommendation

from .axe import assert_accessible
from .helpers import sign_in
from .screens import look


def test_panel_recommends_and_the_council_decides_otherwise(page, live_server, signed_in, make_user, make_child):
    manager = signed_in("manager")
    worker = make_user("caseworker", first_name="Cal", last_name="Worker")
    child = make_child(first_name="Amara", last_name="Testworth", needs=("SLCN",))
    request = cw.submit_request(actor=worker, child=child, received_on=date.today() - timedelta(days=14), source="2")
    panel = ps.create_panel(
        actor=manager, name="Assessment panel", panel_type="assess", quorum=2, quorum_agencies=["education"]
    )
    ed = make_user("panel_member", first_name="Edna", last_name="Educator")
    health = make_user("panel_member", first_name="Hari", last_name="Health")
    ps.add_member(actor=manager, panel=panel, user=ed, agency="education", is_chair=True)
    ps.add_member(actor=manager, panel=panel, user=health, agency="health")
    meeting = ps.schedule_meeting(actor=manager, panel=panel, meets_on=date.today(), location="Room 1")

    # The manager adds the case to the agenda.
    page.goto(f"{live_server.url}/panels/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Assessment panel$")).first.click()
    page.get_by_role("link", name="Add cases to the agenda").click()
    page.get_by_label("Reference or child's name").fill("Amara")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add Amara Testworth to the agenda").click()
    expect(page.get_by_text(f"Amara Testworth ({request.reference}) added to the agenda")).to_be_visible()
    page.get_by_role("link", name="Back to the meeting").click()
    assert_accessible(page)

    # A panel member marks attendance and records the recommendation.
    page.context.clear_cookies()
    sign_in(page, live_server, ed.username)
    page.goto(f"{live_server.url}/panels/meetings/{meeting.pk}/")
    expect(page.get_by_text("Not quorate")).to_be_visible()
    page.get_by_label("Edna Educator (Education)").check()
    page.get_by_label("Hari Health (Health)").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved: 2 present")).to_be_visible()
    expect(page.get_by_text("Quorate", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Do not assess", exact=True).check()
    page.get_by_label("The panel's reasons").fill("Needs can be met at SEN support with the school's plan")
    page.get_by_role("button", name="Record the recommendation").click()
    expect(page.get_by_text(f"Recommendation recorded for {request.reference}")).to_be_visible()
    assert_accessible(page)

    # A caseworker records the council's decision, which departs from it.
    page.context.clear_cookies()
    sign_in(page, live_server, worker.username)
    page.goto(f"{live_server.url}/panels/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record the council's decision for Amara Testworth").click()
    assert_accessible(page)
    page.get_by_label("Yes, assess").check()
    page.get_by_label("Reasons for the decision").fill("The school's latest review shows needs beyond SEN support")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the decision differs from the panel's recommendation")
    assert_accessible(page)
    page.get_by_label("If the decision differs from the panel's recommendation, why").fill(
        "New evidence from the school after the panel met"
    )
    page.get_by_role("button", name="Record the decision").click()

    item = page.locator(f"#item-{meeting.items.get().pk}")
    expect(item.get_by_text("Differs from the panel's recommendation")).to_be_visible()
    expect(item.get_by_text("Do not assess", exact=True)).to_be_visible()
    expect(item.get_by_text("Assess", exact=True)).to_be_visible()
    expect(item.get_by_text("New evidence from the school after the panel met")).to_be_visible()
    assert_accessible(page)

    decision = Decision.objects.get(request=request, kind="assess")
    assert decision.outcome is True and decision.recommendation == Recommendation.objects.get(item__meeting=meeting)
    assert decision.recommendation.outcome == "not_assess" and decision.departure_reasons
    assert page.problems == [], page.problems


def test_a_member_waits_for_their_pack_then_downloads_it(page, live_server, make_user, make_child):
    """The pack is made on the queue (a worker thread runs beside the live server): the member sees the job's page
    until it is ready, then downloads the kept PDF from it."""
    pytest.importorskip("weasyprint")
    manager = make_user("manager")
    worker = make_user("caseworker")
    child = make_child(first_name="Amara", last_name="Testworth", needs=("SLCN",))
    request = cw.submit_request(actor=worker, child=child, received_on=date.today() - timedelta(days=14), source="2")
    panel = ps.create_panel(actor=manager, name="Assessment panel", panel_type="assess", quorum=1)
    member = make_user("panel_member", first_name="Edna", last_name="Educator")
    ps.add_member(actor=manager, panel=panel, user=member, agency="education", is_chair=True)
    meeting = ps.schedule_meeting(actor=manager, panel=panel, meets_on=date.today(), location="Room 1")
    ps.add_to_agenda(actor=manager, meeting=meeting, request=request)
    expect.set_options(timeout=20_000)

    sign_in(page, live_server, member.username)
    page.goto(f"{live_server.url}/panels/meetings/{meeting.pk}/")
    look(page, "panel-member", "panel-meeting")
    page.get_by_role("link", name="Download the panel pack (PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel pack")
    look(page, "panel-member", "panel-pack-being-made")
    # With JavaScript the page checks and reloads itself when the worker has made the pack.
    expect(page.get_by_role("link", name="Download the panel pack")).to_be_visible()
    expect(page.get_by_text("is ready")).to_be_visible()
    look(page, "panel-member", "panel-pack-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the panel pack").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename == f"panel-pack-{meeting.meets_on:%Y-%m-%d}-{meeting.pk}.pdf"

    # The manager who runs the panel gets the same journey (the same items, so the member's kept pack is reused).
    page.context.clear_cookies()
    sign_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/panels/meetings/{meeting.pk}/")
    look(page, "manager", "panel-meeting")
    with page.expect_download() as again:
        page.get_by_role("link", name="Download the panel pack (PDF)").click()
    assert again.value.suggested_filename == download.value.suggested_filename
    assert page.problems == [], page.problems
