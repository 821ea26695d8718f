"""The all-LA model of EHC plans: a cohort component and a stock-flow component, averaged.

Pure numpy. See docs/forecast-backtest.md for the method, the backtest and the honest limits.
State: each LA's caseload by age group (the finest public LA breakdown), single years of age taken
from the LA's ONS population profile within each group. Each year:

* cohort: everyone ages one year (:func:`aged_groups`; those aged 25 leave, the age-25 limit) and
  each age group gains net joiners in proportion to the plans held, at the **national** rate over
  the last ``WINDOW`` Januaries, times the LA's excess rate shrunk by empirical Bayes (one weight
  for all LAs, estimated on post-transfer Januaries only);
* stock-flow: the caseload aged on, less England's share ceasing or moving away, plus the LA's new
  plans of the last calendar year (requests x conversion where new plans are not published);
* the P50 path is ``COMBINATION_WEIGHT`` x cohort + the rest x stock-flow (fixed, equal weights).

Uncertainty: the combined model is refitted at every earlier January from the data then published
and its one-year errors pooled (post-transfer Januaries, from ``POST_TRANSFER``, when there are any).
Each error is split into a national part (that January's mean over LAs), drawn as a drift held for
the whole path, and a local part that follows a random donor LA's own sequence of errors (a block
bootstrap), scaled to the LA's size. Nothing is tuned to an individual LA.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import AGE_GROUP_NAMES, GROUP_OF_AGE, Flows, History

N_GROUPS = len(AGE_GROUP_NAMES)
# Januaries of national rates averaged: the same two yearly changes the strongest baseline
# (linear trend over three snapshots) sees. A rule fixed before looking at the backtest's years.
WINDOW = 2
MAX_AGE = 25
# The statement-to-EHC-plan transfer had to be finished by 31 March 2018 (Children and Families Act 2014
# transitional provisions, SI 2014/2270 as amended). January 2019 is the first January whose year of change
# lies after that deadline, so forecasts made from base years 2018 on are the regime every forecast made
# today lives in. Drift, LA shrinkage and the error pool are estimated on Januaries from 2019 only; the
# cut-off is the law's date, not a search over cut-offs.
POST_TRANSFER = 2019
# The two components are averaged with fixed, equal weights, chosen before any backtest: neither has a
# post-transfer track record at the first post-transfer base year to fit weights on.
COMBINATION_WEIGHT = 0.5  # weight of the cohort component; the stock-flow component has the rest


def step_cohort(
    counts: np.ndarray, joiners: np.ndarray | None = None, leave_rate: np.ndarray | None = None
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


TOP_AGES = np.array([int(np.flatnonzero(GROUP_OF_AGE == g).max()) for g in range(N_GROUPS)])  # 4, 10, 15, 19, 25


def aged_groups(groups: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Age-group counts a year on, before any joiners or leavers.

    The same as splitting into single years, :func:`step_cohort` and summing back, done on the
    groups: each group's oldest single age moves up to the next group (out of the last at 25).
    """
    g = np.maximum(groups, 0.0)
    moving = g * profile[..., TOP_AGES]
    out = g - moving
    out[..., 1:] += moving[..., :-1]
    return out


@dataclass(frozen=True)
class Calibration:
    rates: np.ndarray  # (5,) national net joiners into each age group per plan held the January before
    multiplier: np.ndarray  # (L,) each LA's net joiner rate relative to national, shrunk (empirical Bayes)
    shrinkage: float  # weight kept on an LA's own excess rate (0: national rate for all)
    flows: np.ndarray  # (L, 5) net joiners expected in the first forecast year (rates x multiplier x plans)
    pool_years: np.ndarray  # (P,) the Januaries whose one-year-ahead errors form the pool
    national: np.ndarray  # (P,) each pool January's national error (mean log error over LAs)
    local: np.ndarray  # (donor LAs, P) local log errors per plans held ^ size_power (0 where missing)
    size_power: float  # local errors scale with plans held ^ size_power
    pool_kind: str  # "out-of-sample" or "none (too little history)"
    window: int
    cease: float = 0.0  # stock-flow: national share of aged-on plans ceasing or moving away in a year
    additions: np.ndarray | None = None  # (L,) stock-flow: new plans a year (last calendar year's), NaN: none
    add_shares: np.ndarray | None = None  # (5,) age groups the additions join (national net joiners' mix)
    pool_post_transfer: bool = False  # the pool holds post-transfer Januaries only
    national_all: np.ndarray | None = None  # every pool January's national error (spread when post-transfer is short)


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


def plans_held(groups: np.ndarray) -> np.ndarray:
    """Plans held by LA (sum of the groups published; the under-20 groups only before 2015), NaN if unknown."""
    return np.where(np.isnan(groups[..., :4]).any(axis=-1), np.nan, np.nansum(groups, axis=-1))


def _yearly_rates(h: History, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """National r[t, g] (net joiners per plan held the January before, NaN where unknown) and each LA's
    own total rate j[l, t] (NaN unless all five groups are known)."""
    held = plans_held(h.groups)
    T = len(h.years)
    r = np.full((T, N_GROUPS), np.nan)
    j = np.full((len(h.las), T), np.nan)
    for t in range(1, T):
        base = held[:, t - 1]
        for g in range(N_GROUPS):
            ok = ~np.isnan(n[:, t, g]) & ~np.isnan(base)
            if ok.any() and base[ok].sum() > 0:
                r[t, g] = n[ok, t, g].sum() / base[ok].sum()
        full = ~np.isnan(n[:, t]).any(axis=1) & (np.nan_to_num(base) > 0)
        j[full, t] = n[full, t].sum(axis=1) / base[full]
    return r, j


def _fit(
    r: np.ndarray, j: np.ndarray, upto: int, window: int, first_eb: int = 0
) -> tuple[np.ndarray, np.ndarray, float]:
    """Rates, LA multipliers and shrinkage weight from the Januaries up to index ``upto`` only; the
    shrinkage from Januaries at index ``first_eb`` on (post-transfer), none with fewer than two."""
    cols = list(range(max(1, upto - window + 1), upto + 1))
    # Januaries with every age group published (the EHC plan era) take precedence over older ones,
    # whose rates cover the under-20 groups only (statements ended at 19).
    complete = [t for t in cols if not np.isnan(r[t]).any()]
    cols = complete or cols
    known = ~np.isnan(r[cols])
    rates = np.where(known, r[cols], 0.0).sum(axis=0) / np.maximum(known.sum(axis=0), 1)  # never known: 0
    # Empirical Bayes (method of moments): an LA's excess over the national rate in the window is
    # signal plus year-to-year noise; keep the share of it that is signal, the same weight for all.
    full = [t for t in range(max(1, first_eb), upto + 1) if not np.isnan(r[t]).any() and not np.isnan(j[:, t]).all()]
    L = j.shape[0]
    if len(full) < 2:
        return rates, np.ones(L), 0.0
    dev = j[:, full] - r[full].sum(axis=1)[None]
    recent_dev = dev[:, [i for i, t in enumerate(full) if t in cols]]
    k = recent_dev.shape[1]
    if k == 0:
        return rates, np.ones(L), 0.0
    has = ~np.isnan(recent_dev).all(axis=1) & (np.sum(~np.isnan(dev), axis=1) >= 2)
    if has.sum() < 10:
        return rates, np.ones(L), 0.0
    excess = np.nanmean(recent_dev[has], axis=1)
    noise = np.nanmean(np.nanvar(dev[has], axis=1, ddof=1)) / k
    signal = max(float(np.var(excess)) - noise, 0.0)
    weight = signal / (signal + noise) if signal + noise > 0 else 0.0
    total_rate = rates.sum()
    multiplier = np.ones(L)
    if total_rate > 0:  # excess measured from the average LA, so the multipliers average 1
        multiplier[has] = np.maximum(1.0 + weight * (excess - excess.mean()) / total_rate, 0.0)
    return rates, multiplier, weight


def _step(
    state: np.ndarray, profile: np.ndarray, rates: np.ndarray, multiplier: np.ndarray, scale: float = 1.0
) -> np.ndarray:
    """One year: age the caseload on, add net joiners in proportion to the plans held."""
    held = state.sum(axis=-1, keepdims=True)
    return np.maximum(aged_groups(state, profile) + rates * (multiplier[..., None] * held) * scale, 0.0)


def _stock_flow_fit(h: History, flows: Flows | None, upto: int, window: int, first: int) -> tuple[float, np.ndarray]:
    """The stock-flow component at the January of index ``upto``, from what was published by then.

    Plans a year on = plans aged on a year (those aged 25 leave: the age structure) x (1 - cease) +
    additions. ``additions``: each LA's new plans in the last calendar year (they lead the next year's
    change in caseload); where an LA's new plans are not published, its requests for assessment in that
    year x England's conversion of requests to plans that year; NaN when neither is. ``cease``: England's
    share of aged-on plans ceasing or moving away, from the latest ``window`` yearly changes, post-transfer
    ones (index >= ``first``) preferred: 1 - (plans at t - new plans of t-1) / plans at t-1 aged on.
    """
    L = len(h.las)
    none = (0.0, np.full(L, np.nan))  # no flows: every LA takes the cohort alone
    if flows is None:
        return none
    fy = {int(y): i for i, y in enumerate(flows.years)}
    year = int(h.years[upto])

    def flow(y: int) -> tuple[np.ndarray, np.ndarray]:
        if y not in fy:
            return np.full(L, np.nan), np.full(L, np.nan)
        return flows.new_plans[:, fy[y]], flows.requests[:, fy[y]]

    complete = ~np.isnan(h.groups).any(axis=2)
    rates = []
    for t in range(max(1, upto - window + 1), upto + 1):
        new, _ = flow(int(h.years[t]) - 1)
        ok = complete[:, t] & complete[:, t - 1] & ~np.isnan(new)
        if ok.sum() < 10:
            continue
        aged = aged_groups(h.groups[ok, t - 1], h.profile[ok]).sum()
        rates.append((t, 1.0 - (h.groups[ok, t].sum() - new[ok].sum()) / aged))
    if not rates:
        return none
    post = [c for t, c in rates if t >= first]
    cease = float(np.mean(post or [c for _t, c in rates]))
    new, req = flow(year - 1)
    both = ~np.isnan(new) & ~np.isnan(req)
    conversion = new[both].sum() / req[both].sum() if both.any() and req[both].sum() > 0 else np.nan
    additions = np.where(np.isnan(new), req * conversion, new)
    return cease, additions


def _paths(
    h: History,
    cal: Calibration,
    years: int,
    state: np.ndarray | None = None,
    upto: int | None = None,
    population_growth: float = 0.0,
) -> np.ndarray:
    """The combined point path (LAs, years): COMBINATION_WEIGHT x cohort + the rest x stock-flow (the cohort
    alone for an LA without additions)."""
    state = np.nan_to_num(h.groups[:, -1] if state is None else state)
    profile = h.profile
    cohort, flow = state.copy(), state.copy()
    out = np.empty((len(state), years))
    have = ~np.isnan(cal.additions) if cal.additions is not None else np.zeros(len(state), bool)
    adds = np.nan_to_num(cal.additions) if cal.additions is not None else np.zeros(len(state))
    for step in range(years):
        scale = (1.0 + population_growth) ** (step + 1)
        cohort = _step(cohort, profile, cal.rates, cal.multiplier, scale)
        flow = np.maximum(
            aged_groups(flow, profile) * (1.0 - cal.cease) + (adds * scale)[:, None] * cal.add_shares, 0.0
        )
        c, f = cohort.sum(axis=1), flow.sum(axis=1)
        out[:, step] = np.where(have, COMBINATION_WEIGHT * c + (1.0 - COMBINATION_WEIGHT) * f, c)
    return out


def calibrate(h: History, window: int = WINDOW, flows: Flows | None = None) -> Calibration:
    """National net joiner rates, LA multipliers, the stock-flow component, and the pool of out-of-sample
    one-year errors of the combined model.

    For every January t before the base, the model is fitted on the Januaries up to t-1 only and
    its forecast of t compared with what was published (totals, every age group published in both).
    The pool keeps post-transfer Januaries (from ``POST_TRANSFER``) when there are any.
    """
    n = net_joiners(h)
    r, j = _yearly_rates(h, n)
    T = len(h.years)
    first = int(np.searchsorted(h.years, POST_TRANSFER))
    complete = ~np.isnan(h.groups).any(axis=2)
    err = np.full((len(h.las), T), np.nan)
    for t in range(2, T):  # the forecast of January t made at t-1 from data up to t-1, for every earlier t
        rates, mult, _ = _fit(r, j, t - 1, window, first)
        cease, adds = _stock_flow_fit(h, flows, t - 1, window, first)
        prev = h.groups[:, t - 1]
        if complete[:, t - 1].any() and complete[:, t].any():
            step = Calibration(
                rates,
                mult,
                0.0,
                rates,
                h.years[:0],
                np.zeros(0),
                np.zeros((0, 0)),
                0.0,
                "",
                window,
                cease,
                adds,
                _shares(rates),
            )
            pred = _paths(h, step, 1, np.where(np.isnan(prev), 0.0, prev))[:, 0]
            ok = complete[:, t - 1] & complete[:, t] & (pred > 0)
        else:  # before the 20-25 group was published: the cohort on the under-20 groups published in both
            known = ~np.isnan(n[:, t]) & ~np.isnan(h.groups[:, t])
            held = plans_held(prev)
            full = aged_groups(np.nan_to_num(prev), h.profile) + rates * (mult * np.nan_to_num(held))[:, None]
            pred = np.where(known, np.maximum(full, 0.0), 0.0).sum(axis=1)
            ok = known[:, :4].all(axis=1) & (pred > 0)
        actual = (
            np.where(complete[:, t], h.groups[:, t].sum(axis=1), 0.0)
            if complete[:, t].any()
            else np.where(~np.isnan(n[:, t]) & ~np.isnan(h.groups[:, t]), h.groups[:, t], 0.0).sum(axis=1)
        )
        ok &= actual > 0
        err[ok, t] = np.log(actual[ok] / pred[ok])
    cols = [t for t in range(T) if not np.isnan(err[:, t]).all()]
    every = np.nanmean(err[:, cols], axis=0) if cols else np.zeros(0)  # every January's national error
    post = [t for t in cols if t >= first]
    cols, post_only = (post, True) if post else (cols, False)
    if not post_only:  # no post-transfer error yet: the transfer years give the spread, never the bias
        err[:, cols] -= np.nanmean(err[:, cols], axis=0)
    rows = err[:, cols]
    held_before = plans_held(h.groups)[:, [t - 1 for t in cols]]
    keep = ~np.isnan(rows).all(axis=1)
    rows, held_before = rows[keep], held_before[keep]
    if not cols or not keep.any():  # too little history: no spread at all, and said so
        kind, national, local, size_power = "none (too little history)", np.zeros(1), np.zeros((1, 1)), 0.0
    else:
        kind = "out-of-sample"
        national = np.nanmean(rows, axis=0)
        local = rows - national
        if not post_only:  # centred above: no national error to carry, the spread comes from national_all
            national = np.zeros(0)
        # Smaller LAs have proportionally larger local errors: |local| ~ plans held ^ size_power, one
        # power for all LAs fitted on the pool (log-log least squares). Local errors are stored per
        # plans held ^ size_power and rescaled to each LA's size when simulated.
        fit = ~np.isnan(local) & (np.abs(np.nan_to_num(local)) > 1e-9) & (np.nan_to_num(held_before) > 0)
        size_power = (
            float(np.polyfit(np.log(held_before[fit]), np.log(np.abs(local[fit])), 1)[0]) if fit.sum() > 20 else 0.0
        )
        denom = np.where(np.nan_to_num(held_before) > 0, held_before, 1.0) ** size_power
        local = np.where(np.isnan(local), 0.0, local) / denom  # an LA's missing January: national error only
    rates, mult, weight = _fit(r, j, T - 1, window, first)
    cease, adds = _stock_flow_fit(h, flows, T - 1, window, first)
    held = np.nan_to_num(plans_held(h.groups[:, -1]))
    return Calibration(
        rates=rates,
        multiplier=mult,
        shrinkage=weight,
        flows=rates * (mult * held)[:, None],
        pool_years=h.years[cols],
        national=national,
        local=local,
        size_power=size_power,
        pool_kind=kind,
        window=window,
        cease=cease,
        additions=adds,
        add_shares=_shares(rates),
        pool_post_transfer=post_only,
        national_all=every,
    )


def _shares(rates: np.ndarray) -> np.ndarray:
    """Where additions join: the age groups' shares of the national net joiners (negative ones as 0)."""
    pos = np.maximum(np.nan_to_num(rates), 0.0)
    return pos / pos.sum() if pos.sum() > 0 else np.full(N_GROUPS, 1.0 / N_GROUPS)


def point_forecast(
    h: History, years: int, calibration: Calibration | None = None, population_growth: float = 0.0
) -> np.ndarray:
    """The model's path without shocks: total EHC plans (LAs, years)."""
    cal = calibration or calibrate(h)
    return _paths(h, cal, years, population_growth=population_growth)


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

    ``population_growth``: the user's assumption of yearly growth in the 0-25 population relative
    to the calibration years; joiners and additions scale with ``(1 + population_growth) ** k`` in year k.
    Each run is the point path times the running product of its yearly errors: a national drift held
    for the path and a donor LA's own sequence of local errors (so errors persist, as they did).
    """
    cal = calibration or calibrate(h, window, flows)
    rng = np.random.default_rng(seed)
    L = len(h.las)
    P = cal.local.shape[1]
    held = np.nan_to_num(plans_held(h.groups[:, -1]))
    la_scale = np.where(held > 0, held, 1.0) ** cal.size_power
    start = rng.integers(P, size=simulations)
    donor = rng.integers(cal.local.shape[0], size=(simulations, L))
    drift = national_drift(cal.national, simulations, rng, spread_from=cal.national_all)
    path = _paths(h, cal, years, population_growth=population_growth)
    out = np.empty((simulations, L, years))
    total = np.zeros((simulations, L))
    for step in range(years):
        total += drift[:, None] + cal.local[donor, ((start + step) % P)[:, None]] * la_scale
        out[:, :, step] = path[None, :, step] * np.exp(total)
    return out


def national_drift(
    national: np.ndarray, simulations: int, rng: np.random.Generator, spread_from: np.ndarray | None = None
) -> np.ndarray:
    """One yearly national log error per simulation, held for its whole path.

    The predictive distribution of a new draw given the pool's P national errors (mean m, standard
    deviation s): m + s * sqrt(1 + 1/P) * t(P - 1). With few pool Januaries the Student t widens
    the band, as it should. With fewer than three (the first post-transfer base years), the mean is still
    theirs but the spread comes from ``spread_from`` (every January's national error, transfer years
    included: the only evidence of spread there is); without it the pool values are resampled.
    """
    P = len(national)
    if P >= 3:
        spread = national.std(ddof=1) * np.sqrt(1.0 + 1.0 / P)
        return national.mean() + spread * rng.standard_t(P - 1, size=simulations)
    if spread_from is not None and len(spread_from) >= 3:
        Q = len(spread_from)
        spread = spread_from.std(ddof=1) * np.sqrt(1.0 + 1.0 / Q)
        return (national.mean() if P else 0.0) + spread * rng.standard_t(Q - 1, size=simulations)
    return national[rng.integers(P, size=simulations)]


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
    slope = (y * x).sum(axis=1) / (x**2).sum() if n > 1 else np.zeros(len(y))
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
