"""The SEND data officer builds the SEN2 return, opens a validation error, follows it to the child's record, fixes
it there and rebuilds: the error is gone. Every page passes axe; screenshots in $HIGHNEEDS_SCREENSHOTS if set."""

from __future__ import annotations

import os
from datetime import date

from playwright.sync_api import expect

from .axe import assert_accessible
from .helpers import sign_in


def _shot(page, name):
    folder = os.environ.get("HIGHNEEDS_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"sen2-{name}.png"), full_page=True)


def test_data_officer_fixes_an_error_and_rebuilds(page, live_server, make_user, make_child, make_establishment):
    from highneeds.council.models import CouncilSettings
    from highneeds.plans.models import Plan

    CouncilSettings.objects.update_or_create(pk=1, defaults={"old_la_code": "384"})
    school = make_establishment(name="Brookside Primary", urn=100101)
    ok = make_child(
        first_name="Ola",
        last_name="Placed",
        upn="A123456789012",
        postcode="LS1 4AP",
        establishment=school,
        sen_status="E",
        needs=("ASD",),
    )
    Plan.objects.create(child=ok, status="final", first_issued_on=date(2024, 5, 1))
    lacking = make_child(
        first_name="Nia", last_name="Unplaced", uln="1234567899", postcode="LS2 7AB", sen_status="E", needs=("SEMH",)
    )
    Plan.objects.create(child=lacking, status="final", first_issued_on=date(2025, 2, 1))
    officer = make_user("manager")
    sign_in(page, live_server, officer.username)

    page.get_by_role("link", name="SEN2 return").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SEN2 return")
    assert_accessible(page)
    page.get_by_label("Return year").fill("2027")
    page.get_by_label("LA number").fill("384")
    page.get_by_role("button", name="Build the return").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SEN2 2027 return")
    expect(page.get_by_text("Built", exact=True)).to_be_visible()
    assert_accessible(page)
    _shot(page, "built-with-error")
    row = page.locator("tr", has_text="SEN2-141")
    expect(row).to_contain_text("no placement")

    row.get_by_role("link", name="Open record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nia Unplaced")
    page.get_by_role("link", name="Record a placement").click()
    page.get_by_label("Setting URN").fill("100101")
    page.fill("#id_start_date_day", "1")
    page.fill("#id_start_date_month", "9")
    page.fill("#id_start_date_year", "2025")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Brookside Primary").first).to_be_visible()

    page.get_by_role("link", name="SEN2 return").first.click()
    page.get_by_role("link", name="2027 (LA 384)").first.click()
    page.get_by_role("button", name="Build again").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SEN2 2027 return")
    expect(page.get_by_text("No errors or queries.")).to_be_visible()
    expect(page.get_by_role("button", name="Keep as the submitted version")).to_be_visible()
    assert_accessible(page)
    _shot(page, "rebuilt-clean")
    page.get_by_role("button", name="Keep as the submitted version").click()
    expect(page.get_by_text("Submitted to DfE").first).to_be_visible()
    page.get_by_role("link", name="SEN2 return").first.click()
    page.get_by_role("link", name="Published-style tables").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SEN2 tables, 2027")
    assert_accessible(page)
    _shot(page, "tables")
    assert not page.problems, page.problems
