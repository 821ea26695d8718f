"""Day one for the council's other roles, in Chromium: a manager (team caseloads, a leaver, reassigning), a panel
member (panel list, a meeting, a recommendation), a finance officer (overview, commitments, a top-up decision),
the section 151 officer (the DSG position), a strategic lead / lead member (dashboards and the forecast: aggregates,
no child named) and an administrator / DPO (users, changing and deactivating an account, a family account, the
audit log filtered and exported). `screens.look` runs axe and saves each page a person reads."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.casework import services as casework
from highneeds.funding import services as funding
from highneeds.funding.examples import install_all
from highneeds.funding.models import AreaOfNeed, Band, Commitment, TopUpApplication
from highneeds.funding.presenting import current_financial_year
from highneeds.panels import services as panels
from highneeds.panels.models import Recommendation
from highneeds.people import services as people
from tests.write_guard import allow_writes

from .helpers import sign_in
from .screens import look

# Every child made here: none of these may appear on an aggregates-only page.
NAMES = ("Ada", "Aggregate", "Toby", "Topup", "Amara", "Panelcase", "Lena", "Leavercase")


@pytest.fixture
def council(make_user, make_child, make_establishment):
    """A small council: a banded child with a commitment, a SENCO's top-up application, a case on a panel's
    agenda today, a caseworker who is leaving with a case, and the year's DSG allocation."""
    with allow_writes():  # the shipped frameworks, which a transactional test's flush removed
        install_all()
    bands = {b.code: b for b in Band.objects.filter(framework__code="mainstream-top-up")}
    areas = {a.code: a for a in AreaOfNeed.objects.filter(framework__code="mainstream-top-up")}
    school = make_establishment(name="Brook Lane Primary", establishment_type="MS_LA")
    manager = make_user("manager", first_name="Mo", last_name="Manager")
    worker = make_user("caseworker", first_name="Cal", last_name="Worker")
    leaver = make_user("caseworker", first_name="Lou", last_name="Leaving")
    senco = make_user("senco", establishment=school, first_name="Sam", last_name="Senco")

    banded = make_child(first_name="Ada", last_name="Aggregate", establishment=school)
    funding.set_child_band(
        actor=SYSTEM,
        child=banded,
        band=bands["1"],
        area=areas["CL"],
        effective_from=date.today() - timedelta(days=30),
        evidence="Reading age 3 years behind",
        decided_by="officer",
    )
    funding.create_commitment(
        actor=SYSTEM,
        child=banded,
        establishment=school,
        setting_type="mainstream",
        start=date.today() - timedelta(days=30),
        source="plan",
        band=bands["1"],
        source_reference="Plan section F",
    )
    pupil = make_child(first_name="Toby", last_name="Topup", establishment=school, sen_status="K")
    funding.apply_for_top_up(
        actor=senco,
        child=pupil,
        establishment=school,
        area=areas["SEMH"],
        band=bands["2"],
        start=date.today() + timedelta(days=30),
        evidence="Daily dysregulation; Boxall profile attached",
    )
    year = current_financial_year()
    funding.set_dsg_allocation(
        actor=SYSTEM, financial_year=year, high_needs_block=Decimal(10_000_000), source="Test allocation"
    )

    on_panel = make_child(first_name="Amara", last_name="Panelcase", establishment=school)
    request = casework.submit_request(
        actor=worker, child=on_panel, received_on=date.today() - timedelta(days=14), source="2", caseworker=worker
    )
    panel = panels.create_panel(
        actor=manager, name="Assessment panel", panel_type="assess", quorum=2, quorum_agencies=["education"]
    )
    chair = make_user("panel_member", first_name="Edna", last_name="Educator")
    health = make_user("panel_member", first_name="Hari", last_name="Health")
    panels.add_member(actor=manager, panel=panel, user=chair, agency="education", is_chair=True)
    panels.add_member(actor=manager, panel=panel, user=health, agency="health")
    meeting = panels.schedule_meeting(actor=manager, panel=panel, meets_on=date.today(), location="Room 1")
    panels.add_to_agenda(actor=manager, meeting=meeting, request=request, summary="Should we assess?")

    held = make_child(first_name="Lena", last_name="Leavercase", establishment=school)
    casework.submit_request(
        actor=leaver, child=held, received_on=date.today() - timedelta(days=7), source="1", caseworker=leaver
    )
    parent = make_user("parent", first_name="Pat", last_name="Parentuser", email="pat@example.org")
    people.add_parent(actor=SYSTEM, child=held, first_name="Pat", last_name="Parentuser", user=parent)
    return {
        "manager": manager,
        "worker": worker,
        "leaver": leaver,
        "chair": chair,
        "meeting": meeting,
        "request": request,
        "pupil": pupil,
        "parent": parent,
    }


def go(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")


def menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()


def no_child_named(page) -> None:
    text = page.inner_text("main")
    named = [name for name in NAMES if re.search(rf"\b{name}\b", text)]
    assert named == [], f"an aggregates-only page names a child: {named}"


def test_manager_day_one(page, live_server, council):
    sign_in(page, live_server, council["manager"].username)
    look(page, "manager", "home")
    page.get_by_role("link", name="Work queue").click()
    look(page, "manager", "work-queue")
    go(page, live_server, "/cases/caseload/")
    expect(page.get_by_text("Cal Worker").first).to_be_visible()
    look(page, "manager", "team-caseloads")
    page.get_by_role("link", name="Users", exact=True).click()
    look(page, "manager", "users")
    page.get_by_role("link", name="Lou Leaving").click()
    page.get_by_role("link", name="Deactivate").click()
    look(page, "manager", "deactivate-leaver")
    page.get_by_label("Reason").fill("Left the council")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("This person has left but still holds cases")).to_be_visible()
    look(page, "manager", "leaver-deactivated")
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text(re.compile("1 person who has left still holds 1 open request"))).to_be_visible()
    look(page, "manager", "home-leaver-flagged")
    go(page, live_server, f"/users/{council['leaver'].pk}/")
    page.get_by_role("link", name="Reassign their open requests").click()
    expect(page.get_by_text("Lena Leavercase").first).to_be_visible()
    look(page, "manager", "reassign-leavers-cases")
    assert page.problems == [], page.problems


def test_panel_member_day_one(page, live_server, council):
    sign_in(page, live_server, council["chair"].username)
    look(page, "panel-member", "home")
    page.get_by_role("link", name="Panels").click()
    look(page, "panel-member", "panels")
    go(page, live_server, f"/panels/meetings/{council['meeting'].pk}/")
    look(page, "panel-member", "meeting")
    page.get_by_label("Edna Educator (Education)").check()
    page.get_by_label("Hari Health (Health)").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Quorate", exact=True)).to_be_visible()
    page.get_by_role("button", name="Record the recommendation").click()  # nothing chosen: told what to do
    look(page, "panel-member", "recommendation-errors")
    page.get_by_label("Assess", exact=True).check()
    page.get_by_label("The panel's reasons").fill("The school's evidence shows needs beyond SEN support")
    page.get_by_role("button", name="Record the recommendation").click()
    expect(page.get_by_text(f"Recommendation recorded for {council['request'].reference}")).to_be_visible()
    look(page, "panel-member", "recommendation-recorded")
    assert Recommendation.objects.get().outcome == "assess"
    assert page.problems == [], page.problems


def test_finance_officer_day_one(page, live_server, council, make_user):
    sign_in(page, live_server, make_user("finance", first_name="Fin", last_name="Officer").username)
    look(page, "finance", "home")
    page.get_by_role("link", name="Funding").click()
    look(page, "finance", "overview")
    go(page, live_server, f"/funding/children/{Commitment.objects.get().child_id}/")
    look(page, "finance", "child-commitments")
    expect(page.get_by_role("heading", name="Commitments")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Brook Lane Primary"))).to_be_visible()
    go(page, live_server, "/funding/top-ups/")
    look(page, "finance", "top-ups")
    page.get_by_role("link", name=re.compile("Toby Topup")).first.click()
    look(page, "finance", "top-up-application")
    page.get_by_label("Agreed", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the panel meeting and date")
    look(page, "finance", "top-up-errors")
    page.get_by_label("Panel meeting and date").fill("High needs panel, 3 December 2026")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state("load")
    look(page, "finance", "top-up-agreed")
    assert TopUpApplication.objects.get().status == "agreed"
    assert Commitment.objects.filter(child=council["pupil"]).count() == 1
    assert [p for p in page.problems if "400" not in p] == [], page.problems  # 400: the form sent back with errors


def test_s151_officer_day_one(page, live_server, council, make_user):
    sign_in(page, live_server, make_user("s151", first_name="Sue", last_name="Treasurer").username)
    look(page, "s151", "home")
    no_child_named(page)
    page.get_by_role("link", name="DSG position").first.click()
    expect(page.locator("#in-year")).to_contain_text(re.compile(r"£[\d,]+"))
    look(page, "s151", "dsg-position")
    no_child_named(page)
    menu(page, "Funding")
    look(page, "s151", "funding")
    no_child_named(page)
    assert page.problems == [], page.problems


def test_strategic_lead_day_one_sees_no_child(page, live_server, council, make_user):
    sign_in(page, live_server, make_user("strategic_lead", first_name="Lee", last_name="Lead").username)
    look(page, "strategic-lead", "home")
    no_child_named(page)
    for link, name in (
        ("Local area figures", "local-area-figures"),
        ("Funding", "funding"),
        ("Forecasts", "forecasts"),
    ):
        menu(page, link)
        look(page, "strategic-lead", name)
        no_child_named(page)
    go(page, live_server, "/insight/timeliness/")
    look(page, "strategic-lead", "timeliness")
    no_child_named(page)
    go(page, live_server, "/panels/outcomes/")
    look(page, "strategic-lead", "panel-outcomes")
    no_child_named(page)
    assert page.problems == [], page.problems


def test_administrator_day_one(page, live_server, council, make_user):
    admin = make_user("admin", first_name="Alex", last_name="Admin")
    sign_in(page, live_server, admin.username)
    look(page, "admin", "home")
    page.get_by_role("link", name="Users", exact=True).click()
    look(page, "admin", "users")
    page.get_by_role("link", name="Cal Worker").click()
    page.get_by_label("Last name").fill("Worker-Jones")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address")  # the test user has none
    look(page, "admin", "user-change-errors")
    page.get_by_label("Email address").fill("cal.worker@council.example")
    page.get_by_role("button", name="Save changes").click()
    look(page, "admin", "user-changed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cal Worker-Jones")
    page.get_by_role("link", name="Back to users").click()
    page.get_by_label("Role").select_option(label="Parent or carer")
    page.get_by_role("button", name="Filter").click()
    look(page, "admin", "users-family-accounts")
    page.get_by_role("link", name="Pat Parentuser").click()
    look(page, "admin", "family-account")
    page.get_by_role("link", name="Deactivate").click()
    page.get_by_label("Reason").fill("Asked for the portal account to be closed")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("can no longer sign in")).to_be_visible()
    look(page, "admin", "family-account-deactivated")
    council["parent"].refresh_from_db()
    assert not council["parent"].is_active

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    look(page, "admin", "audit-log")
    page.get_by_label("Person").fill("Lou")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table")).to_contain_text("Lou Leaving")
    look(page, "admin", "audit-log-filtered")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert len(rows) > 1 and all("Lou Leaving" in " ".join(row) for row in rows[1:])
    assert page.problems == [], page.problems
