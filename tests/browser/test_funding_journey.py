"""A finance officer changes a child's band after a panel, sees the commitment change, and the S151 view's DSG
position moves by the right amount. Every page passes axe (no serious or critical violations)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.funding import services
from highneeds.funding.examples import install_all
from highneeds.funding.models import AreaOfNeed, Band, Commitment
from highneeds.funding.presenting import current_financial_year, gbp
from tests.write_guard import allow_writes

from .axe import assert_accessible


def pence(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_band_change_after_panel_moves_the_dsg_position(page, live_server, signed_in, make_child, make_establishment):
    with allow_writes():  # what the data migration does: re-installs the shipped frameworks, which a
        install_all()     # transactional test's flush removed
    year = current_financial_year()
    framework_bands = {b.code: b for b in Band.objects.filter(framework__code="mainstream-top-up")}
    school = make_establishment(establishment_type="MS_LA", name="Brookside Primary")
    child = make_child(establishment=school, first_name="Ada", last_name="Bandchange")
    area = AreaOfNeed.objects.get(framework__code="mainstream-top-up", code="CL")
    services.set_child_band(actor=SYSTEM, child=child, band=framework_bands["1"], area=area,
                            effective_from=date(year, 4, 1), evidence="Reading well below age", decided_by="officer")
    services.create_commitment(actor=SYSTEM, child=child, establishment=school, setting_type="mainstream",
                               start=date(year, 4, 1), source="plan", band=framework_bands["1"])
    services.set_dsg_allocation(actor=SYSTEM, financial_year=year, high_needs_block=Decimal("10000000"),
                                opening_balance=Decimal("-1000000"), source="Test allocation")

    signed_in("finance")
    page.get_by_role("link", name="Funding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("High needs budget monitoring")
    assert_accessible(page)
    page.get_by_role("link", name="DSG position (S151 view)").click()
    expect(page.locator("#in-year")).to_contain_text(gbp(Decimal("10000000") - 1600))
    assert_accessible(page)

    page.goto(f"{live_server.url}/funding/children/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bands and funding")
    page.get_by_label("Area of need").select_option(label="Cognition and learning")
    page.get_by_label("Band", exact=True).select_option(label="Band 3")
    change = date(year + 1, 1, 1)
    page.get_by_label("Day").fill(str(change.day))
    page.get_by_label("Month").fill(str(change.month))
    page.get_by_label("Year").fill(str(change.year))
    page.get_by_label("Panel", exact=True).check()
    page.get_by_label("Panel meeting or decision reference").fill(f"High needs panel 18 December {year}")
    page.get_by_label("Evidence against the band's descriptors").fill("Needs have grown: see the panel paper")
    page.get_by_role("button", name="Save the band").click()
    expect(page.locator(".govuk-notification-banner, .govuk-panel").first).to_contain_text("Band 3")
    expect(page.locator("#commitments")).to_contain_text("v2")
    expect(page.locator("#commitments")).to_contain_text("Band changed to Band 3")
    assert Commitment.objects.filter(child=child).count() == 2

    # 1 April to 31 December at Band 1, 1 January to 31 March at Band 3, each rounded to pence
    first_days = (change - date(year, 4, 1)).days
    last_days = (date(year + 1, 3, 31) - change).days + 1
    year_days = (date(year + 1, 4, 1) - date(year, 4, 1)).days
    new_total = pence(Decimal(1600) * first_days / year_days) + pence(Decimal(4500) * last_days / year_days)
    expect(page.locator("#year-total")).to_have_text(gbp(new_total))
    assert_accessible(page)

    page.goto(f"{live_server.url}/funding/dsg/")
    expect(page.locator("#in-year")).to_contain_text(gbp(Decimal("10000000") - new_total))
    expect(page.locator("#cumulative")).to_contain_text(gbp(Decimal("9000000") - new_total))
    expect(page.locator("#override")).to_contain_text("31 March 2028")
    assert page.problems == []
