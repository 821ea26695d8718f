"""Issue 11, caseworkers' day one, as a caseworker and a manager would click: a request started from the work queue,
a decision with a bad date told in plain English beside the field, the panel's recommendation preselected, and a
reassignment in the case history. `screens.look` checks each page with axe and keeps a screenshot."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest
from highneeds.panels import services as ps

from . import screens


def _fill_date(page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _panel_recommends(manager, make_user, case, outcome: str) -> None:
    """The panel's part (its own pages are walked in test_panel_journey): the case on a meeting's agenda today, a
    quorate attendance and the recommendation."""
    panel = ps.create_panel(actor=manager, name="Assessment panel", panel_type="assess", quorum=1, quorum_agencies=[])
    member = ps.add_member(
        actor=manager, panel=panel, user=make_user("panel_member"), agency="education", is_chair=True
    )
    meeting = ps.schedule_meeting(actor=manager, panel=panel, meets_on=date.today(), location="Room 1")
    item = ps.add_to_agenda(actor=manager, meeting=meeting, request=case, summary="Whether to assess")
    ps.record_attendance(actor=manager, meeting=meeting, present=[member])
    ps.record_recommendation(actor=manager, item=item, outcome=outcome, reasons="Needs beyond SEN support")


def test_a_caseworker_starts_a_request_from_the_queue_and_decides_with_the_panel(
    page, live_server, signed_in, make_user, make_child
):
    child = make_child(first_name="Amara", last_name="Testworth")
    manager = make_user("manager")
    worker = signed_in("caseworker", first_name="Cal", last_name="Worker")
    screens.look(page, "caseworker", "home")

    page.goto(f"{live_server.url}/cases/")
    screens.look(page, "caseworker", "queue")
    page.get_by_role("button", name="Start a new request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a new request")
    page.get_by_role("button", name="Find the child").click()  # nothing typed: the field says so
    expect(page.get_by_role("alert")).to_contain_text("Enter the child or young person's name or UPN")
    page.get_by_label("Child or young person's name or UPN").fill("Testworth")
    page.get_by_role("button", name="Find the child").click()
    screens.look(page, "caseworker", "start-request-find-child")
    page.get_by_role("link", name="Start a request for Amara Testworth").click()

    received = date.today() - timedelta(days=10)
    _fill_date(page, "Date the request was received", received)
    page.get_by_role("button", name="Save").click()
    case = AssessmentRequest.objects.get(child=child)
    expect(page).to_have_url(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text(f"Request {case.reference} recorded")).to_be_visible()
    screens.look(page, "caseworker", "case")

    # A decision dated before the request arrived: plain English beside the date, never the clock's own words.
    page.get_by_role("link", name="Record the decision whether to assess").click()
    page.get_by_role("group", name="Will the council carry out an EHC needs assessment?").get_by_label("Yes").check()
    _fill_date(page, "Date of the decision", received - timedelta(days=3))
    page.get_by_label("Reasons", exact=True).fill("Needs beyond what SEN support can meet")
    page.get_by_role("button", name="Save").click()
    plain = f"The date must be on or after {received:%-d %B %Y}, when the request was received"
    expect(page.locator("#id_decided_on-error")).to_contain_text(plain)
    expect(page.get_by_role("alert").get_by_role("link", name=plain)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("events[")
    expect(page.locator("main")).not_to_contain_text("decision_to_assess")
    screens.look(page, "caseworker", "decision-form-error")

    # The case goes to panel; the form then starts from the panel's recommendation.
    _panel_recommends(manager, make_user, case, "assess")
    page.goto(f"{live_server.url}/cases/{case.pk}/decide-assess/")
    question = page.get_by_role("group", name="Will the council carry out an EHC needs assessment?")
    expect(question.get_by_label("Yes")).to_be_checked()
    expect(question).to_contain_text(
        f"Preselected from the recommendation of Assessment panel on {date.today():%-d %B %Y}"
    )
    expect(page.get_by_label("Panel recommendation considered")).to_have_value(
        str(case.agenda_items.get().recommendation.pk)
    )
    screens.look(page, "caseworker", "decision-form-preselected")
    _fill_date(page, "Date of the decision", date.today())
    page.get_by_label("Reasons", exact=True).fill("As the panel recommended")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    assert case.decisions.get().recommendation_id == case.agenda_items.get().recommendation.pk

    page.get_by_role("link", name=re.compile("^Case history")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case history")
    expect(page.locator("main")).to_contain_text("Cal Worker")
    screens.look(page, "caseworker", "history")
    page.goto(f"{live_server.url}/cases/caseload/")
    screens.look(page, "caseworker", "caseload")
    assert worker.pk == case.caseworker_id
    assert page.problems == [], page.problems


def test_a_manager_reassigns_a_case_and_the_history_says_so(page, live_server, signed_in, make_user, make_child):
    first = make_user("caseworker", first_name="Fern", last_name="First")
    second = make_user("caseworker", first_name="Sam", last_name="Second")
    child = make_child(first_name="Bo", last_name="Testworth")
    case = cw.submit_request(
        actor=first, child=child, received_on=date.today() - timedelta(days=5), source="1", caseworker=first
    )
    signed_in("manager", first_name="Mo", last_name="Manager")
    screens.look(page, "manager", "home")

    page.goto(f"{live_server.url}/cases/")
    screens.look(page, "manager", "queue")
    page.get_by_label(f"Select Bo Testworth, {case.reference}").check()
    page.get_by_label("Give them to").select_option(label="Sam Second")
    page.get_by_role("button", name="Reassign selected requests").click()
    expect(page.get_by_text("1 request reassigned to Sam Second")).to_be_visible()
    case.refresh_from_db()
    assert case.caseworker_id == second.pk

    page.get_by_role("link", name="Bo Testworth").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bo Testworth")
    screens.look(page, "manager", "case")
    page.get_by_role("link", name=re.compile("^Case history")).click()
    expect(page.locator("main")).to_contain_text("Now Sam Second, was Fern First")
    expect(page.locator("main")).to_contain_text("Mo Manager")
    screens.look(page, "manager", "history")
    page.goto(f"{live_server.url}/cases/caseload/")
    expect(page.locator("main")).to_contain_text("Sam Second")
    screens.look(page, "manager", "caseload")
    assert page.problems == [], page.problems
