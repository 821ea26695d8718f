"""A forecast of the council's own casework starts from its own commitments where they exist (planning/flows.py),
from public unit costs elsewhere, and the page says which, setting by setting."""

from __future__ import annotations

from datetime import date

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.funding import services as funding
from highneeds.funding.models import Band
from highneeds.planning import engine_bridge as eb
from highneeds.planning import flows
from highneeds.planning.models import Scenario

from .conftest import needs_data, settled
from .test_pages import signed_in, text

pytestmark = [pytest.mark.django_db, needs_data]


def _commit(child, school, start, end=None, band="2"):
    return funding.create_commitment(
        actor=SYSTEM,
        child=child,
        establishment=school,
        setting_type="mainstream",
        start=start,
        end=end,
        source="plan",
        band=Band.objects.get(framework__code="mainstream-top-up", code=band),
        source_reference="test",
    )


def _prepared_costs(scenario):
    return eb._prepared(eb.run_inputs(scenario)).unit_costs


def test_committed_cost_replaces_the_public_one_only_where_commitments_exist(
    make_scenario, small_council, make_child, make_establishment
):
    scenario = make_scenario()
    public = eb.calibrated("casework", "", scenario.base_year).unit_costs
    before = eb.projection_for(scenario)
    assert _prepared_costs(scenario).cost("mainstream") == public.cost("mainstream")

    year = flows.money_year(scenario.base_year)
    school = make_establishment(establishment_type="MS_LA")
    # One child the whole year, one for half of it: spend over child-years is a full year's price (£3,100).
    _commit(make_child(establishment=school), school, date(year, 4, 1))
    _commit(make_child(establishment=school), school, date(year, 10, 1))
    costs = _prepared_costs(scenario)
    assert costs.cost("mainstream") == pytest.approx(3100, abs=0.05)  # pence rounding of the part year
    assert costs.cost("maintained_special") == public.cost("maintained_special")
    assert costs.cost("independent_special") == public.cost("independent_special")
    assert eb.committed_costs(scenario)["mainstream"]["children"] == 2

    # The projection follows the commitments (its cache key includes them): mainstream plans now cost £3,100.
    after = eb.projection_for(scenario)
    assert after.spend[1, 0] != before.spend[1, 0]


def test_an_entered_cost_beats_the_commitments_and_another_las_base_ignores_them(
    make_scenario, make_child, make_establishment, small_council
):
    school = make_establishment(establishment_type="MS_LA")
    _commit(make_child(establishment=school), school, date(flows.money_year(small_council), 4, 1))
    entered = make_scenario(unit_costs={"mainstream": 9000})
    assert _prepared_costs(entered).cost("mainstream") == 9000
    assert eb.committed_costs(Scenario(base="public", la_code="384", base_year=small_council)) == {}


def test_commitments_outside_the_base_year_are_not_used(make_scenario, make_child, make_establishment, small_council):
    school = make_establishment(establishment_type="MS_LA")
    year = flows.money_year(small_council)
    _commit(make_child(establishment=school), school, date(year - 2, 4, 1), end=date(year - 1, 3, 31))
    assert eb.committed_costs(make_scenario()) == {}


def test_the_page_says_which_cost_each_setting_uses(
    client, make_user, make_scenario, make_child, make_establishment, small_council
):
    school = make_establishment(establishment_type="MS_LA")
    year = flows.money_year(small_council)
    _commit(make_child(establishment=school), school, date(year, 4, 1), band="3")
    scenario = make_scenario()
    signed_in(client, make_user, "finance")
    page = text(settled(client, f"/planning/scenarios/{scenario.pk}/"))
    label = f"{year}-{(year + 1) % 100:02d}"
    assert (
        f"Cost of a plan a year, mainstream school or early years (the council's own commitments {label}, 1 child)"
        in page
    )
    assert "£4,500" in page
    assert "Cost of a plan a year, maintained special school or special academy (published" in page
