"""The EHC plan forecast engine: cut-off, CSV contract, quantiles, England, determinism, cohort stepping."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from highneeds.engine.forecast import CSV_COLUMNS, backtest, forecast_public, load_history, step_cohort
from highneeds.engine.forecast.data import POPULATION_FILE
from highneeds.engine import publicdata

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
NEEDED = [publicdata.CASELOAD_FILE, publicdata.AGE_FILE_DASHBOARD, POPULATION_FILE, publicdata.LA_HISTORY_FILE]
SIMS = 60

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="the shared public data folder is not present")


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
    extra = [dict(r, time_period=year, num_caseload="888888") for year in ("2022", "2023")
             for r in rows if r["time_period"] == "2021"]
    with path.open("a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fields).writerows(extra)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    clean = _copy(tmp_path_factory.mktemp("clean"))
    poisoned = _copy(tmp_path_factory.mktemp("poisoned"))
    _poison(poisoned)
    return clean, poisoned


@pytest.fixture(scope="module")
def forecast_2021(folders):
    return forecast_public(folders[0], 2021, 4, simulations=SIMS, seed=3)


def test_rows_after_the_base_year_change_nothing(folders, forecast_2021):
    clean, poisoned = folders
    assert forecast_public(poisoned, 2021, 4, simulations=SIMS, seed=3).equals(forecast_2021)
    # And with the genuine January 2022 rows kept, a base of 2022 ignores the absurd 2023/2024 rows.
    extra = poisoned.parent / "future_only"
    _copy(extra)
    path = extra / publicdata.CASELOAD_FILE
    frame = pl.read_csv(path, infer_schema=False)
    later = frame.filter(pl.col("time_period") == "202122").with_columns(
        time_period=pl.lit("202223"), ehcplans=pl.lit("7777777"))
    pl.concat([frame, later]).write_csv(path)
    assert forecast_public(extra, 2022, 2, simulations=SIMS, seed=1).equals(
        forecast_public(clean, 2022, 2, simulations=SIMS, seed=1))


def test_history_stops_at_the_base_year(folders):
    h = load_history(folders[1], 2020)
    assert h.years[-1] == 2020
    assert np.nanmax(h.totals) < 100_000


def test_csv_columns_and_one_row_per_la_and_england_per_year(folders, forecast_2021, tmp_path):
    frame = forecast_2021
    assert tuple(frame.columns) == CSV_COLUMNS
    las = load_history(folders[0], 2021).las
    assert frame.height == (las.height + 1) * 4
    for year in range(2022, 2026):
        rows = frame.filter(pl.col("year") == year)
        assert rows.filter(pl.col("geographic_level") == "National").height == 1
        assert sorted(rows.filter(pl.col("geographic_level") == "Local authority")["old_la_code"].to_list()) == sorted(
            las["old_la_code"].to_list())
    out = tmp_path / "f.csv"
    frame.write_csv(out)
    assert out.read_text().splitlines()[0] == ",".join(CSV_COLUMNS)


def test_quantiles_are_ordered_and_positive(forecast_2021):
    f = forecast_2021
    assert (f["ehcps_p10"] <= f["ehcps_p50"]).all() and (f["ehcps_p50"] <= f["ehcps_p90"]).all()
    assert (f["ehcps_p10"] >= 0).all()


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


def test_deterministic_by_seed(folders, forecast_2021):
    assert forecast_public(folders[0], 2021, 4, simulations=SIMS, seed=3).equals(forecast_2021)
    assert not forecast_public(folders[0], 2021, 4, simulations=SIMS, seed=4).equals(forecast_2021)


def test_population_growth_assumption_moves_the_forecast(folders):
    low = forecast_public(folders[0], 2021, 3, simulations=SIMS, seed=0, population_growth=-0.05)
    high = forecast_public(folders[0], 2021, 3, simulations=SIMS, seed=0, population_growth=0.05)
    eng = pl.col("geographic_level") == "National"
    assert (low.filter(eng)["ehcps_p50"] < high.filter(eng)["ehcps_p50"]).all()


def test_backtest_reports_every_method_and_horizon(folders):
    result = backtest(folders[0], [2019, 2020], simulations=SIMS)
    table = result["by_horizon"]
    assert set(table["method"].to_list()) == {"model", "last value", "linear trend (3)", "damped ES"}
    assert sorted(set(table["horizon"].to_list())) == [1, 2, 3]
    assert 0.0 <= result["coverage_all"] <= 1.0


counts = arrays(np.float64, st.tuples(st.integers(1, 4), st.just(26)),
                elements=st.floats(0, 1e5, allow_nan=False, allow_infinity=False))


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
