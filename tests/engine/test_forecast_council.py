"""The council forecast engine (issue 5): calibration, levers, money, goal seek, and the contract with the planning app."""

from __future__ import annotations

import dataclasses
import inspect
import os
from pathlib import Path

import numpy as np
import pytest

from highneeds.engine.forecast import council as fc
from highneeds.engine.forecast.costs import SettingUnitCosts, cost_array

DATA = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
SIMS = 200
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="the shared public data folder is not present")

# Published January 2022 caseload ("All EHC plans", caseload.csv 202122).
PUBLISHED_2022 = {"384": 2704, "330": 10489}


@pytest.fixture(scope="module")
def wakefield() -> fc.CouncilBase:
    return fc.calibrate_public(DATA, "384", 2022)


@pytest.fixture(scope="module")
def baseline(wakefield) -> fc.Projection:
    return fc.project(wakefield, fc.Levers(), years=10, simulations=SIMS, seed=3)


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------


def test_calibrate_public_by_old_and_new_code_agree(wakefield):
    by_new = fc.calibrate_public(DATA, "E08000036", 2022)
    assert by_new.la_code == wakefield.la_code == "384"
    assert by_new.la_name == "Wakefield"
    np.testing.assert_allclose(by_new.counts, wakefield.counts)


@pytest.mark.parametrize("code", ["384", "E08000025"])
def test_base_counts_match_the_published_january_total(code, wakefield):
    base = wakefield if code == "384" else fc.calibrate_public(DATA, code, 2022)
    assert base.counts.shape == (26, len(fc.NEEDS), len(fc.SETTINGS))
    assert (base.counts >= 0).all()
    assert base.total == pytest.approx(PUBLISHED_2022[base.la_code], abs=0.5)


def test_base_settings_match_the_published_setting_mix_within_two_percent(wakefield):
    # caseload.csv 202122, Wakefield: mainstream (LA 417 + academy 861 + free 1 + early years 20),
    # maintained special 611 + 7, FE 309 (general FE + UKRLP).
    by_setting = wakefield.by_setting()
    assert by_setting[fc.SETTINGS.index("mainstream")] == pytest.approx(1299, rel=0.02)
    assert by_setting[fc.SETTINGS.index("maintained_special")] == pytest.approx(618, rel=0.02)
    assert by_setting[fc.SETTINGS.index("post16")] == pytest.approx(309, rel=0.02)


def test_money_is_calibrated_from_public_finance(wakefield):
    costs = wakefield.unit_costs.to_dict()
    assert costs["independent_special"] > costs["maintained_special"] > costs["mainstream"] > 0
    assert wakefield.hnb_allocation == pytest.approx(39_162_632)  # HNB after deductions 2021-22
    assert wakefield.next_allocation == pytest.approx(45_709_567)  # 2022-23, published before January 2022
    # +0.52% of total DSG income 2021-22 (£310,115,915): a small surplus.
    assert wakefield.opening_balance == pytest.approx(0.0052 * 310_115_915, rel=1e-6)
    assert wakefield.central_spend > 0


@pytest.mark.parametrize("code", ["384", "211"])
def test_placement_spend_reproduces_the_outturn_it_was_costed_from(code, wakefield):
    # S251 outturn 2021-22, high needs lines used (£): the model's unit costs times the mean of January
    # 2021 and 2022 plans, plus central spend, gives that sum back. Tower Hamlets (211) files no
    # post-school top-ups, so its FE unit cost is England's and central spend absorbs the difference.
    from highneeds.engine.forecast import costs, inputs

    council = wakefield if code == "384" else fc.calibrate_public(DATA, code, 2022)
    if code == "211":
        assert any(note.startswith("post16: LA unit cost") for note in council.notes)
    lines = inputs.benchmarking(DATA)[code]
    total = (
        lines["place_funding"]
        + lines["top_up_funding_maintained_schools_academies_free_schools_and_colleges"]
        + lines["top_up_funding_non_maintained_and_independent_schools_and_colleges"]
        + lines["sen_support_and_inclusion_services"]
        + lines["alternative_provision_services"]
        + lines["hospital_education_services"]
        + lines["therapies_and_other_health_related_services"]
    )
    plans = (inputs.settings_at(DATA, code, 2021) + inputs.settings_at(DATA, code, 2022)) / 2
    modelled = float(plans @ np.array([council.unit_costs.cost(s) for s in fc.SETTINGS])) + council.central_spend
    assert modelled == pytest.approx(total, rel=0.01)
    assert costs.RP_WEIGHT > 1


def test_rates_are_sane(wakefield):
    assert wakefield.leave_rate[25] == 1.0
    assert (wakefield.leave_rate[:25] >= -0.05).all() and (wakefield.leave_rate[:25] <= 0.4).all()
    np.testing.assert_allclose(wakefield.transitions.sum(axis=2), 1.0)
    np.testing.assert_allclose(wakefield.joiner_mix.sum(axis=(1, 2)), 1.0)
    assert 0.05 <= wakefield.conversion <= 1.0
    # Moves between settings happen mostly at the transition ages.
    moved = 1.0 - np.einsum("ass->a", wakefield.transitions) / len(fc.SETTINGS)
    assert moved[[5, 11, 16, 19]].sum() > moved[[7, 8, 13, 14]].sum()


def test_one_year_ahead_from_2021_lands_near_the_published_2022_total():
    base = fc.calibrate_public(DATA, "384", 2021)
    proj = fc.project(base, fc.Levers(), years=1, simulations=SIMS)
    assert proj.plans[1, 0] == pytest.approx(PUBLISHED_2022["384"], rel=0.10)


def test_unknown_code_is_refused():
    with pytest.raises(ValueError):
        fc.calibrate_public(DATA, "Wakefield", 2022)


def _snapshot(base: fc.CouncilBase) -> fc.CaseworkSnapshot:
    rng = np.random.default_rng(1)
    counts = np.round(base.counts)
    joiners = base.joiner_rate * base.population
    new = {
        y: np.round(joiners[:, None] * base.joiner_mix.sum(axis=2) * f)
        for y, f in ((2019, 0.8), (2020, 0.9), (2021, 1.0))
    }
    ceased = {
        y: rng.poisson(np.maximum(base.leave_rate, 0.02) * counts.sum(axis=(1, 2))).astype(float)
        for y in (2019, 2020, 2021)
    }
    return fc.CaseworkSnapshot(
        counts=counts, new_plans=new, ceased=ceased, requests={2020: 500, 2021: 550}, conversions={2020: 380, 2021: 420}
    )


def test_calibrate_casework_from_plain_numbers(wakefield):
    snap = _snapshot(wakefield)
    base = fc.calibrate_casework(snap, wakefield.population, 2022, "384", "Wakefield", public=wakefield)
    assert base.source == "casework"
    assert base.total == pytest.approx(snap.counts.sum())
    assert base.conversion == pytest.approx(800 / 1050)
    assert base.hnb_allocation == wakefield.hnb_allocation
    proj = fc.project(base, fc.Levers(), years=5, simulations=SIMS)
    assert proj.plans[1, 0] > 0.9 * base.total
    alone = fc.calibrate_casework(snap, wakefield.population, 2022, "384", "Wakefield")
    assert alone.hnb_allocation == 0 and any("allocation" in n for n in alone.notes)


def test_casework_joiners_follow_the_settings_new_plans_were_made_in(wakefield):
    snap = _snapshot(wakefield)
    plain = fc.calibrate_casework(snap, wakefield.population, 2022, "384", "Wakefield", public=wakefield)
    special = np.zeros((26, len(fc.SETTINGS)))
    special[:, fc.SETTINGS.index("maintained_special")] = 100.0
    snap.new_plan_settings = {2020: special, 2021: special}
    placed = fc.calibrate_casework(snap, wakefield.population, 2022, "384", "Wakefield", public=wakefield)
    ms = fc.SETTINGS.index("maintained_special")
    assert placed.joiner_mix[8].sum(axis=0)[ms] > 0.9 > plain.joiner_mix[8].sum(axis=0)[ms]
    np.testing.assert_allclose(placed.joiner_mix.sum(axis=(1, 2)), 1.0)


def test_casework_counts_must_have_the_model_shape(wakefield):
    with pytest.raises(ValueError):
        fc.calibrate_casework(fc.CaseworkSnapshot(counts=np.zeros((26, 3, 7))), wakefield.population, 2022, "1", "x")


# --------------------------------------------------------------------------------------------
# Projection and levers
# --------------------------------------------------------------------------------------------


def test_projection_shapes_and_money_identities(wakefield, baseline):
    n = 10
    assert baseline.years == list(range(2023, 2033))
    assert baseline.financial_years[0] == "2022-23"
    assert baseline.plans.shape == (3, n)
    assert baseline.plans_by_setting.shape == (3, n, len(fc.SETTINGS))
    assert baseline.plans_by_need.shape == (3, n, len(fc.NEEDS))
    for name in ("new_plans", "leavers", "requests", "spend", "allocation", "in_year", "cumulative"):
        assert getattr(baseline, name).shape == (3, n)
    assert baseline.allocation[1, 0] == pytest.approx(wakefield.next_allocation)
    np.testing.assert_allclose(baseline.in_year_draws, baseline.allocation[1][None] - baseline.spend_draws)
    cumulative = wakefield.opening_balance + np.cumsum(baseline.in_year_draws, axis=1)
    np.testing.assert_allclose(np.median(cumulative, axis=0), baseline.cumulative[1])


def test_same_seed_same_result_and_zero_levers_equal_the_baseline_exactly(wakefield, baseline):
    again = fc.project(wakefield, fc.Levers(), years=10, simulations=SIMS, seed=3)
    np.testing.assert_array_equal(again.spend_draws, baseline.spend_draws)
    zero = fc.Levers(
        fewer_requests=fc.Ramp(0.0, 2023),
        lower_conversion=fc.Ramp(0.0, 2024, 3),
        more_step_down=fc.Ramp(0.0, 2023),
        tariff_change=fc.Ramp(0.0, 2023),
        new_places=[fc.NewPlaces(0, "ASD", "secondary", 30_000, 2023)],
    )
    same = fc.project(wakefield, zero, years=10, simulations=SIMS, seed=3)
    for name in ("plans", "plans_by_setting", "plans_by_need", "spend", "in_year", "cumulative", "leavers"):
        np.testing.assert_array_equal(getattr(same, name), getattr(baseline, name))
    assert fc.cost_avoided(baseline, same) == [0.0] * 10


def test_new_places_reduce_independent_placements_and_spend(wakefield, baseline):
    scenario = fc.project(
        wakefield,
        fc.Levers(new_places=[fc.NewPlaces(40, "any", "all_through", 25_000, 2023)]),
        years=10,
        simulations=SIMS,
        seed=3,
    )
    ind, special = fc.SETTINGS.index("independent_special"), fc.SETTINGS.index("maintained_special")
    # Opening September 2023: none in January 2023, half full January 2024, full from January 2025.
    np.testing.assert_allclose(scenario.diverted[1, :3], [0, 20, 40])
    assert scenario.plans_by_setting[1, 0, ind] == baseline.plans_by_setting[1, 0, ind]
    assert (scenario.plans_by_setting[1, 2:, ind] < baseline.plans_by_setting[1, 2:, ind]).all()
    assert (scenario.plans_by_setting[1, 2:, special] > baseline.plans_by_setting[1, 2:, special]).all()
    np.testing.assert_allclose(scenario.plans[1], baseline.plans[1])  # same children, other places
    saved = fc.cost_avoided(baseline, scenario)
    assert saved[0] == 0.0
    assert all(s > 0 for s in saved[2:])
    per_child = wakefield.unit_costs.cost("independent_special") - 25_000
    assert saved[-1] == pytest.approx(40 * per_child, rel=0.05)
    assert (scenario.cumulative[1] >= baseline.cumulative[1]).all()


def test_new_places_cannot_take_more_children_than_there_are(wakefield, baseline):
    scenario = fc.project(
        wakefield,
        fc.Levers(new_places=[fc.NewPlaces(5000, "ASD", "primary", 25_000, 2022)]),
        years=3,
        simulations=SIMS,
        seed=3,
    )
    ind = fc.SETTINGS.index("independent_special")
    assert (scenario.plans_by_setting[:, :, ind] >= -1e-9).all()
    assert (scenario.diverted[1] < 5000).all()


@pytest.mark.parametrize("lever", ["fewer_requests", "lower_conversion"])
def test_fewer_requests_and_lower_conversion_mean_fewer_plans(wakefield, baseline, lever):
    levers = fc.Levers(**{lever: fc.Ramp(0.2, 2024)})
    scenario = fc.project(wakefield, levers, years=10, simulations=SIMS, seed=3)
    assert scenario.new_plans[1, 0] == baseline.new_plans[1, 0]  # starts in 2024
    assert scenario.new_plans[1, 1] == pytest.approx(0.8 * baseline.new_plans[1, 1], rel=0.02)
    assert (scenario.plans[1, 1:] < baseline.plans[1, 1:]).all()
    assert (scenario.spend[1, 1:] < baseline.spend[1, 1:]).all()
    if lever == "fewer_requests":
        assert scenario.requests[1, 1] == pytest.approx(0.8 * baseline.requests[1, 1], rel=0.01)
    else:
        assert scenario.requests[1, 1] == pytest.approx(baseline.requests[1, 1])


def test_more_step_down_raises_leavers_and_lowers_plans(wakefield, baseline):
    scenario = fc.project(wakefield, fc.Levers(more_step_down=fc.Ramp(0.03, 2023)), years=10, simulations=SIMS, seed=3)
    assert scenario.leavers[1, 0] > baseline.leavers[1, 0]
    assert (scenario.plans[1] < baseline.plans[1]).all()
    step_down = fc.LEAVE_REASONS.index("step_down")
    assert (baseline.leavers_by_reason[:, :, step_down] == 0).all()
    # 3% of the plans under 25 at the start of the first year.
    under_25 = wakefield.total - wakefield.by_age()[25]
    assert scenario.leavers_by_reason[1, 0, step_down] == pytest.approx(0.03 * under_25, rel=0.05)
    np.testing.assert_allclose(scenario.leavers_by_reason[1, 0].sum(), scenario.leavers[1, 0], rtol=0.05)
    assert scenario.leavers_by_reason[1, 0, fc.LEAVE_REASONS.index("age_limit")] == pytest.approx(
        wakefield.by_age()[25]
    )


def test_tariff_change_scales_placement_spend(wakefield, baseline):
    scenario = fc.project(wakefield, fc.Levers(tariff_change=fc.Ramp(-0.1, 2025)), years=10, simulations=SIMS, seed=3)
    np.testing.assert_array_equal(scenario.spend[:, :2], baseline.spend[:, :2])
    central = wakefield.central_spend
    np.testing.assert_allclose(scenario.spend_draws[:, 2:] - central, 0.9 * (baseline.spend_draws[:, 2:] - central))


def test_ramps():
    ramp = fc.Ramp(0.3, 2024, 3)
    assert [ramp.at(y) for y in (2023, 2024, 2025, 2026, 2027)] == pytest.approx([0, 0.1, 0.2, 0.3, 0.3])
    assert fc.Ramp(0.3, 2024).at(2024) == 0.3 and fc.Ramp(0.3, 2024, 1).at(2023) == 0.0
    places = fc.NewPlaces(10, "ASD", "secondary", 20_000, 2024)
    assert [places.capacity(y) for y in (2024, 2025, 2026)] == [0, 5, 10]


def test_ramped_lever_phases_in(wakefield, baseline):
    ramped = fc.project(wakefield, fc.Levers(fewer_requests=fc.Ramp(0.3, 2024, 3)), years=10, simulations=SIMS, seed=3)
    ratio = ramped.new_plans[1, :5] / baseline.new_plans[1, :5]
    np.testing.assert_allclose(ratio, [1.0, 0.9, 0.8, 0.7, 0.7], atol=0.02)


def test_growth_assumptions(wakefield, baseline):
    grown = fc.project(
        wakefield, fc.Levers(allocation_growth=0.05, population_growth=0.01), years=10, simulations=SIMS, seed=3
    )
    assert grown.allocation[1, 3] == pytest.approx(wakefield.next_allocation * 1.05**3)
    assert (grown.plans[1, 1:] > baseline.plans[1, 1:]).all()


def test_unit_costs_can_be_overridden_and_follow_the_protocol(wakefield, baseline):
    assert isinstance(wakefield.unit_costs, fc.UnitCosts)
    dearer = wakefield.unit_costs.with_overrides(independent_special=100_000)
    assert dearer.cost("independent_special") == 100_000
    assert cost_array(dearer).shape == (26, len(fc.NEEDS), len(fc.SETTINGS))

    class ByAge:  # a tariff engine might price by age and need
        def annual_cost(self, setting, need, age):
            return 1000.0 * (age + 1) if setting == "mainstream" else 20_000.0

    assert cost_array(ByAge())[3, 0, 0] == 4000.0
    other = fc.project(
        dataclasses.replace(wakefield, unit_costs=dearer), fc.Levers(), years=10, simulations=SIMS, seed=3
    )
    assert (other.spend[1] > baseline.spend[1]).all()
    with pytest.raises(ValueError):
        wakefield.unit_costs.with_overrides(castle=1)
    assert isinstance(SettingUnitCosts({s: 1.0 for s in fc.SETTINGS}).array(), np.ndarray)


# --------------------------------------------------------------------------------------------
# Goal seek
# --------------------------------------------------------------------------------------------


def test_goal_seek_new_places_finds_the_smallest_number_that_balances(wakefield):
    target = 2027
    spend = fc.project(wakefield, fc.Levers(), years=5, simulations=SIMS).spend[1, target - 2023]
    council = dataclasses.replace(wakefield, next_allocation=spend - 1_500_000)  # £1.5m short in 2026-27
    template = fc.NewPlaces(0, "any", "all_through", 20_000, 2023)
    result = fc.goal_seek(council, fc.Levers(), "new_places", target, 0, 400, simulations=SIMS, template=template)
    assert result.reached, result.message
    assert result.projection.in_year[1, target - 2023] >= 0
    assert 10 < result.value < 150
    below = fc.project(
        council,
        fc.Levers(new_places=[dataclasses.replace(template, places=int(result.value) - 1)]),
        years=5,
        simulations=SIMS,
    )
    assert below.in_year[1, target - 2023] < 0
    assert result.tried[0] == (0, pytest.approx(-1_500_000, rel=1e-6))


def test_goal_seek_continuous_lever_and_unreachable(wakefield):
    target = 2026
    result = fc.goal_seek(wakefield, fc.Levers(), "fewer_requests", target, 0.0, 1.0, simulations=SIMS)
    if result.reached:
        assert result.projection.in_year[1, target - 2023] >= 0
        just_below = fc.project(
            wakefield,
            fc.Levers(fewer_requests=fc.Ramp(result.value - 0.01, 2023)),
            years=target - 2022,
            simulations=SIMS,
        )
        assert just_below.in_year[1, target - 2023] < 0
    hopeless = fc.goal_seek(wakefield, fc.Levers(), "tariff_change", 2032, 0.0, -0.001, simulations=SIMS)
    assert not hopeless.reached and "not reachable" in hopeless.message


def test_goal_seek_when_already_balanced(wakefield):
    rich = dataclasses.replace(wakefield, next_allocation=1e10)
    result = fc.goal_seek(rich, fc.Levers(), "more_step_down", 2024, 0.0, 0.1, simulations=SIMS)
    assert result.reached and result.value == 0.0


# --------------------------------------------------------------------------------------------
# Serialisation and export
# --------------------------------------------------------------------------------------------


def test_levers_round_trip_through_a_dict():
    levers = fc.Levers(
        fewer_requests=fc.Ramp(0.1, 2024, 2),
        tariff_change=fc.Ramp(-0.05, 2025),
        new_places=[fc.NewPlaces(30, "SEMH", "secondary", 28_000, 2024)],
        allocation_growth=0.03,
    )
    data = levers.to_dict()
    import json

    assert fc.Levers.from_dict(json.loads(json.dumps(data))) == levers
    assert fc.Levers.from_dict({}) == fc.Levers()
    with pytest.raises(ValueError):
        fc.Levers.from_dict({"magic": 1})
    with pytest.raises(ValueError):
        fc.NewPlaces(10, "ASD", "university", 1.0, 2024)


def test_as_rows(baseline):
    rows = baseline.as_rows()
    assert {"year", "financial_year", "measure", "breakdown", "p10", "p50", "p90"} == set(rows[0])
    plans = [r for r in rows if r["measure"] == "plans"]
    assert [r["year"] for r in plans] == baseline.years
    assert all(r["p10"] <= r["p50"] <= r["p90"] for r in rows)
    settings = {r["breakdown"] for r in rows if r["measure"] == "plans_by_setting"}
    assert settings == set(fc.SETTINGS)


# --------------------------------------------------------------------------------------------
# The contract with the planning app (docs: /tmp/helpers/contracts.md, issue 5)
# --------------------------------------------------------------------------------------------


def test_contract_names_and_signatures():
    for name in (
        "SETTINGS",
        "NEEDS",
        "CouncilBase",
        "calibrate_public",
        "CaseworkSnapshot",
        "calibrate_casework",
        "Ramp",
        "NewPlaces",
        "Levers",
        "project",
        "Projection",
        "cost_avoided",
        "goal_seek",
        "GoalSeek",
        "UnitCosts",
    ):
        assert hasattr(fc, name), name
    assert isinstance(fc.SETTINGS, tuple) and "independent_special" in fc.SETTINGS
    assert {"mainstream", "sen_unit_rp", "maintained_special", "post16", "alternative_provision", "other"} <= set(
        fc.SETTINGS
    )
    assert isinstance(fc.NEEDS, tuple) and "ASD" in fc.NEEDS
    base_fields = {f.name for f in dataclasses.fields(fc.CouncilBase)}
    assert {
        "la_code",
        "la_name",
        "base_year",
        "counts",
        "unit_costs",
        "hnb_allocation",
        "opening_balance",
        "source",
    } <= base_fields
    assert list(inspect.signature(fc.calibrate_public).parameters) == ["data_dir", "la_code", "base_year"]
    assert list(inspect.signature(fc.calibrate_casework).parameters)[:6] == [
        "snapshot",
        "population_by_age",
        "base_year",
        "la_code",
        "la_name",
        "unit_costs",
    ]
    snap_fields = {f.name for f in dataclasses.fields(fc.CaseworkSnapshot)}
    assert {"counts", "new_plans", "ceased", "requests", "conversions"} <= snap_fields
    assert [f.name for f in dataclasses.fields(fc.Ramp)] == ["value", "start_year", "ramp_years"]
    assert [f.name for f in dataclasses.fields(fc.NewPlaces)] == [
        "places",
        "need",
        "phase",
        "cost_per_place",
        "opening_year",
        "diverts_from",
    ]
    assert fc.NewPlaces(1, "ASD", "primary", 1.0, 2024).diverts_from == "independent_special"
    lever_fields = {f.name for f in dataclasses.fields(fc.Levers)}
    assert {
        "fewer_requests",
        "lower_conversion",
        "more_step_down",
        "new_places",
        "tariff_change",
        "population_growth",
        "allocation_growth",
    } <= lever_fields
    assert callable(fc.Levers.to_dict) and callable(fc.Levers.from_dict)
    params = inspect.signature(fc.project).parameters
    assert list(params) == ["base", "levers", "years", "simulations", "seed"]
    assert (params["years"].default, params["simulations"].default, params["seed"].default) == (10, 500, 0)
    proj_fields = {f.name for f in dataclasses.fields(fc.Projection)}
    assert {
        "years",
        "plans",
        "plans_by_setting",
        "plans_by_need",
        "new_plans",
        "leavers",
        "spend",
        "allocation",
        "in_year",
        "cumulative",
    } <= proj_fields
    assert callable(fc.Projection.as_rows)
    assert list(inspect.signature(fc.cost_avoided).parameters) == ["baseline", "scenario"]
    assert list(inspect.signature(fc.goal_seek).parameters)[:6] == [
        "base",
        "levers",
        "lever",
        "target_year",
        "lo",
        "hi",
    ]
    assert {"value", "reached", "projection"} <= {f.name for f in dataclasses.fields(fc.GoalSeek)}
    assert hasattr(fc.UnitCosts, "annual_cost")


@pytest.mark.parametrize("target_growth", [0.0, 0.08, 0.2])
def test_anchor_first_year_meets_the_all_la_first_year(wakefield, target_growth):
    """One forecast per council: anchored, the baseline's P50 plans a year on equal the target (the all-LA
    model's first year), whatever it is; the later years keep the council model's shape."""
    target = wakefield.total * (1 + target_growth)
    anchored = fc.anchor_first_year(wakefield, target, seed=3)
    proj = fc.project(anchored, fc.Levers(), years=3, simulations=SIMS, seed=3)
    assert float(proj.plans[1, 0]) == pytest.approx(target, rel=0.01)
    assert anchored.counts is wakefield.counts and any("all-LA forecast" in n for n in anchored.notes)
    assert not any("all-LA forecast" in n for n in wakefield.notes)  # the calibrated base is left alone


def test_anchor_first_year_stays_within_its_limits(wakefield):
    low = fc.anchor_first_year(wakefield, 0.0, seed=3)
    high = fc.anchor_first_year(wakefield, wakefield.total * 10, seed=3)
    ratio_low = low.joiner_rate.sum() / wakefield.joiner_rate.sum()
    ratio_high = high.joiner_rate.sum() / wakefield.joiner_rate.sum()
    assert ratio_low == pytest.approx(0.25) and ratio_high == pytest.approx(4.0)


def test_public_history_ends_at_the_base_total(wakefield):
    years = sorted(wakefield.history)
    assert years[-1] == wakefield.base_year and wakefield.history[years[-1]] == pytest.approx(wakefield.total)
    assert len(years) >= 5 and all(v > 0 for v in wakefield.history.values())
