"""The planning figures issue: new scenarios start from the baseline's assumptions, in-year balance means
staying in balance, one forecast per council (first year = the all-LA forecast; the neighbours page shows the
baseline), the actual history is drawn, every assumption is shown, and a deficit's minus stays with its pound."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from highneeds.engine.forecast import run as all_la
from highneeds.planning import engine_bridge as eb
from highneeds.planning import presenting
from highneeds.planning.models import Scenario

from .conftest import needs_data, settled
from .test_pages import signed_in, text


def _projection(in_year: list[float]):
    ys = list(range(2023, 2023 + len(in_year)))
    return SimpleNamespace(years=ys, in_year=np.array([in_year] * 3), financial_years=[str(y) for y in ys])


@given(st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=1, max_size=15))
def test_in_year_balance_is_the_year_from_which_it_stays_balanced(values):
    found = presenting.first_balanced_year(_projection(values))
    years = list(range(2023, 2023 + len(values)))
    if values[-1] < 0:
        assert found is None
        return
    k = years.index(found)
    assert all(v >= 0 for v in values[k:])
    assert k == 0 or values[k - 1] < 0


def test_a_one_off_surplus_is_not_balance():
    assert presenting.first_balanced_year(_projection([2.5e6, -0.2e6, -3e6, 1e6, 2e6])) == 2026
    assert presenting.first_balanced_year(_projection([2.5e6, -0.2e6, -3e6])) is None


@pytest.mark.django_db
@needs_data
def test_a_new_scenario_starts_from_the_baseline_assumptions(client, make_user, make_scenario):
    make_scenario(
        name="Baseline",
        is_baseline=True,
        allocation_growth=0.03,
        population_growth=0.005,
        levers={"cost_growth": 0.025},
    )
    signed_in(client, make_user, "finance")
    page = text(client.get("/planning/scenarios/new/"))
    assert re.search(r'name="allocation_growth"[^>]*value="3(\.0)?"', page), "allocation growth not carried"
    assert re.search(r'name="cost_growth"[^>]*value="2\.5"', page)
    assert re.search(r'name="population_growth"[^>]*value="0\.5"', page)
    # A caller that leaves the assumptions out (the API, a script) gets the baseline's, never 0.
    from highneeds.accounts.roles import SYSTEM
    from highneeds.planning import services

    made = services.create_scenario(
        actor=SYSTEM,
        data={
            "name": "Fewer requests",
            "base": "casework",
            "base_year": Scenario.objects.get(name="Baseline").base_year,
            "levers": {"fewer_requests": {"value": 0.1, "start_year": 2030}},
        },
    )
    assert made.allocation_growth == pytest.approx(0.03) and made.population_growth == pytest.approx(0.005)
    assert eb.levers_from_dict(made.levers).cost_growth == pytest.approx(0.025)


@pytest.mark.django_db
@needs_data
def test_without_a_baseline_the_defaults_are_not_zero(client, make_user, small_council):
    signed_in(client, make_user, "finance")
    page = text(client.get("/planning/scenarios/new/"))
    assert re.search(r'name="allocation_growth"[^>]*value="3(\.0)?"', page)
    assert re.search(r'name="cost_growth"[^>]*value="2(\.0)?"', page)
    overview = text(settled(client, "/planning/"))
    assert "High needs block allocation growth a year" in overview and "3.0%" in overview
    assert "Cost inflation a year" in overview and "2.0%" in overview


@pytest.mark.django_db
@needs_data
def test_the_first_year_is_the_all_la_forecast(client, make_user, make_scenario):
    public = make_scenario(name="Published", base="public", la_code="384", base_year=2022, years=3)
    signed_in(client, make_user, "finance")
    page = text(settled(client, f"/planning/scenarios/{public.pk}/"))
    table = re.search(r'id="history">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r'numeric">(\d{4})</th>', table) == [str(y) for y in range(2017, 2023)]
    assert "2,704" in table  # January 2022 as published for Wakefield
    published, p50 = all_la.year_one(str(eb.data_dir()), 2022)["384"]
    projection = eb.projection_for(public)
    assert float(projection.plans[1, 0]) == pytest.approx(p50, rel=0.01)
    base = eb.calibrated("public", "384", 2022)
    assert base.total == pytest.approx(published)
    assert any("all-LA forecast" in n for n in base.notes)


@pytest.mark.django_db
@needs_data
def test_neighbours_show_the_council_baseline_and_the_actual_history(client, make_user, make_scenario):
    baseline = make_scenario(name="Baseline", is_baseline=True, allocation_growth=0.03)
    signed_in(client, make_user, "finance")
    page = text(client.get("/planning/neighbours/"))
    projection = eb.projection_for(baseline)
    row = re.search(r"This council</strong></th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r'numeric">([^<]+)<', row)
    forecast = cells[3]
    assert forecast.split(" in ")[0] in {f"{float(v):,.0f}" for v in projection.plans[1]}
    assert "Baseline" in page
    overview = text(settled(client, "/planning/"))
    assert "Actual EHC plans in January" in overview and "(solid line, circles)" in overview


@pytest.mark.django_db
@needs_data
def test_a_deficit_keeps_its_minus_with_its_pound(client, make_user, make_scenario):
    scenario = make_scenario(name="Starved", hnb_allocation=1)
    signed_in(client, make_user, "finance")
    page = text(settled(client, f"/planning/scenarios/{scenario.pk}/"))
    assert "−£" in page and "-£" not in page
    assert re.search(r'<span class="planning-money">−£[\d,.]+m?</span>', page)
    assert ".planning-money { white-space: nowrap; }" in page
