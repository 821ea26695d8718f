"""The EHC plan forecast engine: cut-off, CSV contract, quantiles, England, determinism, cohort stepping,
and the backtest on the real public data (the model must beat every baseline at every horizon)."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from highneeds.engine import publicdata
from highneeds.engine.forecast import CSV_COLUMNS, backtest, forecast_public, load_history, step_cohort, verdict
from highneeds.engine.forecast.cohort import (
    aged_groups,
    group_sums,
    half_aged,
    point_forecast,
    to_single_years,
)
from highneeds.engine.forecast.data import (
    AGE_NEW_PLANS_FILE,
    MI_FILE,
    POPULATION_FILE,
    load_flows,
    within_group_profile,
)
from highneeds.engine.forecast.uncertainty import ErrorPool, _errors, calibrate, simulate

DATA = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
NEEDED = [
    publicdata.CASELOAD_FILE,
    publicdata.AGE_FILE_DASHBOARD,
    POPULATION_FILE,
    publicdata.LA_HISTORY_FILE,
    MI_FILE,
    AGE_NEW_PLANS_FILE,
    publicdata.NEWPLANS_FILE,
    publicdata.REQUESTS_FILE,
    publicdata.TIMELINESS_FILE,
]
# Calendar-year activity files and their count columns (new plans, requests).
ACTIVITY = (
    (MI_FILE, ("NewallEHC", "InreqEHC")),
    (AGE_NEW_PLANS_FILE, ("Total_new_ehc", "Total_new_all")),
    (publicdata.NEWPLANS_FILE, ("new_ehc_plans",)),
    (publicdata.REQUESTS_FILE, ("requests_received_in_year",)),
)
SIMS = 60

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"the shared public data folder {DATA} is not present")


def _copy(target: Path) -> Path:
    for rel in NEEDED:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA / rel, target / rel)
    return target


def _poison(folder: Path) -> None:
    """Add absurd rows after January 2022 and make every real 2022 row absurd too."""
    path = folder / publicdata.CASELOAD_FILE
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    future = []
    for row in rows:
        if row["time_period"] == "202122":
            for period in ("202122", "202223", "202324"):
                copy = dict(row, time_period=period)
                copy["ehcplans"] = "9999999"
                future.append(copy)
    rows = [r for r in rows if r["time_period"] != "202122"] + future
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(rows)
    path = folder / publicdata.AGE_FILE_DASHBOARD
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    extra = [
        dict(r, time_period=year, num_caseload="888888")
        for year in ("2022", "2023")
        for r in rows
        if r["time_period"] == "2021"
    ]
    with path.open("a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fields).writerows(extra)
    # Calendar 2021 activity is published after January 2021 (with the January 2022 caseload): absurd,
    # and absurd later years added too.
    _absurd_activity(folder, from_year=2021)


def _absurd_activity(folder: Path, from_year: int, only: str | None = None) -> None:
    for rel, columns in ACTIVITY:
        if only and rel != only:
            continue
        path = folder / rel
        frame = pl.read_csv(path, infer_schema=False)
        later = frame.filter(pl.col("time_period") == "2021")
        added = [later.with_columns(time_period=pl.lit(str(y))) for y in range(2022, 2024)]
        frame = pl.concat([frame, *added])
        frame = frame.with_columns(
            [
                pl.when(pl.col("time_period").cast(pl.Int64) >= from_year)
                .then(pl.lit("999999"))
                .otherwise(pl.col(c))
                .alias(c)
                for c in columns
            ]
        )
        frame.write_csv(path)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    clean = _copy(tmp_path_factory.mktemp("clean"))
    poisoned = _copy(tmp_path_factory.mktemp("poisoned"))
    _poison(poisoned)
    return clean, poisoned


@pytest.fixture(scope="module")
def forecast_2021(folders):
    return forecast_public(folders[0], 2021, 4, simulations=SIMS, seed=3)


@needs_data
def test_rows_after_the_base_year_change_nothing(folders, forecast_2021):
    clean, poisoned = folders
    assert forecast_public(poisoned, 2021, 4, simulations=SIMS, seed=3).equals(forecast_2021)
    # And with the genuine January 2022 rows kept, a base of 2022 ignores the absurd 2023/2024 rows.
    extra = poisoned.parent / "future_only"
    _copy(extra)
    path = extra / publicdata.CASELOAD_FILE
    frame = pl.read_csv(path, infer_schema=False)
    later = frame.filter(pl.col("time_period") == "202122").with_columns(
        time_period=pl.lit("202223"), ehcplans=pl.lit("7777777")
    )
    pl.concat([frame, later]).write_csv(path)
    assert forecast_public(extra, 2022, 2, simulations=SIMS, seed=1).equals(
        forecast_public(clean, 2022, 2, simulations=SIMS, seed=1)
    )


@needs_data
def test_history_stops_at_the_base_year(folders):
    h = load_history(folders[1], 2020)
    assert h.years[-1] == 2020
    assert np.nanmax(h.totals) < 100_000


@needs_data
def test_csv_columns_and_one_row_per_la_and_england_per_year(folders, forecast_2021, tmp_path):
    frame = forecast_2021
    assert tuple(frame.columns) == CSV_COLUMNS
    las = load_history(folders[0], 2021).las
    assert frame.height == (las.height + 1) * 4
    for year in range(2022, 2026):
        rows = frame.filter(pl.col("year") == year)
        assert rows.filter(pl.col("geographic_level") == "National").height == 1
        assert sorted(rows.filter(pl.col("geographic_level") == "Local authority")["old_la_code"].to_list()) == sorted(
            las["old_la_code"].to_list()
        )
    out = tmp_path / "f.csv"
    frame.write_csv(out)
    assert out.read_text().splitlines()[0] == ",".join(CSV_COLUMNS)


@needs_data
def test_quantiles_are_ordered_and_positive(forecast_2021):
    f = forecast_2021
    assert (f["ehcps_p10"] <= f["ehcps_p50"]).all() and (f["ehcps_p50"] <= f["ehcps_p90"]).all()
    assert (f["ehcps_p10"] >= 0).all()


@needs_data
def test_england_is_the_simulated_sum_of_las(forecast_2021):
    """England's quantiles come from the sum over LAs in each simulation: its P50 is close to the sum of
    LA P50s (medians do not add exactly) and its band is narrower than the sum of LA bands."""
    f = forecast_2021
    for year in f["year"].unique().to_list():
        rows = f.filter(pl.col("year") == year)
        eng = rows.filter(pl.col("geographic_level") == "National").row(0, named=True)
        las = rows.filter(pl.col("geographic_level") == "Local authority")
        assert abs(eng["ehcps_p50"] / las["ehcps_p50"].sum() - 1) < 0.03
        assert eng["ehcps_p90"] - eng["ehcps_p10"] <= (las["ehcps_p90"] - las["ehcps_p10"]).sum()


@needs_data
def test_deterministic_by_seed(folders, forecast_2021):
    assert forecast_public(folders[0], 2021, 4, simulations=SIMS, seed=3).equals(forecast_2021)
    assert not forecast_public(folders[0], 2021, 4, simulations=SIMS, seed=4).equals(forecast_2021)


@needs_data
def test_population_growth_assumption_moves_the_forecast(folders):
    low = forecast_public(folders[0], 2021, 3, simulations=SIMS, seed=0, population_growth=-0.05)
    high = forecast_public(folders[0], 2021, 3, simulations=SIMS, seed=0, population_growth=0.05)
    eng = pl.col("geographic_level") == "National"
    assert (low.filter(eng)["ehcps_p50"] < high.filter(eng)["ehcps_p50"]).all()


@needs_data
def test_backtest_reports_every_method_and_horizon(folders):
    result = backtest(folders[0], [2019, 2020], simulations=SIMS, bootstrap=200)
    table = result["by_horizon"]
    assert set(table["method"].to_list()) == {
        "model",
        "last value",
        "linear trend (3)",
        "geometric growth (3)",
        "damped trend",
    }
    assert sorted(set(table["horizon"].to_list())) == [1, 2, 3]
    assert 0.0 <= result["coverage_all"] <= 1.0
    metrics, coverage = result["metrics"], result["coverage"]
    assert set(metrics["scope"].to_list()) == {"2019", "2020", "pooled"}
    # Per base year and pooled agree: the pooled n is the sum, the pooled bias the n-weighted mean.
    for h in (1, 2):
        rows = metrics.filter((pl.col("method") == "model") & (pl.col("horizon") == h))
        per = rows.filter(pl.col("scope") != "pooled")
        pooled = rows.filter(pl.col("scope") == "pooled").row(0, named=True)
        assert pooled["n"] == per["n"].sum()
        assert pooled["bias"] == pytest.approx((per["bias"] * per["n"]).sum() / per["n"].sum())
    cov = coverage.filter(pl.col("scope") == "pooled")
    assert np.allclose(cov["coverage"] + cov["above"] + cov["below"], 1.0)
    boot = result["bootstrap"]
    assert (boot["low"] <= boot["difference"]).all() and (boot["difference"] <= boot["high"]).all()


@needs_data
def test_later_activity_rows_change_nothing(folders, forecast_2021, tmp_path):
    """Calendar-year activity (new plans, requests) from 2021 on is not published by January 2021:
    whatever such rows say, the forecast from base 2021 is the same; the 2020 rows are used."""
    folder = _copy(tmp_path / "activity")
    _absurd_activity(folder, from_year=2021)
    assert forecast_public(folder, 2021, 4, simulations=SIMS, seed=3).equals(forecast_2021)
    used = _copy(tmp_path / "activity2020")
    _absurd_activity(used, from_year=2020)
    assert not forecast_public(used, 2021, 4, simulations=SIMS, seed=3).equals(forecast_2021)
    # New plans by age (cessations by age, additions' age mix) are used too.
    ages = _copy(tmp_path / "ages2020")
    _absurd_activity(ages, from_year=2020, only=AGE_NEW_PLANS_FILE)
    assert not forecast_public(ages, 2021, 4, simulations=SIMS, seed=3).equals(forecast_2021)


@needs_data
def test_flows_stop_at_the_calendar_year_before_the_base(folders):
    h = load_history(folders[1], 2021)
    flows = load_flows(folders[1], h)
    assert flows.years[-1] == 2020 and np.nanmax(flows.new_plans) < 99_999
    assert flows.new_by_group.shape == (len(h.las), len(flows.years), 5) and np.nanmax(flows.new_by_group) < 99_999
    clean = load_flows(folders[0], load_history(folders[0], 2021))
    np.testing.assert_array_equal(np.nan_to_num(clean.new_plans), np.nan_to_num(flows.new_plans))


@needs_data
def test_the_pools_are_post_transfer_per_horizon_and_out_of_sample(folders):
    h2018 = load_history(folders[0], 2018)
    cal = calibrate(h2018, flows=load_flows(folders[0], h2018))
    # No post-transfer origin yet: one pool of every earlier origin's one-year errors, centred (the transfer
    # years give spread, never bias), and no LA adjustment can be estimated.
    assert [p.kind for p in cal.pools] == ["transfer years (no post-transfer origin yet)"] and cal.shrinkage == 0.0
    assert cal.pools[0].horizon == 1 and len(cal.pools[0].origins) >= 3
    h = load_history(folders[0], 2021)
    flows = load_flows(folders[0], h)
    cal = calibrate(h, flows=flows)
    # Base 2021: k-year errors from the post-transfer origins o with o + k <= 2021.
    assert [list(p.origins) for p in cal.pools] == [[2018, 2019, 2020], [2018, 2019], [2018]]
    assert [p.horizon for p in cal.pools] == [1, 2, 3] and {p.kind for p in cal.pools} == {"post-transfer"}
    for p in cal.pools:  # centred: national parts on their mean, local parts on their median
        assert abs(p.national.mean()) < 1e-12 and abs(np.nanmedian(p.local)) < 1e-12
        assert p.local.shape == (len(h.las), len(p.origins))
    assert len(cal.donors) > 140 and not np.isnan(np.stack([p.local[cal.donors] for p in cal.pools[:1]])).any()
    assert 0.0 <= cal.shrinkage < 1.0 and (cal.multiplier >= 0).all()
    assert cal.rates.shape == (5,) and cal.rates.sum() > 0
    # The stock-flow component: cessations by age group; additions are last year's new plans, joining the age
    # groups in each LA's own shares of new plans by age.
    assert cal.cease.shape == (5,) and (cal.cease < 1).all() and np.nansum(cal.additions) > 40_000
    assert cal.add_shares.shape == (len(h.las), 5) and np.allclose(cal.add_shares.sum(axis=1), 1.0)
    # Out of sample: the errors of origin 2018 at horizons 1-2 are the same whether the base is 2020 or 2021
    # (each uses only what was published by January 2018 + k).
    h2020 = load_history(folders[0], 2020)
    early, late = _errors(h2020, load_flows(folders[0], h2020), 2), _errors(h, flows, 2)
    o = list(h.years).index(2018)
    for k in (1, 2):
        np.testing.assert_allclose(early[k][:, o], late[k][:, o], atol=1e-12)


def _pooled(L: int, national: np.ndarray, local: np.ndarray, power: float = 0.0) -> tuple:
    h, cal, dc = _synthetic(np.full((L, 5), 100.0), None, 0.0)
    pool = ErrorPool(1, np.arange(len(national)) + 2018, national, local, power, "test")
    return h, dc.replace(cal, pools=(pool,), donors=np.arange(L)), dc


@settings(max_examples=40, deadline=None)
@given(data=st.data(), L=st.integers(1, 4), P=st.integers(1, 3), k=st.integers(2, 6))
def test_a_horizon_without_a_pool_scales_the_last_one_by_the_square_root(data, L, P, k):
    """Beyond the longest horizon with errors, a run's log error is that horizon's times sqrt(k / j): the
    same origin and donor, so the band's log-width grows exactly so."""
    errs = st.floats(-0.3, 0.3, allow_nan=False)
    national = data.draw(arrays(np.float64, (P,), elements=errs))
    local = data.draw(arrays(np.float64, (L, P), elements=errs))
    h, cal, _dc = _pooled(L, national, local)
    sims = simulate(h, k, 50, seed=1, calibration=cal)
    path = point_forecast(h, k, cal)
    ratio = np.log(sims / path[None])
    np.testing.assert_allclose(ratio[:, :, k - 1], np.sqrt(k) * ratio[:, :, 0], atol=1e-9)
    # Every run's error at horizon 1 is one of the pool's (national + local) errors.
    possible = (national[None, :] + local).ravel()
    assert np.isin(np.round(ratio[:, :, 0], 9), np.round(possible, 9)).all()


def test_centred_errors_balance_the_misses():
    """With a pool centred as calibrate centres it, half the runs fall each side of the point path."""
    rng = np.random.default_rng(0)
    local = rng.normal(0.05, 0.1, size=(40, 3))
    local -= np.median(local)
    h, cal, _dc = _pooled(40, np.array([-0.01, 0.0, 0.01]), local)
    sims = simulate(h, 1, 3000, seed=2, calibration=cal)
    above = (sims[:, :, 0] > point_forecast(h, 1, cal)[None, :, 0]).mean()
    assert 0.45 < above < 0.55


@needs_data
def test_p50_is_near_the_point_forecast_and_bands_widen_with_horizon(folders):
    h = load_history(folders[0], 2021)
    f = forecast_public(folders[0], 2021, 6, simulations=400, seed=0)
    las = f.filter(pl.col("geographic_level") == "Local authority").sort("old_la_code", "year")
    width = (las["ehcps_p90"] / las["ehcps_p10"]).log().to_numpy().reshape(-1, 6)
    assert (np.median(width[:, 1:], axis=0) > np.median(width[:, :-1], axis=0)).all()
    point = point_forecast(h, 6, calibrate(h, flows=load_flows(folders[0], h)))
    p50 = las["ehcps_p50"].to_numpy().reshape(-1, 6)
    assert np.median(np.abs(np.log(p50 / point[np.argsort(h.las["old_la_code"].to_list())]))) < 0.1


@needs_data
def test_backtest_on_the_real_data_meets_the_accuracy_bar():
    """The issue's bar on ../shared/data as it is, post-transfer base years 2018-2021 to January 2022, with the
    command's settings (1,000 runs, seed 0): the model's MAPE beats every baseline at horizons 1-3, its bias at
    horizon 1 is within one point, and P10-P90 coverage is within 75-85% at horizons 1 and 2 with the misses
    balanced at horizon 1. Horizon 3 (74.0%) and 4 (64.9%) miss it: reported in docs/forecast-backtest.md."""
    result = backtest(DATA, simulations=1000, seed=0, bootstrap=200)
    assert result["base_years"] == [2018, 2019, 2020, 2021] and result["latest"] == 2022
    beats = verdict(result)
    assert all(beats[h]["mape"] for h in (1, 2, 3)), beats
    model = result["by_horizon"].filter((pl.col("method") == "model") & (pl.col("horizon") == 1)).row(0, named=True)
    assert abs(model["bias"]) <= 1.0
    cov = result["coverage"].filter(pl.col("scope") == "pooled").sort("horizon")
    assert ((cov["coverage"][:2] >= 0.75) & (cov["coverage"][:2] <= 0.85)).all(), cov
    one = cov.row(0, named=True)  # misses at horizon 1: neither side holds more than twice the other
    assert max(one["above"], one["below"]) <= 2 * min(one["above"], one["below"])


counts = arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.just(26)),
    elements=st.floats(0, 1e5, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=60, deadline=None)
@given(counts=counts, data=st.data())
def test_cohort_step_never_negative(counts, data):
    joiners = data.draw(arrays(np.float64, counts.shape, elements=st.floats(-1e3, 1e5, allow_nan=False)))
    leave = data.draw(arrays(np.float64, counts.shape, elements=st.floats(-1, 2, allow_nan=False)))
    assert (step_cohort(counts, joiners, leave) >= 0).all()


@settings(max_examples=60, deadline=None)
@given(counts=counts)
def test_cohort_step_conserves_all_but_the_25_year_olds(counts):
    after = step_cohort(counts, np.zeros_like(counts), np.zeros_like(counts))
    np.testing.assert_allclose(after.sum(axis=1), counts.sum(axis=1) - counts[:, 25], rtol=1e-12, atol=1e-6)
    np.testing.assert_array_equal(after[:, 1:], counts[:, :-1])
    assert (after[:, 0] == 0).all()


@settings(max_examples=60, deadline=None)
@given(
    groups=arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.just(5)),
        elements=st.floats(0, 1e5, allow_nan=False, allow_infinity=False),
    ),
    population=arrays(np.float64, (26,), elements=st.floats(0, 1e4, allow_nan=False, allow_infinity=False)),
)
def test_ageing_groups_equals_ageing_single_years(groups, population):
    """The fast group-level ageing used in simulation is the single-year cohort step summed back."""
    profile = within_group_profile(population)
    expected = group_sums(step_cohort(to_single_years(groups, profile)))
    np.testing.assert_allclose(aged_groups(groups, profile), expected, rtol=1e-9, atol=1e-6)


def _synthetic(groups: np.ndarray, additions: np.ndarray | None, cease: float) -> tuple:
    """A History of one January and a Calibration with given stock-flow inputs and no cohort joiners."""
    import dataclasses

    from highneeds.engine.forecast.cohort import Calibration
    from highneeds.engine.forecast.data import History

    L = len(groups)
    h = History(
        base_year=2022,
        years=np.array([2022]),
        las=pl.DataFrame({"old_la_code": [f"{i:03d}" for i in range(L)]}),
        groups=groups[:, None, :],
        totals=groups.sum(axis=1)[:, None],
        profile=within_group_profile(np.ones((L, 26))),
        population=np.ones((L, 26)),
    )
    cal = Calibration(
        rates=np.zeros(5),
        multiplier=np.ones(L),
        shrinkage=0.0,
        flows=np.zeros((L, 5)),
        window=2,
        cease=cease,
        additions=additions,
        add_shares=np.full(5, 0.2),
    )
    return h, cal, dataclasses


groups5 = arrays(np.float64, st.tuples(st.integers(1, 4), st.just(5)), elements=st.floats(0, 1e4, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(groups=groups5, cease=st.floats(0, 1), data=st.data())
def test_stock_flow_without_additions_only_shrinks_and_more_additions_never_lower(groups, cease, data):
    adds = data.draw(arrays(np.float64, len(groups), elements=st.floats(0, 1e4, allow_nan=False)))
    more = adds + data.draw(arrays(np.float64, len(groups), elements=st.floats(0, 1e4, allow_nan=False)))
    h, cal, dc = _synthetic(groups, np.zeros(len(groups)), cease)
    none = point_forecast(h, 4, cal)
    # No additions: the cohort half adds nothing either (zero rates), so plans never grow.
    assert (np.diff(np.concatenate([groups.sum(axis=1)[:, None], none], axis=1), axis=1) <= 1e-6).all()
    low = point_forecast(h, 4, dc.replace(cal, additions=adds))
    high = point_forecast(h, 4, dc.replace(cal, additions=more))
    assert (high >= low - 1e-6).all() and (low >= 0).all()


@settings(max_examples=40, deadline=None)
@given(
    groups=groups5,
    cease=arrays(np.float64, (5,), elements=st.floats(-0.2, 0.6, allow_nan=False)),
    data=st.data(),
)
def test_combination_is_the_equal_weight_average_and_an_la_without_flows_takes_the_cohort(groups, cease, data):
    """Cessations by age group and each LA's own age mix of additions, by hand."""
    from highneeds.engine.forecast.cohort import COMBINATION_WEIGHT

    L = len(groups)
    adds = np.full(L, 100.0)
    adds[0] = np.nan  # an LA publishing neither new plans nor requests
    mix = data.draw(arrays(np.float64, (L, 5), elements=st.floats(0.01, 1, allow_nan=False)))
    shares = mix / mix.sum(axis=1, keepdims=True)
    h, cal, dc = _synthetic(groups, adds, 0.0)
    cal = dc.replace(cal, rates=np.full(5, 0.05), cease=cease, add_shares=shares)
    both = point_forecast(h, 3, cal)
    cohort = point_forecast(h, 3, dc.replace(cal, additions=None))
    # The stock-flow path by hand: aged on (the 25-year-olds leave), each group's cessations, then the additions
    # in the LA's own age mix.
    state, flow = groups.copy(), []
    for _ in range(3):
        state = np.maximum(aged_groups(state, h.profile) * (1 - cease) + np.nan_to_num(adds)[:, None] * shares, 0)
        flow.append(state.sum(axis=1))
    flow = np.array(flow).T
    assert COMBINATION_WEIGHT == 0.5
    np.testing.assert_allclose(both[0], cohort[0])
    np.testing.assert_allclose(both[1:], 0.5 * cohort[1:] + 0.5 * flow[1:], rtol=1e-9, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(groups=groups5, population=arrays(np.float64, (26,), elements=st.floats(1, 1e4, allow_nan=False)))
def test_half_aged_keeps_the_count_but_for_half_the_25_year_olds(groups, population):
    """New plans made through a calendar year are half a year older by January: half of each group's oldest
    year moves up a group (half the 25-year-olds age out)."""
    profile = within_group_profile(population)
    half = half_aged(groups, profile)
    lost = 0.5 * groups[:, 4] * profile[25]
    np.testing.assert_allclose(half.sum(axis=1), groups.sum(axis=1) - lost, rtol=1e-9, atol=1e-6)
    assert (half >= -1e-9).all()


@needs_data
def test_year_one_is_the_public_forecasts_first_year(folders, forecast_2021):
    """The council model is anchored to `year_one`: it must be the very figure `forecast public` writes."""
    from highneeds.engine.forecast.run import year_one

    first = year_one(str(folders[0]), 2021, simulations=SIMS, seed=3)
    rows = forecast_2021.filter((pl.col("geographic_level") == "Local authority") & (pl.col("year") == 2022))
    assert rows.height == len(first)
    for code, p50 in rows.select("old_la_code", "ehcps_p50").iter_rows():
        assert p50 == round(first[code][1])
