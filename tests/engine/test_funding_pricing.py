"""The pricing engine: worked examples of the contract and hypothesis properties of its rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.engine.funding import bulk
from highneeds.engine.funding.pricing import (
    PLACE_FUNDING,
    SETTING_TYPES,
    PricingInputError,
    days_in_year,
    days_inside,
    price,
)

INLINE = {
    "code": "T",
    "bands": [{"band": "1", "top_up": "1600"}, {"band": "2", "top_up": "3100"}, {"band": "plus", "top_up": None}],
}
NAMES = ["place", "school_contribution", "top_up", "fee", "residential", "transport"]


def amounts(result) -> dict[str, str]:
    return {c["name"]: c["amount"] for c in result.as_json()["components"]}


def test_mainstream_band_full_year():
    out = price(
        {"setting_type": "mainstream", "start": "2025-09-01", "financial_year": 2026, "framework": INLINE, "band": "2"}
    ).as_json()
    assert out["financial_year"] == 2026 and out["days"] == 365
    assert [c["name"] for c in out["components"]] == NAMES
    assert amounts(
        price(
            {
                "setting_type": "mainstream",
                "start": "2025-09-01",
                "financial_year": 2026,
                "framework": INLINE,
                "band": "2",
            }
        )
    ) == {
        "place": "0.00",
        "school_contribution": "6000.00",
        "top_up": "3100.00",
        "fee": "0.00",
        "residential": "0.00",
        "transport": "0.00",
    }
    assert out["high_needs_total"] == "3100.00"
    flags = {c["name"]: (c["paid_by"], c["high_needs"]) for c in out["components"]}
    assert flags["school_contribution"] == ("setting", False) and flags["transport"] == ("general_fund", False)


def test_costed_provision_in_mainstream_pays_the_first_6000_from_the_school():
    package = {
        "setting_type": "mainstream",
        "start": "2026-04-01",
        "financial_year": 2026,
        "costed_provision": [
            {"kind": "staff_hours", "hours_per_week": 15, "rate": "18.50", "weeks_per_year": 39},  # 10,822.50
            {"kind": "sessions", "per_year": 12, "rate": 75},  # 900
            {"kind": "item", "annual_cost": "250.00"},
        ],
    }
    got = amounts(price(package))
    assert got["school_contribution"] == "6000.00" and got["top_up"] == "5972.50"
    small = dict(package, costed_provision=[{"kind": "item", "annual_cost": 4000}])
    assert amounts(price(small))["school_contribution"] == "4000.00" and amounts(price(small))["top_up"] == "0.00"
    special = dict(package, setting_type="special")
    assert amounts(price(special))["top_up"] == "11972.50" and amounts(price(special))["place"] == "10000.00"


def test_independent_part_year_part_time_leap_year():
    # 2027-28 contains 29 February 2028: 366 days. 1 Jan 2028 to 31 Mar 2028 is 91 days.
    result = price(
        {
            "setting_type": "independent_special",
            "start": "2028-01-01",
            "financial_year": 2027,
            "annual_fee": "60000",
            "residential_annual": "30000",
            "transport_annual": "12000",
            "attendance": "0.5",
        }
    )
    assert result.days == 91 and days_in_year(2027) == 366
    got = amounts(result)
    assert got["fee"] == "7459.02"  # 60000 x 91 x 0.5 / 366 = 7459.016...
    assert got["residential"] == "3729.51"  # 3729.508...
    assert got["transport"] == "2983.61"  # not scaled by attendance
    assert got["place"] == "0.00"
    assert result.as_json()["high_needs_total"] == "11188.53"


def test_place_funding_is_not_scaled_by_attendance():
    got = amounts(price({"setting_type": "ap", "start": "2026-04-01", "financial_year": 2026, "attendance": "0.4"}))
    assert got["place"] == "10000.00"


def test_half_a_penny_rounds_up():
    # 1 day of 365 at 18.25 a year is exactly 0.05; at 0.9125 it is 0.0025 -> 0.00; choose 1.825: 0.005 -> 0.01
    got = amounts(
        price(
            {
                "setting_type": "independent_special",
                "start": "2026-04-01",
                "end": "2026-04-01",
                "financial_year": 2026,
                "annual_fee": "1.825",
            }
        )
    )
    assert got["fee"] == "0.01"


@pytest.mark.parametrize(
    "package,field",
    [
        ({"setting_type": "castle"}, "setting_type"),
        ({"band": "9"}, "band"),
        ({"framework": "no-such-framework", "band": "1"}, "framework"),
        ({"annual_fee": -1}, "annual_fee"),
        ({"end": "2026-03-01", "start": "2026-05-01"}, "end"),
        ({"start": "2028-05-01"}, "start"),
        ({"start": "2020-01-01", "end": "2021-01-01"}, "end"),
        ({"attendance": 0}, "attendance"),
        (
            {"costed_provision": [{"kind": "staff_hours", "hours_per_week": 5, "rate": "-3"}]},
            "costed_provision[0].rate",
        ),
        ({"costed_provision": [{"kind": "magic"}]}, "costed_provision[0].kind"),
        ({"financial_year": "2026"}, "financial_year"),
    ],
)
def test_bad_input_names_the_field(package, field):
    base = {"setting_type": "special", "start": "2026-04-01", "financial_year": 2026, "framework": INLINE, "band": "1"}
    with pytest.raises(PricingInputError) as caught:
        price({**base, **package}, lookup=lambda code, on: None)
    assert any(e.startswith(f"{field}:") for e in caught.value.errors), caught.value.errors


def test_bespoke_band_needs_costed_provision_and_a_priced_band_refuses_it():
    base = {"setting_type": "mainstream", "start": "2026-04-01", "financial_year": 2026, "framework": INLINE}
    with pytest.raises(PricingInputError, match="bespoke"):
        price({**base, "band": "plus"})
    assert (
        amounts(price({**base, "band": "plus", "costed_provision": [{"kind": "item", "annual_cost": 16000}]}))["top_up"]
        == "10000.00"
    )
    with pytest.raises(PricingInputError, match="not both"):
        price({**base, "band": "1", "costed_provision": [{"kind": "item", "annual_cost": 16000}]})


def test_band_priced_by_setting_type():
    bands = {"MLD": {"special": Decimal("11412"), "resourced_provision": Decimal("7000")}}
    look = lambda code, on: bands if code == "designation" else None  # noqa: E731
    got = amounts(
        price(
            {
                "setting_type": "special",
                "start": "2026-04-01",
                "financial_year": 2026,
                "framework": "designation",
                "band": "MLD",
            },
            look,
        )
    )
    assert got["top_up"] == "11412.00"
    with pytest.raises(PricingInputError, match="no price for setting type"):
        price(
            {
                "setting_type": "fe_college",
                "start": "2026-04-01",
                "financial_year": 2026,
                "framework": "designation",
                "band": "MLD",
            },
            look,
        )


# ---------------------------------------------------------------------------------------------
# Properties

money = st.decimals(min_value=0, max_value=500_000, places=2, allow_nan=False, allow_infinity=False)
attendance = st.integers(1, 10_000).map(lambda bp: Decimal(bp) / 10_000)
days = st.dates(date(2023, 1, 1), date(2030, 12, 31))


@st.composite
def packages(draw):
    start = draw(days)
    end = draw(st.none() | st.integers(0, 900).map(lambda n: start + timedelta(days=n)))
    year = draw(st.integers(start.year - 1 if start.month > 3 else start.year - 1, start.year))
    year = max(year, 2022)
    if days_inside(start, end, year) == 0:
        year = start.year if start.month > 3 else start.year - 1
    package = {
        "setting_type": draw(st.sampled_from(SETTING_TYPES)),
        "start": start.isoformat(),
        "financial_year": year,
        "attendance": str(draw(attendance)),
        "annual_fee": str(draw(money)),
        "residential_annual": str(draw(money)),
        "transport_annual": str(draw(money)),
    }
    if end:
        package["end"] = end.isoformat()
    if draw(st.booleans()):
        package["framework"] = {"code": "P", "bands": [{"band": "b", "top_up": str(draw(money))}]}
        package["band"] = "b"
    elif draw(st.booleans()):
        package["costed_provision"] = [{"kind": "item", "annual_cost": str(draw(money))}]
    return package


@settings(max_examples=300, deadline=None)
@given(packages())
def test_total_is_the_sum_of_rounded_high_needs_components(package):
    out = price(package).as_json()
    parts = [Decimal(c["amount"]) for c in out["components"]]
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts)
    assert Decimal(out["high_needs_total"]) == sum(Decimal(c["amount"]) for c in out["components"] if c["high_needs"])
    assert 1 <= out["days"] <= days_in_year(package["financial_year"])


@settings(max_examples=300, deadline=None)
@given(packages())
def test_no_component_exceeds_its_annual_amount_and_a_full_year_is_exactly_annual(package):
    result = price(package)
    annual_fee = Decimal(package["annual_fee"])
    assert result.amount("fee") <= annual_fee
    assert result.amount("place") <= PLACE_FUNDING[package["setting_type"]]
    if result.days == days_in_year(package["financial_year"]):
        assert result.amount("place") == PLACE_FUNDING[package["setting_type"]]
        assert result.amount("transport") == Decimal(package["transport_annual"])
        expected_fee = (annual_fee * Decimal(package["attendance"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert result.amount("fee") == expected_fee


@settings(max_examples=200, deadline=None)
@given(packages(), attendance)
def test_attendance_never_changes_place_contribution_or_transport(package, other):
    a, b = price(package), price({**package, "attendance": str(other)})
    for name in ("place", "school_contribution", "transport"):
        assert a.amount(name) == b.amount(name)
    if Decimal(str(other)) <= Decimal(package["attendance"]):
        assert b.amount("top_up") <= a.amount("top_up") and b.amount("fee") <= a.amount("fee")


@settings(max_examples=200, deadline=None)
@given(st.integers(2022, 2030), st.integers(1, 365), money)
def test_splitting_a_year_never_loses_more_than_a_penny_per_part(year, split_day, fee):
    first, _ = date(year, 4, 1), None
    cut = first + timedelta(days=split_day - 1)
    whole = price(
        {
            "setting_type": "independent_special",
            "start": first.isoformat(),
            "financial_year": year,
            "annual_fee": str(fee),
        }
    )
    left = price(
        {
            "setting_type": "independent_special",
            "start": first.isoformat(),
            "end": cut.isoformat(),
            "financial_year": year,
            "annual_fee": str(fee),
        }
    )
    right_start = cut + timedelta(days=1)
    if days_inside(right_start, None, year) == 0:
        assert left.amount("fee") == whole.amount("fee")
        return
    right = price(
        {
            "setting_type": "independent_special",
            "start": right_start.isoformat(),
            "financial_year": year,
            "annual_fee": str(fee),
        }
    )
    assert left.days + right.days == whole.days
    assert abs(left.amount("fee") + right.amount("fee") - whole.amount("fee")) <= Decimal("0.01")


@settings(max_examples=200, deadline=None)
@given(packages())
def test_bulk_numpy_pricing_agrees_with_the_engine_to_the_penny(package):
    result = price(package)
    pence = lambda v: int(Decimal(str(v)) * 100)  # noqa: E731
    top_up, costed = 0, None
    if "framework" in package:
        top_up = pence(package["framework"]["bands"][0]["top_up"])
    elif "costed_provision" in package:
        costed = np.array([pence(package["costed_provision"][0]["annual_cost"])])
    mainstream_banded = "framework" in package or "costed_provision" in package
    setting = np.array([SETTING_TYPES.index(package["setting_type"])])
    many = bulk.price_many(
        setting,
        np.array([result.days]),
        days_in_year(package["financial_year"]),
        top_up=top_up,
        costed=costed,
        fee=pence(package["annual_fee"]),
        residential=pence(package["residential_annual"]),
        transport=pence(package["transport_annual"]),
        attendance_bp=int(Decimal(package["attendance"]) * 10_000),
        banded=mainstream_banded,
    )
    expected = {n: int(result.amount(n) * 100) for n in NAMES}
    assert {n: int(getattr(many, n)[0]) for n in NAMES} == expected
