"""Issue 11 "every figure is right", in Chromium: the forecast without its public data names no server path, the
local area figures say when no child is placed, a child's funding page names packages as a finance officer reads
them, and a family account's user page names its children. `screens.look` runs axe and keeps a screenshot."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.funding import services as funding
from highneeds.funding.examples import install_all
from highneeds.funding.models import AreaOfNeed, Band
from highneeds.people import services as people
from tests.write_guard import allow_writes

from .helpers import sign_in
from .screens import look


def test_forecast_without_public_data_names_no_path(page, live_server, make_user, settings, tmp_path):
    settings.SHARED_DATA_DIR = tmp_path / "secret-server-folder"
    sign_in(page, live_server, make_user("finance", first_name="Fin", last_name="Ance").username)
    page.goto(f"{live_server.url}/planning/")
    expect(page.get_by_text("The public data files are not installed")).to_be_visible(timeout=60_000)
    assert "secret-server-folder" not in page.content()
    look(page, "finance", "forecast-no-public-data")
    page.goto(f"{live_server.url}/planning/neighbours/")
    expect(page.get_by_text("The public data files are not installed")).to_be_visible()
    assert "secret-server-folder" not in page.content()


def test_local_area_figures_with_no_child_placed(page, live_server, make_user, make_child, make_establishment):
    make_child(sen_status="K", establishment=make_establishment(establishment_type="MS_LA"))
    sign_in(page, live_server, make_user("strategic_lead", first_name="Lee", last_name="Lead").username)
    page.goto(f"{live_server.url}/insight/")
    expect(page.get_by_role("table", name="Where children with EHC plans are placed")).to_contain_text(
        "No placements recorded"
    )
    look(page, "strategic-lead", "local-area-figures-none-placed")


def test_local_area_figures_add_up(page, live_server, make_user, make_child, make_establishment):
    school = make_establishment(establishment_type="MS_LA")
    for _ in range(6):
        make_child(sen_status="E", establishment=school)
    for _ in range(5):
        make_child(sen_status="E")
    sign_in(page, live_server, make_user("manager").username)
    page.goto(f"{live_server.url}/insight/")
    table = page.get_by_role("table", name="Where children with EHC plans are placed")
    expect(table).to_contain_text("Mainstream - LA maintained")
    expect(table).to_contain_text("No current placement recorded")
    look(page, "manager", "local-area-figures")


@pytest.fixture
def packages(make_child, make_establishment):
    with allow_writes():  # the shipped frameworks, which a transactional test's flush removed
        install_all()
    band = {b.code: b for b in Band.objects.filter(framework__code="mainstream-top-up")}
    area = AreaOfNeed.objects.get(framework__code="mainstream-top-up", code="CL")
    school = make_establishment(name="Brook Lane Primary", establishment_type="MS_LA")
    child = make_child(first_name="Pia", last_name="Packages", establishment=school)
    funding.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band["1"],
        area=area,
        effective_from=date(2026, 4, 1),
        evidence="Reading age 3 years behind",
        decided_by="officer",
    )
    funding.create_commitment(
        actor=SYSTEM,
        child=child,
        establishment=school,
        setting_type="mainstream",
        start=date(2026, 4, 1),
        source="plan",
        band=band["1"],
        source_reference="Plan section F",
    )
    funding.set_child_band(
        actor=SYSTEM,
        child=child,
        band=band["2"],
        area=area,
        effective_from=date(2026, 10, 1),
        evidence="Needs have grown",
        decided_by="panel",
        decision_reference="Panel 24 September 2026",
    )
    return child


def test_child_funding_page_names_packages(page, live_server, make_user, packages):
    sign_in(page, live_server, make_user("finance").username)
    page.goto(f"{live_server.url}/funding/children/{packages.pk}/?year=2026")
    table = page.locator("#commitments")
    expect(table).to_contain_text("Package 1, version 2 from 1 October 2026")
    expect(table).to_contain_text("Package 1, version 1 from 1 April 2026")
    look(page, "finance", "child-funding-packages")


def test_family_account_page_names_its_children(page, live_server, make_user, make_child):
    account = make_user("parent", first_name="Pat", last_name="Parentuser")
    child = make_child(first_name="Lena", last_name="Linked", dob=date(2015, 3, 1))
    people.add_parent(
        actor=SYSTEM, child=child, first_name="Pat", last_name="Parentuser", relationship="Mother", user=account
    )
    sign_in(page, live_server, make_user("admin").username)
    page.goto(f"{live_server.url}/users/{account.pk}/")
    table = page.locator("#linked-children")
    expect(table).to_contain_text("Lena Linked")
    expect(table).to_contain_text("1 March 2015")
    expect(table).to_contain_text("Still has access")
    look(page, "admin", "family-account-children")
