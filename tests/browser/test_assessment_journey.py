"""A caseworker takes a request to a final plan through the pages, in Chromium, with axe on each page."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from highneeds.casework.models import AssessmentRequest

from .axe import assert_accessible

TODAY = date.today()


def fill_date(page, legend: str, value: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def save(page) -> None:
    page.get_by_role("button", name="Save").click()


def test_caseworker_takes_a_request_to_a_final_plan(page, live_server, signed_in, make_child, make_establishment):
    school = make_establishment(name="Brookside Special School", establishment_type="SP_LA", urn=888002)
    child = make_child(first_name="Jordan", last_name="Samplefield")
    received = TODAY - timedelta(days=120)
    signed_in_user = signed_in("caseworker")

    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Record a request for an EHC needs assessment").click()
    assert_accessible(page)
    fill_date(page, "Date the request was received", received)
    page.get_by_label("Name of the person who asked").fill("Sam Samplefield")
    save(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jordan Samplefield: EHC needs assessment")
    expect(page.get_by_role("cell", name="Decide whether to assess")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record the decision whether to assess").click()
    page.get_by_role("group", name="Will the council carry out an EHC needs assessment?").get_by_label("Yes").check()
    fill_date(page, "Date of the decision", received + timedelta(days=35))
    save(page)  # reasons missing: the form says so beside the field
    expect(page.get_by_role("alert")).to_contain_text("Enter the reasons")
    assert_accessible(page)
    page.get_by_label("Reasons").fill("Evidence of needs beyond what SEN support can meet")
    save(page)

    page.get_by_role("link", name="Ask for advice").click()
    page.get_by_label("Kind of advice").select_option("educational_psychology")
    page.get_by_label("Adviser or service name").fill("Educational psychology service")
    fill_date(page, "Date asked", received + timedelta(days=36))
    save(page)
    page.get_by_role("link", name="Record advice received another way").click()
    fill_date(page, "Date received", received + timedelta(days=70))
    page.get_by_label("Advice, or a summary of it").fill("Significant needs in communication and interaction")
    save(page)

    page.get_by_role("link", name="Record the decision whether to issue a plan").click()
    page.get_by_role("group", name="Will the council issue an EHC plan?").get_by_label("Yes").check()
    fill_date(page, "Date of the decision", received + timedelta(days=90))
    page.get_by_label("Reasons").fill("Special educational provision is needed")
    save(page)
    page.get_by_role("link", name="Send the draft plan").click()
    fill_date(page, "Date", received + timedelta(days=95))
    save(page)

    page.get_by_role("link", name="Issue the final plan").click()
    fill_date(page, "Date the final plan is issued", received + timedelta(days=100))  # inside the 15 days: refused
    page.get_by_label("URN of the setting named in section I (leave blank to name a type only)").fill("888002")
    save(page)
    expect(page.get_by_role("alert")).to_contain_text("can be finalised from")
    fill_date(page, "Date the final plan is issued", received + timedelta(days=112))
    save(page)
    expect(page.get_by_role("alert")).to_contain_text("Section B must describe at least one special educational need")
    # The caseworker writes the plan (its pages have their own journey, test_plan_journeys.py).
    from highneeds.plans.queries import current_plan
    from tests.conftest import fill_plan_version

    fill_plan_version(current_plan(child).versions.get(), signed_in_user)
    save(page)

    expect(page.get_by_text("Final plan issued").first).to_be_visible()
    expect(page.get_by_role("link", name="Final EHC plan for Jordan Samplefield", exact=True)).to_be_visible()
    assert_accessible(page)
    request = AssessmentRequest.objects.get(child=child)
    assert request.status == "plan_issued"
    assert {d["step"]: d["status"] for d in request.deadlines}["final_plan"] == "met"
    assert school.placements.filter(child=child, end_date__isnull=True).exists()
    page.get_by_role("link", name="Final EHC plan for Jordan Samplefield", exact=True).click()
    expect(page.get_by_text("First-tier Tribunal", exact=False)).to_be_visible()
    assert_accessible(page)
