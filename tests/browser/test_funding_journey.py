"""After a placement panel, a finance officer commits the package the panel agreed, then changes the child's band
and sees the commitment change; the section 151 officer, signed in beside them, sees the DSG position move by the
right amount. Every page passes axe (no serious or critical violations)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.funding import services
from highneeds.funding.examples import install_all
from highneeds.funding.models import Band, Commitment
from highneeds.funding.presenting import current_financial_year, gbp
from tests.funding.conftest import build_placement_decision
from tests.write_guard import allow_writes

from .axe import assert_accessible
from .helpers import sign_in

ALLOCATION = Decimal(10000000)


def pence(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_band_change_after_panel_moves_the_s151_position(
    page, browser, live_server, signed_in, make_user, make_child, make_establishment
):
    with allow_writes():  # what the data migration does: re-installs the shipped frameworks, which a
        install_all()  # transactional test's flush removed
    year = current_financial_year()
    bands = {b.code: b for b in Band.objects.filter(framework__code="mainstream-top-up")}
    _, child, school = build_placement_decision(
        make_user, make_child, make_establishment, meets_on=date(year, 4, 1), first_name="Ada", last_name="Bandchange"
    )
    services.set_dsg_allocation(
        actor=SYSTEM,
        financial_year=year,
        high_needs_block=ALLOCATION,
        opening_balance=Decimal(-1000000),
        source="Test allocation",
    )

    # The S151 officer watches the position in their own browser context: totals only.
    s151_context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    s151 = s151_context.new_page()
    sign_in(s151, live_server, make_user("s151").username)
    s151.get_by_role("link", name="DSG position").first.click()
    expect(s151.locator("#in-year")).to_contain_text(gbp(ALLOCATION))
    expect(s151.locator("#override")).to_contain_text("31 March 2028")
    assert "Bandchange" not in s151.content()
    assert_accessible(s151)

    # Finance commits the panel's package: Band 1 at the school from the day the panel met.
    signed_in("finance")
    page.get_by_role("link", name="Funding").click()
    page.get_by_role("link", name="Placement panel decisions").click()
    assert_accessible(page)
    page.get_by_role("link", name="Ada Bandchange").click()
    expect(page.locator("#decision")).to_contain_text("Agree the placement and funding")
    page.get_by_label("Setting's URN").fill(str(school.urn))
    page.get_by_label("Band the panel agreed").select_option(value=str(bands["1"].pk))
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill(str(year))
    assert_accessible(page)
    page.get_by_role("button", name="Commit the package").click()
    expect(page.locator("#versions")).to_contain_text("Band 1")
    s151.reload()
    expect(s151.locator("#in-year")).to_contain_text(gbp(ALLOCATION - 1600))

    # After the panel, finance moves the child to Band 3 from 1 January: the commitment gets a new version.
    page.goto(f"{live_server.url}/funding/children/{child.pk}/")
    page.get_by_label("Area of need").select_option(label="Cognition and learning")
    page.get_by_label("Band", exact=True).select_option(label="Band 3")
    change = date(year + 1, 1, 1)
    page.get_by_label("Day").fill(str(change.day))
    page.get_by_label("Month").fill(str(change.month))
    page.get_by_label("Year").fill(str(change.year))
    page.get_by_label("Panel", exact=True).check()
    page.get_by_label("Panel meeting or decision reference").fill(f"Placement panel 18 December {year}")
    page.get_by_label("Evidence against the band's descriptors").fill("Needs have grown: see the panel paper")
    page.get_by_role("button", name="Save the band").click()
    expect(page.locator("#commitments")).to_contain_text(f"Package 1, version 2 from 1 January {year + 1}")
    expect(page.locator("#commitments")).to_contain_text("Band changed to Band 3")
    assert Commitment.objects.filter(child=child).count() == 2

    # 1 April to 31 December at Band 1, 1 January to 31 March at Band 3, each rounded to pence.
    first_days = (change - date(year, 4, 1)).days
    last_days = (date(year + 1, 3, 31) - change).days + 1
    year_days = (date(year + 1, 4, 1) - date(year, 4, 1)).days
    new_total = pence(Decimal(1600) * first_days / year_days) + pence(Decimal(4500) * last_days / year_days)
    expect(page.locator("#year-total")).to_have_text(gbp(new_total))
    assert_accessible(page)

    s151.reload()
    expect(s151.locator("#in-year")).to_contain_text(gbp(ALLOCATION - new_total))
    expect(s151.locator("#cumulative")).to_contain_text(gbp(ALLOCATION - Decimal(1000000) - new_total))
    expect(s151.locator("#commitments-budget")).to_contain_text(gbp(new_total))
    assert "Bandchange" not in s151.content()
    assert_accessible(s151)
    s151_context.close()
    assert page.problems == []
