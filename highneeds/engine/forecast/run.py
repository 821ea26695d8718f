"""The public forecast CSV and the backtest against the three baselines (pure polars/numpy)."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import polars as pl

from highneeds.engine.publicdata import caseload

from .baselines import baseline_damped, baseline_geometric, baseline_last, baseline_linear
from .cohort import POST_TRANSFER
from .data import FIRST_FULL_YEAR, actual_totals, load_flows, load_history
from .uncertainty import calibrate, quantiles, simulate

CSV_COLUMNS = (
    "geographic_level",
    "new_la_code",
    "old_la_code",
    "la_name",
    "year",
    "ehcps_p10",
    "ehcps_p50",
    "ehcps_p90",
)
ENGLAND = ("National", "E92000001", "", "England")


def forecast_public(
    data_dir: Path | str,
    base_year: int,
    years: int,
    *,
    simulations: int = 1000,
    seed: int = 0,
    population_growth: float = 0.0,
) -> pl.DataFrame:
    """Every LA publishing a caseload in January ``base_year``, and England, for each forecast January.

    England's quantiles are taken from the simulated sum of the LAs (so England is forecast
    consistently with its LAs; its P50 is close to, but not exactly, the sum of LA P50s).
    """
    h = load_history(data_dir, base_year)
    sims = simulate(h, years, simulations, seed, population_growth, flows=load_flows(data_dir, h))
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
def year_one(
    data_dir: Path | str, base_year: int, simulations: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """old_la_code -> (published plans at January ``base_year``, P50 for January ``base_year + 1``).

    The same first-year figure as :func:`forecast_public` with the same ``simulations`` and ``seed``
    (the draws do not depend on the horizon): the council model is anchored to it.
    """
    h = load_history(data_dir, base_year)
    sims = simulate(h, 1, simulations, seed, flows=load_flows(data_dir, h))
    p50 = np.quantile(sims[:, :, 0], 0.5, axis=0)
    return {
        code: (float(t), float(m))
        for code, t, m in zip(h.las["old_la_code"].to_list(), h.totals[:, -1], p50, strict=True)
    }


BASELINES = ("last value", "linear trend (3)", "geometric growth (3)", "damped trend")
POOLED = "pooled"


def backtest(
    data_dir: Path | str,
    base_years: list[int] | None = None,
    *,
    simulations: int = 500,
    seed: int = 0,
    bootstrap: int = 2000,
    **model,
) -> dict:  # model: keyword arguments of calibrate
    """Hold out the last Januaries: forecast from each base year to the latest January in the folder.

    Default base years: the post-transfer ones (``POST_TRANSFER - 1`` on, see cohort.py) up to the year
    before the latest January. Error is measured on each LA's total EHC plans against the published
    January figure; LAs without a full series since January 2015 (reorganised) are left out of that base
    year. Only what was published by each base year is read (``load_history`` and ``load_flows`` cut there).

    Returns ``detail`` (one row per base year, LA, horizon and method), ``metrics`` (per base year and
    pooled: n, MAPE, median APE, MASE, mean signed % error by method and horizon), ``coverage`` (the
    model's P10-P90 per base year and pooled, with the share of misses above P90 and below P10),
    ``bootstrap`` (pooled, per horizon: the model's MAPE minus the best baseline's, with a 95% interval
    from resampling LAs with replacement, their base years together, paired), and the old ``by_horizon``.
    """
    latest = max(int(p[:4]) + 1 for p in caseload(data_dir)["time_period"].unique().to_list())
    act_years, act_codes, act_totals = actual_totals(data_dir, latest)
    act_index = {c: i for i, c in enumerate(act_codes)}
    base_years = base_years or list(range(POST_TRANSFER - 1, latest))
    late = [b for b in base_years if b >= latest]
    if late:
        raise ValueError(
            f"base year {late[0]} leaves no later January to test against: the latest in the data is January {latest}"
        )
    rows = []
    for base in base_years:
        horizon = latest - base
        h = load_history(data_dir, base)
        cal = calibrate(h, flows=load_flows(data_dir, h), **model)
        sims = simulate(h, horizon, simulations, seed, calibration=cal)
        q, _ = quantiles(sims)
        series = h.totals[:, h.years >= FIRST_FULL_YEAR]  # baselines: totals since January 2015
        methods = {
            "model": q[1],
            "last value": baseline_last(series, horizon),
            "linear trend (3)": baseline_linear(series, horizon),
            "geometric growth (3)": baseline_geometric(series, horizon),
            "damped trend": baseline_damped(np.where(np.isnan(series), np.nan, series), horizon),
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
                    is_model = name == "model"
                    rows.append(
                        (
                            base,
                            code,
                            j + 1,
                            name,
                            float(actual),
                            float(fc[i, j]),
                            err / actual * 100,
                            abs(err) / scale[i] if scale[i] > 0 else np.nan,
                            bool(actual > q[2, i, j]) if is_model else None,
                            bool(actual < q[0, i, j]) if is_model else None,
                        )
                    )
    detail = pl.DataFrame(
        rows,
        schema={
            "base_year": pl.Int64,
            "old_la_code": pl.String,
            "horizon": pl.Int64,
            "method": pl.String,
            "actual": pl.Float64,
            "forecast": pl.Float64,
            "pe": pl.Float64,
            "ase": pl.Float64,
            "above": pl.Boolean,
            "below": pl.Boolean,
        },
        orient="row",
    )
    detail = detail.with_columns(
        ape=pl.col("pe").abs(), inside=pl.when(pl.col("method") == "model").then(~(pl.col("above") | pl.col("below")))
    )
    scoped = pl.concat(
        [detail.with_columns(scope=pl.col("base_year").cast(pl.String)), detail.with_columns(scope=pl.lit(POOLED))]
    )
    metrics = (
        scoped.group_by("scope", "method", "horizon")
        .agg(
            n=pl.len(),
            mape=pl.col("ape").mean(),
            mdape=pl.col("ape").median(),
            mase=pl.col("ase").mean(),
            bias=pl.col("pe").mean(),
        )
        .sort("scope", "horizon", "method")
    )
    coverage = (
        scoped.filter(pl.col("method") == "model")
        .group_by("scope", "horizon")
        .agg(n=pl.len(), coverage=pl.col("inside").mean(), above=pl.col("above").mean(), below=pl.col("below").mean())
        .sort("scope", "horizon")
    )
    model_rows = detail.filter(pl.col("method") == "model")
    by_h = metrics.filter(pl.col("scope") == POOLED).drop("scope")
    return {
        "detail": detail,
        "metrics": metrics,
        "coverage": coverage,
        "by_horizon": by_h,
        "coverage_all": float(model_rows["inside"].mean()),
        "bootstrap": _bootstrap(detail, bootstrap, seed),
        "base_years": base_years,
        "latest": latest,
    }


def _bootstrap(detail: pl.DataFrame, draws: int, seed: int) -> pl.DataFrame:
    """Per horizon (pooled): MAPE of the model minus that of the best baseline at that horizon, and its 95%
    interval from ``draws`` resamples of LAs (all of an LA's base years together: they share its errors)."""
    rng = np.random.default_rng(seed)
    out = []
    for h in sorted(set(detail["horizon"].to_list())):
        rows = detail.filter(pl.col("horizon") == h)
        wide = rows.pivot(on="method", index=["old_la_code", "base_year"], values="ape").drop_nulls()
        mape = {m: float(wide[m].mean()) for m in BASELINES if m in wide.columns}
        best = min(mape, key=mape.get)
        diff = (wide["model"] - wide[best]).to_numpy()
        las = wide["old_la_code"].to_numpy()
        codes, cluster = np.unique(las, return_inverse=True)
        sums, counts = np.bincount(cluster, diff), np.bincount(cluster)
        picks = rng.integers(len(codes), size=(draws, len(codes)))
        boot = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
        lo, hi = np.quantile(boot, [0.025, 0.975])
        out.append((h, best, len(diff), float(diff.mean()), float(lo), float(hi)))
    return pl.DataFrame(
        out,
        schema={
            "horizon": pl.Int64,
            "best_baseline": pl.String,
            "n": pl.Int64,
            "difference": pl.Float64,
            "low": pl.Float64,
            "high": pl.Float64,
        },
        orient="row",
    )


def verdict(result: dict) -> dict[int, dict[str, bool]]:
    """Per horizon (pooled): does the model beat the best baseline on MAPE, and on MASE?"""
    by_h = result["by_horizon"]
    out = {}
    for h in sorted(set(by_h["horizon"].to_list())):
        rows = by_h.filter(pl.col("horizon") == h)
        model = rows.filter(pl.col("method") == "model").row(0, named=True)
        base = rows.filter(pl.col("method").is_in(BASELINES))
        out[h] = {"mape": model["mape"] < base["mape"].min(), "mase": model["mase"] < base["mase"].min()}
    return out
