"""The public forecast CSV and the backtest against the three baselines (pure polars/numpy)."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import polars as pl

from .cohort import baseline_damped, baseline_last, baseline_linear, calibrate, quantiles, simulate
from .data import FIRST_FULL_YEAR, load_history

CSV_COLUMNS = ("geographic_level", "new_la_code", "old_la_code", "la_name", "year", "ehcps_p10", "ehcps_p50",
               "ehcps_p90")
ENGLAND = ("National", "E92000001", "", "England")


def forecast_public(data_dir: Path | str, base_year: int, years: int, *, simulations: int = 1000, seed: int = 0,
                    population_growth: float = 0.0) -> pl.DataFrame:
    """Every LA publishing a caseload in January ``base_year``, and England, for each forecast January.

    England's quantiles are taken from the simulated sum of the LAs (so England is forecast
    consistently with its LAs; its P50 is close to, but not exactly, the sum of LA P50s).
    """
    h = load_history(data_dir, base_year)
    sims = simulate(h, years, simulations, seed, population_growth)
    la_q, eng_q = quantiles(sims)
    la_q, eng_q = np.round(la_q).astype(np.int64), np.round(eng_q).astype(np.int64)
    rows = []
    for j in range(years):
        year = base_year + 1 + j
        rows.append((*ENGLAND, year, *(int(v) for v in eng_q[:, j])))
        for i, (old, new, name) in enumerate(h.las.select("old_la_code", "new_la_code", "la_name").iter_rows()):
            rows.append(("Local authority", new or "", old, name, year, *(int(v) for v in la_q[:, i, j])))
    return pl.DataFrame(rows, schema=dict(zip(CSV_COLUMNS, (pl.String,) * 4 + (pl.Int64,) * 4)), orient="row")


@functools.lru_cache(maxsize=4)
def year_one(data_dir: Path | str, base_year: int, simulations: int = 1000, seed: int = 0
             ) -> dict[str, tuple[float, float]]:
    """old_la_code -> (published plans at January ``base_year``, P50 for January ``base_year + 1``).

    The same first-year figure as :func:`forecast_public` with the same ``simulations`` and ``seed``
    (the draws do not depend on the horizon): the council model is anchored to it.
    """
    h = load_history(data_dir, base_year)
    sims = simulate(h, 1, simulations, seed)
    p50 = np.quantile(sims[:, :, 0], 0.5, axis=0)
    return {code: (float(t), float(m)) for code, t, m in zip(h.las["old_la_code"].to_list(), h.totals[:, -1], p50,
                                                            strict=True)}


def backtest(data_dir: Path | str, base_years: list[int] | None = None, *, simulations: int = 500,
             seed: int = 0, **model) -> dict:  # model: keyword arguments of calibrate (window)
    """Hold out the last Januaries: forecast from each base year to the latest January in the folder.

    Returns ``{"by_horizon": DataFrame(method, horizon, n, mape, mase), "coverage": DataFrame,
    "detail": DataFrame}``. Error is measured on each LA's total EHC plans; LAs that did not
    exist at the target January (reorganisations) are left out of that comparison.
    """
    from .data import actual_totals
    from highneeds.engine.publicdata import caseload

    latest = max(int(p[:4]) + 1 for p in caseload(data_dir)["time_period"].unique().to_list())
    act_years, act_codes, act_totals = actual_totals(data_dir, latest)
    act_index = {c: i for i, c in enumerate(act_codes)}
    base_years = base_years or list(range(2016, latest))
    rows = []
    for base in base_years:
        horizon = latest - base
        h = load_history(data_dir, base)
        cal = calibrate(h, **model)
        sims = simulate(h, horizon, simulations, seed, calibration=cal)
        q, _ = quantiles(sims)
        series = h.totals[:, h.years >= FIRST_FULL_YEAR]  # baselines: totals since January 2015
        methods = {
            "model": q[1],
            "last value": baseline_last(series, horizon),
            "linear trend (3)": baseline_linear(series, horizon),
            "damped ES": baseline_damped(np.where(np.isnan(series), np.nan, series), horizon),
        }
        diffs = np.abs(np.diff(series, axis=1))
        scale = diffs.mean(axis=1) if diffs.shape[1] else np.full(len(series), np.nan)  # in-sample naive MAE
        for i, code in enumerate(h.las["old_la_code"].to_list()):
            if np.isnan(series[i]).any() or code not in act_index:
                continue  # an LA without a full history since 2015 (reorganised): not comparable
            for j in range(horizon):
                year = base + 1 + j
                actual = act_totals[act_index[code], list(act_years).index(year)]
                if np.isnan(actual) or actual <= 0:
                    continue
                for name, fc in methods.items():
                    err = fc[i, j] - actual
                    rows.append((base, code, j + 1, name, float(actual), float(fc[i, j]), abs(err) / actual * 100,
                                 abs(err) / scale[i] if scale[i] > 0 else np.nan,
                                 bool(q[0, i, j] <= actual <= q[2, i, j]) if name == "model" else None))
    detail = pl.DataFrame(rows, schema={"base_year": pl.Int64, "old_la_code": pl.String, "horizon": pl.Int64,
                                        "method": pl.String, "actual": pl.Float64, "forecast": pl.Float64,
                                        "ape": pl.Float64, "ase": pl.Float64, "inside": pl.Boolean}, orient="row")
    by_h = detail.group_by("method", "horizon").agg(n=pl.len(), mape=pl.col("ape").mean(),
                                                    mase=pl.col("ase").mean()).sort("horizon", "method")
    cov = detail.filter(pl.col("method") == "model").group_by("horizon").agg(
        n=pl.len(), coverage=pl.col("inside").mean()).sort("horizon")
    model_rows = detail.filter(pl.col("method") == "model")
    by_base = model_rows.group_by("base_year").agg(n=pl.len(), coverage=pl.col("inside").mean()).sort("base_year")
    return {"by_horizon": by_h, "coverage": cov, "coverage_all": float(model_rows["inside"].mean()),
            "coverage_by_base_year": by_base, "detail": detail, "base_years": base_years, "latest": latest}


BASELINES = ("last value", "linear trend (3)", "damped ES")


def verdict(result: dict) -> dict[int, dict[str, bool]]:
    """Per horizon: does the model beat the best baseline on MAPE, and on MASE?"""
    by_h = result["by_horizon"]
    out = {}
    for h in sorted(set(by_h["horizon"].to_list())):
        rows = by_h.filter(pl.col("horizon") == h)
        model = rows.filter(pl.col("method") == "model").row(0, named=True)
        base = rows.filter(pl.col("method").is_in(BASELINES))
        out[h] = {"mape": model["mape"] < base["mape"].min(), "mase": model["mase"] < base["mase"].min()}
    return out
