"""A finance officer builds a scenario with new in-area places and sees the deficit trajectory and the cost
avoided change. Every page passes axe (no serious or critical violations)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.council.services import update_council_settings
from highneeds.engine import publicdata
from highneeds.establishments.models import Establishment
from highneeds.people.models import Child, ChildNeed, Placement, SenStatusPeriod
from highneeds.planning import engine_bridge
from highneeds.planning.casework_counts import default_base_year
from highneeds.planning.models import Scenario

from .axe import assert_accessible
from .screens import look

pytestmark = pytest.mark.skipif(
    not (settings.SHARED_DATA_DIR / publicdata.CASELOAD_FILE).is_file(), reason="shared data folder not present"
)
NEEDS = ("ASD", "ASD", "SEMH", "SLCN", "MLD")


def build_council(make_establishment, n: int = 200) -> None:
    """n children with plans (bulk: the services are tested elsewhere), a third of them in independent special
    schools, with plans made over the last five years."""
    update_council_settings(actor=SYSTEM, name="Wakefield Council", old_la_code="384")
    base = date.today().year if (date.today().month, date.today().day) >= (1, 15) else date.today().year - 1
    school = make_establishment(establishment_type="MS_LA", la_code="384")
    independent = make_establishment(establishment_type="SP_INDEPENDENT", la_code="999", phase="ALL_THROUGH")
    children = Child.objects.bulk_create(
        [
            Child(
                first_name=f"Forecastchild{k}",
                last_name="Bulkfield",
                date_of_birth=date(base - 6 - k % 12, 1 + k % 12, 5),
                sex="F",
                responsible_la="384",
                sen_status="E",
            )
            for k in range(n)
        ]
    )
    SenStatusPeriod.objects.bulk_create(
        [SenStatusPeriod(child=c, status="E", start_date=date(base - 1 - k % 5, 3, 1)) for k, c in enumerate(children)]
    )
    ChildNeed.objects.bulk_create([ChildNeed(child=c, code=NEEDS[k % 5], rank=1) for k, c in enumerate(children)])
    Placement.objects.bulk_create(
        [
            Placement(
                child=c,
                establishment=independent if k % 3 == 0 else school,
                placement_type="ON_ROLL",
                start_date=date(base - 5, 9, 1),
            )
            for k, c in enumerate(children)
        ]
    )
    assert Establishment.objects.count() == 2


def test_finance_officer_builds_a_scenario_with_new_places(page, live_server, signed_in, make_establishment):
    build_council(make_establishment)
    base = default_base_year()  # January 2025 or 2026: the latest January the records reach
    # Reading the public data files the first time takes seconds: do it before the clock of a page load runs.
    engine_bridge.projection_for(engine_bridge.council_baseline())
    signed_in("finance")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Forecasts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forecast of EHC plans and high needs spend")
    expect(page.get_by_role("img", name=re.compile("Cumulative DSG position"))).to_be_visible()
    expect(page.locator("#position")).to_contain_text(str(base + 1))
    assert_accessible(page)

    page.get_by_role("button", name="Create a scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New scenario")
    # A new scenario starts from the baseline's assumptions (here the defaults: no baseline is saved), not 0%.
    expect(page.get_by_label("High needs block allocation growth a year (per cent)")).to_have_value("3.0")
    assert_accessible(page)
    # Saving without a name, and a places row half filled in: the errors name the field and the row.
    page.get_by_label("Number of places").fill("10")
    page.get_by_role("button", name="Save scenario").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a name for the scenario")
    expect(summary).to_contain_text("Enter the cost per place in new places row 1")
    assert_accessible(page)

    page.get_by_label("Scenario name").fill("New autism places")
    page.get_by_label("Opening year").fill(str(base))
    page.get_by_label("Cost per place a year (£)").fill("26000")
    page.get_by_label("Primary need").select_option("ASD")
    page.get_by_label("Phase").select_option("all_through")
    page.get_by_role("button", name="Save scenario").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("New autism places")
    expect(page.get_by_text("Scenario ‘New autism places’ saved")).to_be_visible()
    trajectory = page.locator("#trajectory")
    expect(trajectory).to_contain_text("Cumulative without the levers")
    expect(trajectory.locator("tbody tr")).to_have_count(10)
    expect(page.get_by_role("img", name=re.compile("Cumulative DSG position"))).to_be_visible()
    first_total = page.locator("#cost-avoided-total").inner_text()
    assert first_total not in ("£0", "-£0"), first_total
    last_row = trajectory.locator("tbody tr").last.locator("td")
    assert last_row.nth(2).inner_text() != last_row.nth(3).inner_text()  # with and without the places
    assert_accessible(page)

    # More places (there are more children to take them than 10): the cost avoided changes.
    page.get_by_role("button", name="Change the scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the scenario")
    expect(page.get_by_label("Number of places").first).to_have_value("10")
    assert_accessible(page)
    page.get_by_label("Number of places").first.fill("25")
    page.get_by_role("button", name="Save scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New autism places")
    expect(page.locator("#cost-avoided-total")).not_to_have_text(first_total)
    assert Scenario.objects.get().levers["new_places"][0]["places"] == 25

    # Goal seek: the number of places that would balance the in-year position.
    page.get_by_role("link", name="Goal seek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Goal seek")
    assert_accessible(page)
    page.get_by_label("Lever to change").select_option("new_places")
    page.get_by_label("Year to reach in-year balance").fill(str(base + 3))
    page.get_by_role("button", name="Find the value").click()
    expect(page.locator("#goal-seek-result")).to_contain_text(re.compile(r"places|Not reachable in range"))
    assert_accessible(page)

    page.get_by_role("link", name="Scenarios").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scenarios")
    assert_accessible(page)
    page.get_by_role("link", name="Compare scenarios side by side").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare scenarios")
    assert_accessible(page)
    page.goto(f"{live_server.url}/planning/neighbours/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare with statistical neighbours")
    expect(page.locator("#neighbours")).to_contain_text("This council")
    assert_accessible(page)
    assert page.problems == [], page.problems


def test_the_forecast_is_calculated_on_the_queue_while_the_page_waits(page, live_server, signed_in, make_establishment):
    """The first visit finds no kept forecast: the page says it is being calculated, offers a link to refresh, and
    (with JavaScript) reloads itself when the worker beside the live server has kept it."""
    from highneeds.jobs.models import KeptFile

    build_council(make_establishment, n=40)
    signed_in("finance")
    page.goto(f"{live_server.url}/planning/")
    expect(page.get_by_role("link", name="Refresh this page")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("being calculated")
    look(page, "finance", "forecast-being-calculated")
    expect.set_options(timeout=60_000)
    expect(page.get_by_role("img", name=re.compile("Cumulative DSG position"))).to_be_visible()
    expect(page.get_by_role("link", name="Refresh this page")).to_have_count(0)
    look(page, "finance", "forecast-ready")
    assert KeptFile.objects.filter(key__startswith="forecast-run:baseline:").count() == 1
    # The lead member reads the same forecast: the kept run, at once.
    page.context.clear_cookies()
    signed_in("strategic_lead")
    page.goto(f"{live_server.url}/planning/")
    expect(page.get_by_role("link", name="Refresh this page")).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile("Cumulative DSG position"))).to_be_visible()
    look(page, "strategic-lead", "forecast-ready")
    assert page.problems == [], page.problems
