"""Where funding meets planning: a forecast of the council's own casework starts from what the council has
committed to pay (highneeds.funding.queries.committed_by_setting) instead of public unit costs, for each forecast
setting the commitments cover. The only place planning reads funding (process domains meet through flows).
"""

from __future__ import annotations

from decimal import Decimal

from highneeds.funding import queries as funding_queries

# The forecast's settings (engine.forecast.inputs.SETTINGS) and the funding setting types each is costed from.
# "other" (EOTAS, awaiting provision) has no setting type of its own, so it keeps the public figure.
FORECAST_SETTING_TYPES = {
    "mainstream": ("mainstream",),
    "sen_unit_rp": ("resourced_provision", "sen_unit"),
    "maintained_special": ("special",),
    "independent_special": ("independent_special", "non_maintained_special", "post16_specialist"),
    "post16": ("fe_college",),
    "alternative_provision": ("ap",),
}


def money_year(base_year: int) -> int:
    """The funding financial year of a forecast's base year: a January Y base is costed in April Y-1 to March Y
    (engine.forecast.inputs.fy_label), which the funding app calls financial year Y-1."""
    return base_year - 1


def committed_unit_costs(base_year: int) -> dict[str, dict]:
    """{forecast setting: {"cost": £ a child a year, "children": n, "year": funding year}} from the council's
    commitments in the base year's financial year; a setting with no committed child-year is left out (the
    forecast keeps its public figure there)."""
    year = money_year(base_year)
    committed = funding_queries.committed_by_setting(year)
    out = {}
    for setting, types in FORECAST_SETTING_TYPES.items():
        found = [committed[t] for t in types if t in committed]
        child_years = sum(f["child_years"] for f in found)
        if child_years <= 0:
            continue
        spend = sum((f["high_needs"] for f in found), Decimal(0))
        out[setting] = {
            "cost": round(float(spend) / child_years, 2),
            "children": sum(f["children"] for f in found),
            "year": year,
        }
    return out
