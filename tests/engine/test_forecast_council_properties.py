"""Property tests of the council forecast engine on synthetic councils (no data files needed)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from highneeds.engine.forecast import council as fc

SHAPE = (26, len(fc.NEEDS), len(fc.SETTINGS))
QUANTILED = (
    "plans",
    "plans_by_setting",
    "plans_by_need",
    "new_plans",
    "leavers",
    "requests",
    "spend",
    "in_year",
    "cumulative",
    "diverted",
)


@st.composite
def councils(draw) -> fc.CouncilBase:
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    scale = draw(st.sampled_from([0.0, 0.2, 1.0, 5.0]))
    counts = rng.poisson(scale, SHAPE).astype(float)
    population = rng.integers(0, 5000, 26).astype(float)
    years = draw(st.integers(0, 3))
    new = {2021 - i: rng.poisson(scale * 2, (26, len(fc.NEEDS))).astype(float) for i in range(years)}
    ceased = {2021 - i: rng.poisson(scale * 3, 26).astype(float) for i in range(draw(st.integers(0, 3)))}
    requests = {2021: float(rng.integers(0, 500))}
    snapshot = fc.CaseworkSnapshot(
        counts=counts,
        new_plans=new,
        ceased=ceased,
        requests=requests,
        conversions={2021: requests[2021] * draw(st.floats(0, 1))},
    )
    costs = fc.SettingUnitCosts({s: draw(st.floats(0, 80_000)) for s in fc.SETTINGS})
    return fc.calibrate_casework(
        snapshot,
        population,
        2022,
        "999",
        "Synthetic",
        costs,
        hnb_allocation=draw(st.floats(0, 5e7)),
        opening_balance=draw(st.floats(-1e7, 1e7)),
    )


levers_strategy = st.builds(
    fc.Levers,
    fewer_requests=st.none() | st.builds(fc.Ramp, st.floats(0, 1), st.integers(2022, 2026), st.integers(0, 4)),
    lower_conversion=st.none() | st.builds(fc.Ramp, st.floats(0, 1), st.integers(2022, 2026), st.integers(0, 4)),
    more_step_down=st.none() | st.builds(fc.Ramp, st.floats(0, 0.5), st.integers(2022, 2026), st.integers(0, 4)),
    tariff_change=st.none() | st.builds(fc.Ramp, st.floats(-0.5, 0.5), st.integers(2022, 2026)),
    new_places=st.lists(
        st.builds(
            fc.NewPlaces,
            st.integers(0, 200),
            st.sampled_from([*fc.NEEDS, "any"]),
            st.sampled_from(sorted(fc.PHASE_AGES)),
            st.floats(0, 60_000),
            st.integers(2021, 2027),
        ),
        max_size=3,
    ),
    population_growth=st.floats(-0.05, 0.05),
    allocation_growth=st.floats(-0.05, 0.1),
)

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(councils(), levers_strategy, st.integers(0, 1000))
def test_quantiles_ordered_and_counts_never_negative(base, levers, seed):
    proj = fc.project(base, levers, years=6, simulations=40, seed=seed)
    for name in QUANTILED:
        q = getattr(proj, name)
        assert np.isfinite(q).all(), name
        assert (q[0] <= q[1] + 1e-6).all() and (q[1] <= q[2] + 1e-6).all(), name
    for name in ("plans", "plans_by_setting", "plans_by_need", "new_plans", "leavers", "requests", "diverted"):
        assert (getattr(proj, name) >= -1e-6).all(), name
    np.testing.assert_allclose(proj.plans_by_setting[1].sum(axis=-1), proj.plans[1], rtol=0.05, atol=1.0)


@FAST
@given(councils(), st.integers(0, 1000))
def test_nobody_stays_past_25(base, seed):
    # With no joiners, everyone has aged out after 26 years, whatever the leaving rates.
    closed = dataclasses.replace(base, joiner_rate=np.zeros(26))
    proj = fc.project(closed, fc.Levers(), years=26, simulations=20, seed=seed)
    assert proj.plans[2, -1] == 0.0
    ones = dataclasses.replace(closed, counts=np.where(np.arange(26)[:, None, None] == 25, base.counts, 0.0))
    assert fc.project(ones, fc.Levers(), years=1, simulations=20, seed=seed).plans[2, 0] == 0.0


@FAST
@given(councils(), st.floats(0, 1), st.floats(0, 1), st.integers(0, 1000))
def test_fewer_requests_never_means_more_plans(base, a, b, seed):
    low, high = sorted((a, b))
    p_low = fc.project(base, fc.Levers(fewer_requests=fc.Ramp(low, 2023)), years=5, simulations=40, seed=seed)
    p_high = fc.project(base, fc.Levers(fewer_requests=fc.Ramp(high, 2023)), years=5, simulations=40, seed=seed)
    assert (p_high.plans <= p_low.plans + 1e-6).all()
    assert (p_high.new_plans <= p_low.new_plans + 1e-6).all()


@FAST
@given(councils(), st.integers(0, 300), st.integers(0, 1000))
def test_more_places_never_more_independent_placements(base, places, seed):
    def run(n):
        return fc.project(
            base,
            fc.Levers(new_places=[fc.NewPlaces(n, "any", "all_through", 1.0, 2022)]),
            years=4,
            simulations=30,
            seed=seed,
        )

    ind = fc.SETTINGS.index("independent_special")
    fewer, more = run(places), run(places + 10)
    assert (more.plans_by_setting[:, :, ind] <= fewer.plans_by_setting[:, :, ind] + 1e-6).all()
