"""Cohort model of EHC plans by single year of age (0-25), calibrated from public aggregates.

Pure numpy. See docs/forecast-backtest.md for the method, the backtest and the honest limits.
Per LA and per year:

1. the caseload by age group (the finest public LA breakdown) is split into single years of age
   by the LA's own population profile within each group (ONS mid-2023);
2. everyone ages one year (:func:`step_cohort`); those aged 25 leave (the age-25 limit);
3. each age group then gains the LA's net joiners (new plans minus plans ceasing or moving away,
   net of moves between groups beyond ageing): the LA's own mean over the last ``WINDOW``
   Januaries up to the base year, as published minus as aged on;
4. net joiners scale with the user's population growth assumption.

Uncertainty: each simulation multiplies each LA's caseload by a log shock every year,
bootstrapped from the pooled out-of-sample one-year-ahead errors the same model made for every
LA in earlier Januaries (the under-20 groups go back to 2010). A pool January is drawn for all
LAs together (shared national shocks), then an LA's error from it; shocks persist year to year
(AR(1), ``PERSISTENCE``). Nothing is tuned to an individual LA.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import AGE_GROUP_NAMES, GROUP_OF_AGE, History

N_GROUPS = len(AGE_GROUP_NAMES)
WINDOW = 4  # Januaries of history averaged for the net joiners (chosen on the backtest)
PERSISTENCE: float | None = 0.6  # yearly persistence of shocks (chosen on the backtest; None: estimate)
MAX_AGE = 25


def step_cohort(counts: np.ndarray, joiners: np.ndarray | None = None, leave_rate: np.ndarray | None = None
                ) -> np.ndarray:
    """One year of the single-year cohort: leavers go, everyone ages a year, joiners arrive.

    ``counts`` (..., 26) by age 0-25 at January; ``leave_rate`` (broadcastable, in [0, 1]) the
    share of each age that ceases or moves away during the year; ``joiners`` (..., 26) new plans
    by age at the next January. Those aged 25 age out. Counts never go negative.
    """
    counts = np.maximum(np.asarray(counts, dtype=float), 0.0)
    stay = counts if leave_rate is None else counts * (1.0 - np.clip(leave_rate, 0.0, 1.0))
    out = np.zeros_like(stay)
    out[..., 1:] = stay[..., :-1]
    if joiners is not None:
        out = out + np.maximum(joiners, 0.0)
    return out


def to_single_years(groups: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Age-group counts (..., 5) split into single years (..., 26) by the within-group profile."""
    return groups[..., GROUP_OF_AGE] * profile


def group_sums(single: np.ndarray) -> np.ndarray:
    out = np.zeros(single.shape[:-1] + (N_GROUPS,))
    for g in range(N_GROUPS):
        out[..., g] = single[..., GROUP_OF_AGE == g].sum(axis=-1)
    return out


def aged_groups(groups: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Age-group counts a year on, before any joiners or leavers."""
    return group_sums(step_cohort(to_single_years(groups, profile)))


@dataclass(frozen=True)
class Calibration:
    flows: np.ndarray        # (L, 5) net joiners per year into each age group (joining minus leaving)
    pool: list[np.ndarray]   # per pool January, every LA's log error of the one-year-ahead forecast
    persistence: float       # yearly persistence of shocks
    pool_kind: str           # "out-of-sample" or "none (too little history)"
    window: int


def net_joiners(h: History) -> np.ndarray:
    """n[l, t, g]: net joiners into age group g by January years[t]: published minus aged-on count.

    NaN where either January is unpublished (the 20-25 group before 2015; an LA that did not exist).
    """
    n = np.full(h.groups.shape, np.nan)
    for t in range(1, len(h.years)):
        prev = h.groups[:, t - 1]
        n[:, t] = h.groups[:, t] - aged_groups(np.nan_to_num(prev), h.profile)
        unknown = np.isnan(prev)
        unknown[:, 1:] |= unknown[:, :-1]  # a group's inflow comes from the group below
        n[:, t][unknown] = np.nan
    return n


def _mean_flows(n: np.ndarray, upto: int, window: int) -> np.ndarray:
    cols = list(range(max(1, upto - window + 1), upto + 1))
    if not cols:
        return np.zeros((n.shape[0], n.shape[2]))
    known = ~np.isnan(n[:, cols])
    total = np.where(known, n[:, cols], 0.0).sum(axis=1)
    return np.where(known.any(axis=1), total / np.maximum(known.sum(axis=1), 1), 0.0)


def calibrate(h: History, window: int = WINDOW) -> Calibration:
    """Net joiners per LA and age group, and the pool of out-of-sample one-year errors."""
    n = net_joiners(h)
    T = len(h.years)
    pool, err = [], np.full((len(h.las), T), np.nan)
    for t in range(1 + window, T):  # the forecast of January t made at t-1, for every earlier t
        f = _mean_flows(n, t - 1, window)
        prev = h.groups[:, t - 1]
        known = ~np.isnan(n[:, t]) & ~np.isnan(h.groups[:, t])  # groups published in both Januaries
        pred = np.where(known, aged_groups(np.nan_to_num(prev), h.profile) + f, 0.0).sum(axis=1)
        actual = np.where(known, h.groups[:, t], 0.0).sum(axis=1)
        ok = known[:, :4].all(axis=1) & (actual > 0) & (pred > 0)
        err[ok, t] = np.log(actual[ok] / pred[ok])
        if ok.any():
            pool.append(err[ok, t])
    kind = "out-of-sample"
    if not pool:
        kind, pool = "none (too little history)", [np.zeros(1)]
    persistence = PERSISTENCE
    if persistence is None:
        a, b = err[:, 1:], err[:, :-1]
        both = ~np.isnan(a) & ~np.isnan(b)
        persistence = float(np.clip(np.corrcoef(a[both], b[both])[0, 1], 0.0, 0.95)) if both.sum() > 20 else 0.0
    return Calibration(flows=_mean_flows(n, T - 1, window), pool=pool, persistence=persistence, pool_kind=kind,
                       window=window)


def simulate(h: History, years: int, simulations: int = 1000, seed: int = 0, population_growth: float = 0.0,
             calibration: Calibration | None = None, window: int = WINDOW) -> np.ndarray:
    """Simulated total EHC plans, shape (simulations, LAs, years) for Januaries base+1 .. base+years.

    ``population_growth``: the user's assumption of yearly growth in the 0-25 population relative
    to the calibration years; net joiners scale with ``(1 + population_growth) ** k`` in year k.
    """
    cal = calibration or calibrate(h, window)
    rng = np.random.default_rng(seed)
    L = len(h.las)
    state = np.broadcast_to(np.nan_to_num(h.groups[:, -1]), (simulations, L, N_GROUPS)).copy()
    lengths = np.array([len(p) for p in cal.pool])
    padded = np.zeros((len(cal.pool), lengths.max()))
    for i, p in enumerate(cal.pool):
        padded[i, :len(p)] = p
    phi = cal.persistence
    shock = np.zeros((simulations, L))
    out = np.empty((simulations, L, years))
    profile = h.profile[None]
    for step in range(years):
        # One pool January for all LAs in a simulation-year (shared national shocks), then an LA's error.
        year_pick = rng.integers(len(cal.pool), size=simulations)
        la_pick = (rng.random((simulations, L)) * lengths[year_pick][:, None]).astype(np.int64)
        draw = padded[year_pick[:, None], la_pick]
        shock = phi * shock + np.sqrt(1.0 - phi ** 2) * draw if step else draw
        joiners = cal.flows * (1.0 + population_growth) ** (step + 1)
        state = np.maximum(aged_groups(state, profile) + joiners, 0.0) * np.exp(shock)[..., None]
        out[:, :, step] = state.sum(axis=2)
    return out


def quantiles(sims: np.ndarray) -> np.ndarray:
    """P10, P50, P90 over simulations: (3, LAs, years) for LAs, and the England sum (3, years)."""
    la = np.quantile(sims, [0.1, 0.5, 0.9], axis=0)
    england = np.quantile(sims.sum(axis=1), [0.1, 0.5, 0.9], axis=0)
    return la, england


# --------------------------------------------------------------------------------------------
# Baselines (on each LA's totals, snapshots from January 2015 up to the base year)
# --------------------------------------------------------------------------------------------


def baseline_last(totals: np.ndarray, years: int) -> np.ndarray:
    return np.repeat(totals[:, -1:], years, axis=1)


def baseline_linear(totals: np.ndarray, years: int) -> np.ndarray:
    """OLS line through the last three snapshots (fewer where fewer exist), extrapolated."""
    y = totals[:, -3:]
    n = y.shape[1]
    x = np.arange(n) - (n - 1) / 2
    slope = (y * x).sum(axis=1) / (x ** 2).sum() if n > 1 else np.zeros(len(y))
    level = y.mean(axis=1) + slope * (n - 1) / 2
    return level[:, None] + slope[:, None] * np.arange(1, years + 1)[None]


def baseline_damped(totals: np.ndarray, years: int) -> np.ndarray:
    """Holt's damped-trend exponential smoothing, parameters chosen per series by one-step SSE on a grid."""
    y = totals
    L, T = y.shape
    if T < 2:
        return baseline_last(y, years)
    best_sse = np.full(L, np.inf)
    best = np.zeros((L, years))
    for alpha in (0.2, 0.4, 0.6, 0.8, 1.0):
        for beta in (0.05, 0.1, 0.2, 0.4):
            for phi in (0.8, 0.9, 0.98):
                level, trend = y[:, 0].copy(), y[:, 1] - y[:, 0]
                sse = np.zeros(L)
                for t in range(1, T):
                    fc = level + phi * trend
                    sse += (y[:, t] - fc) ** 2
                    new_level = alpha * y[:, t] + (1 - alpha) * fc
                    trend = beta * (new_level - level) + (1 - beta) * phi * trend
                    level = new_level
                damp = np.cumsum(phi ** np.arange(1, years + 1))
                fc = level[:, None] + trend[:, None] * damp[None]
                better = sse < best_sse
                best_sse = np.where(better, sse, best_sse)
                best[better] = fc[better]
    return best
