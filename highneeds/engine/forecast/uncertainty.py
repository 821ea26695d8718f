"""The all-LA model's bands: per-horizon empirical out-of-sample errors, centred (issue 14).

Pure numpy. The rule, written down before it was backtested: docs/forecast-backtest.md, "Revision 2".
For a base year B and horizon k the pool is the k-year errors log(actual / forecast) of the combined
model refitted at every post-transfer origin o (2018 <= o, o + k <= B: nothing later than B), split into
a national part (that origin's mean over LAs) and a local part (scaled to LA size). National parts are
centred on their mean (spread, never a drift) and local parts on their median (misses balanced). A
horizon without a post-transfer origin takes the longest shorter horizon's pool x sqrt(k / j); with no
post-transfer origin at all, every earlier origin's one-year errors x sqrt(k).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .cohort import (
    POST_TRANSFER,
    WINDOW,
    Calibration,
    _paths,
    aged_groups,
    fit_at,
    plans_held,
    rates_by_year,
)
from .data import Flows, History


@dataclass(frozen=True)
class ErrorPool:
    """The out-of-sample errors at one horizon."""

    horizon: int  # the horizon these errors were measured at (a longer one is scaled by sqrt(k / horizon))
    origins: np.ndarray  # (P,) the base years the model was refitted at
    national: np.ndarray  # (P,) each origin's national log error, centred on their mean
    local: np.ndarray  # (L, P) local log errors per plans held ^ size_power, centred on their median; NaN missing
    size_power: float  # local errors scale with plans held ^ size_power
    kind: str  # "post-transfer" or "transfer years (no post-transfer origin yet)"


def _errors(h: History, flows: Flows | None, window: int) -> dict[int, np.ndarray]:
    """err[k][l, o]: log(published plans at January o + k / the model's forecast from origin o), the model
    fitted on the Januaries up to o only. NaN where unknown. Before the 20-25 group was published (origins
    before 2015) only one-year errors of the cohort on the under-20 groups published in both exist."""
    n, r, j = rates_by_year(h)
    T = len(h.years)
    complete = ~np.isnan(h.groups).any(axis=2)
    errs = {k: np.full((len(h.las), T), np.nan) for k in range(1, T)}
    for o in range(1, T - 1):
        cal = fit_at(h, o, window, flows, (n, r, j))
        prev = h.groups[:, o]
        if complete[:, o].any():
            pred = _paths(h, cal, T - 1 - o, np.where(np.isnan(prev), 0.0, prev))
            for k in range(1, T - o):
                actual = np.where(complete[:, o + k], h.groups[:, o + k].sum(axis=1), 0.0)
                ok = complete[:, o] & complete[:, o + k] & (pred[:, k - 1] > 0) & (actual > 0)
                errs[k][ok, o] = np.log(actual[ok] / pred[ok, k - 1])
            continue
        t = o + 1
        known = ~np.isnan(n[:, t]) & ~np.isnan(h.groups[:, t])
        held = plans_held(prev)
        full = aged_groups(np.nan_to_num(prev), h.profile) + cal.rates * (cal.multiplier * np.nan_to_num(held))[:, None]
        pred = np.where(known, np.maximum(full, 0.0), 0.0).sum(axis=1)
        actual = (
            np.where(complete[:, t], h.groups[:, t].sum(axis=1), 0.0)
            if complete[:, t].any()
            else np.where(known, h.groups[:, t], 0.0).sum(axis=1)
        )
        ok = known[:, :4].all(axis=1) & (pred > 0) & (actual > 0)
        errs[1][ok, o] = np.log(actual[ok] / pred[ok])
    return errs


def _pool(h: History, err: np.ndarray, cols: list[int], horizon: int, kind: str) -> ErrorPool:
    """Split a horizon's errors at origins ``cols`` into national and local parts, scale and centre them."""
    rows = err[:, cols]
    held = plans_held(h.groups)[:, cols]
    national = np.nanmean(rows, axis=0)
    local = rows - national
    # Smaller LAs have proportionally larger local errors: |local| ~ plans held ^ size_power, one power per
    # horizon fitted on the pool (log-log least squares).
    fit = ~np.isnan(local) & (np.abs(np.nan_to_num(local)) > 1e-9) & (np.nan_to_num(held) > 0)
    power = float(np.polyfit(np.log(held[fit]), np.log(np.abs(local[fit])), 1)[0]) if fit.sum() > 20 else 0.0
    local = local / np.where(np.nan_to_num(held) > 0, held, 1.0) ** power
    return ErrorPool(horizon, h.years[cols], national - national.mean(), local - np.nanmedian(local), power, kind)


def calibrate(h: History, window: int = WINDOW, flows: Flows | None = None) -> Calibration:
    """The point model at the base January and its per-horizon pools of out-of-sample errors."""
    cal = fit_at(h, len(h.years) - 1, window, flows)
    errs = _errors(h, flows, window)
    first = int(np.searchsorted(h.years, POST_TRANSFER - 1))  # post-transfer origins: base years 2018 on
    has = {k: [o for o in range(first, len(h.years)) if not np.isnan(e[:, o]).all()] for k, e in errs.items()}
    pools = [_pool(h, errs[k], has[k], k, "post-transfer") for k in sorted(has) if has[k]]
    if not pools:  # no post-transfer origin yet: every earlier origin's one-year errors
        every = [o for o in range(len(h.years)) if 1 in errs and not np.isnan(errs[1][:, o]).all()]
        pools = [_pool(h, errs[1], every, 1, "transfer years (no post-transfer origin yet)")] if every else []
    donors = np.flatnonzero(np.all([~np.isnan(p.local).any(axis=1) for p in pools], axis=0)) if pools else None
    return replace(cal, pools=tuple(pools), donors=donors)


def simulate(
    h: History,
    years: int,
    simulations: int = 1000,
    seed: int = 0,
    population_growth: float = 0.0,
    calibration: Calibration | None = None,
    window: int = WINDOW,
    flows: Flows | None = None,
) -> np.ndarray:
    """Simulated total EHC plans, shape (simulations, LAs, years) for Januaries base+1 .. base+years.

    ``population_growth``: the user's assumption of yearly growth in the 0-25 population relative to the
    calibration years; additions and joiners scale with ``(1 + population_growth) ** k`` in year k. At
    horizon k a run is the point path x exp(factor x (national error of the run's origin + its donor LA's
    local error x the LA's size factor)), from the pool of horizon k (factor 1) or the longest shorter one
    (factor sqrt(k / j)). One uniform draw per run picks the origin at every horizon, shared by the LAs;
    each LA keeps one donor for the whole path. The draws do not depend on ``years``.
    """
    cal = calibration or calibrate(h, window, flows)
    rng = np.random.default_rng(seed)
    L = len(h.las)
    pick = rng.random(simulations)
    donor_pick = rng.random((simulations, L))
    path = _paths(h, cal, years, population_growth=population_growth)
    out = np.repeat(path[None], simulations, axis=0)
    if not cal.pools or cal.donors is None or not len(cal.donors):  # no errors to draw: no spread, and said so
        return out
    held = np.nan_to_num(plans_held(h.groups[:, -1]))
    size = np.where(held > 0, held, 1.0)
    donor = cal.donors[(donor_pick * len(cal.donors)).astype(int)]
    for step in range(years):
        k = step + 1
        pool = cal.pools[min(k, len(cal.pools)) - 1]
        origin = (pick * len(pool.origins)).astype(int)
        err = pool.national[origin][:, None] + pool.local[donor, origin[:, None]] * size**pool.size_power
        out[:, :, step] *= np.exp(np.sqrt(k / pool.horizon) * err)
    return out


def quantiles(sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P10, P50, P90 over simulations: (3, LAs, years) for LAs, and the England sum (3, years)."""
    la = np.quantile(sims, [0.1, 0.5, 0.9], axis=0)
    england = np.quantile(sims.sum(axis=1), [0.1, 0.5, 0.9], axis=0)
    return la, england
