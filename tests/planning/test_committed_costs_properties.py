"""Property: the council's committed cost of a plan a year, by forecast setting, is the committed spend of the
funding setting types it covers over their child-years; settings with no committed child-year are left to the
public figures. No database: funding's seam is replaced by generated figures."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from highneeds.engine.forecast.inputs import SETTINGS
from highneeds.engine.funding.pricing import SETTING_TYPES
from highneeds.planning import flows

figures = st.fixed_dictionaries(
    {
        "children": st.integers(1, 500),
        "child_years": st.floats(0.01, 500, allow_nan=False),
        "high_needs": st.decimals(0, 50_000_000, places=2, allow_nan=False, allow_infinity=False),
    }
)


def test_every_funding_setting_type_maps_to_one_forecast_setting():
    mapped = [t for types in flows.FORECAST_SETTING_TYPES.values() for t in types]
    assert sorted(mapped) == sorted(SETTING_TYPES)
    assert set(flows.FORECAST_SETTING_TYPES) <= set(SETTINGS)


@given(st.dictionaries(st.sampled_from(SETTING_TYPES), figures), st.integers(2015, 2040))
def test_cost_is_spend_over_child_years(committed, base_year):
    seen_years = []

    def fake(year):
        seen_years.append(year)
        return committed

    original = flows.funding_queries.committed_by_setting
    flows.funding_queries.committed_by_setting = fake
    try:
        costs = flows.committed_unit_costs(base_year)
    finally:
        flows.funding_queries.committed_by_setting = original
    assert seen_years == [base_year - 1]  # January Y is costed in April Y-1 to March Y
    for setting, types in flows.FORECAST_SETTING_TYPES.items():
        found = [committed[t] for t in types if t in committed]
        if not found:
            assert setting not in costs
            continue
        spend = sum((f["high_needs"] for f in found), Decimal(0))
        years = sum(f["child_years"] for f in found)
        assert costs[setting]["cost"] == round(float(spend) / years, 2)
        assert costs[setting]["children"] == sum(f["children"] for f in found)
        assert costs[setting]["year"] == base_year - 1
    assert "other" not in costs
