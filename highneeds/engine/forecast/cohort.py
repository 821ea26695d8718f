"""The all-LA model of EHC plans: a cohort component and a stock-flow component, averaged.

Pure numpy. See docs/forecast-backtest.md for the method, the backtest and the honest limits.
State: each LA's caseload by age group (the finest public LA breakdown), single years of age taken
from the LA's ONS population profile within each group. Each year:

* cohort: everyone ages one year (:func:`aged_groups`; those aged 25 leave, the age-25 limit) and
  each age group gains net joiners in proportion to the plans held, at the **national** rate over
  the last ``WINDOW`` Januaries, times the LA's excess rate shrunk by empirical Bayes (one weight
  for all LAs, estimated on post-transfer Januaries only);
* stock-flow: the caseload aged on, less England's share ceasing or moving away in each age group, plus
  the LA's new plans of the last calendar year (requests x conversion where new plans are not published),
  joining the age groups in the LA's own age mix of new plans;
* the P50 path is ``COMBINATION_WEIGHT`` x cohort + the rest x stock-flow (fixed, equal weights).

The bands around this point path are in :mod:`.uncertainty`; the backtest's baselines in :mod:`.baselines`.
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
    window: int
    cease: np.ndarray | float = 0.0  # stock-flow: England's share of aged-on plans ceasing or moving away, by group
    additions: np.ndarray | None = None  # (L,) stock-flow: new plans a year (last calendar year's), NaN: none
    add_shares: np.ndarray | None = None  # (L, 5) or (5,): the age groups the additions join
    pools: tuple = ()  # uncertainty.ErrorPool per horizon 1..K (empty: no spread)
    donors: np.ndarray | None = None  # LAs whose local errors are drawn (complete in every pool)


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


def half_aged(groups: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Counts by age group made half a year older (new plans are made through the calendar year, the
    caseload is counted in January): the mean of the groups as they are and a year on."""
    return 0.5 * (groups + aged_groups(groups, profile))


def _shares(rates: np.ndarray) -> np.ndarray:
    """Where additions join without an age breakdown: the national net joiners' mix (negative ones as 0)."""
    pos = np.maximum(np.nan_to_num(rates), 0.0)
    return pos / pos.sum() if pos.sum() > 0 else np.full(N_GROUPS, 1.0 / N_GROUPS)


def _stock_flow_fit(
    h: History, flows: Flows | None, upto: int, window: int, first: int, rates: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stock-flow component at the January of index ``upto``, from what was published by then.

    Plans a year on = plans aged on a year (those aged 25 leave: the age structure) x (1 - cease by age
    group) + additions, joining the age groups in ``shares``. ``additions``: each LA's new plans in the last
    calendar year; where not published, its requests x England's conversion that year; NaN when neither is.
    ``shares`` (L, 5): the LA's own new plans by age that year, half-aged; England's where the LA's are not
    published; the national net joiners' mix without any age file. ``cease`` (5,): England's share of the
    plans aged into each group that cease or move away, 1 - (plans at t - new plans joining, half-aged) /
    plans aged on from t-1, over the latest ``window`` yearly changes, post-transfer ones (index >= ``first``)
    preferred; one rate for all groups (from totals) without any age file.
    """
    L = len(h.las)
    fallback = np.broadcast_to(_shares(rates), (L, N_GROUPS))
    none = (np.zeros(N_GROUPS), np.full(L, np.nan), fallback)  # no flows: every LA takes the cohort alone
    if flows is None:
        return none
    fy = {int(y): i for i, y in enumerate(flows.years)}
    year = int(h.years[upto])

    def flow(y: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if y not in fy:
            return np.full(L, np.nan), np.full(L, np.nan), np.full((L, N_GROUPS), np.nan)
        by_age = flows.new_by_group[:, fy[y]] if flows.new_by_group is not None else np.full((L, N_GROUPS), np.nan)
        return flows.new_plans[:, fy[y]], flows.requests[:, fy[y]], half_aged(by_age, h.profile)

    complete = ~np.isnan(h.groups).any(axis=2)
    totals, by_group = [], []
    for t in range(max(1, upto - window + 1), upto + 1):
        new, _, joined = flow(int(h.years[t]) - 1)
        ok = complete[:, t] & complete[:, t - 1] & ~np.isnan(new)
        if ok.sum() < 10:
            continue
        aged = aged_groups(h.groups[ok, t - 1], h.profile[ok]).sum()
        totals.append((t, 1.0 - (h.groups[ok, t].sum() - new[ok].sum()) / aged))
        ok &= ~np.isnan(joined).any(axis=1)
        if ok.sum() >= 10:
            aged_g = aged_groups(h.groups[ok, t - 1], h.profile[ok]).sum(axis=0)
            by_group.append((t, 1.0 - (h.groups[ok, t].sum(axis=0) - joined[ok].sum(axis=0)) / aged_g))
    if not totals:
        return none
    rates_t = by_group or [(t, np.full(N_GROUPS, c)) for t, c in totals]
    post = [c for t, c in rates_t if t >= first]
    cease = np.minimum(np.mean(post or [c for _t, c in rates_t], axis=0), 1.0)  # never more than all of them
    new, req, joined = flow(year - 1)
    both = ~np.isnan(new) & ~np.isnan(req)
    conversion = new[both].sum() / req[both].sum() if both.any() and req[both].sum() > 0 else np.nan
    additions = np.where(np.isnan(new), req * conversion, new)
    own = ~np.isnan(joined).any(axis=1) & (np.nan_to_num(joined).sum(axis=1) > 0)
    if own.any():
        england = joined[own].sum(axis=0) / joined[own].sum()
        shares = np.where(
            own[:, None], np.nan_to_num(joined) / np.where(own, joined.sum(axis=1), 1.0)[:, None], england
        )
    else:
        shares = fallback
    return cease, additions, shares


def _paths(
    h: History,
    cal: Calibration,
    years: int,
    state: np.ndarray | None = None,
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


def rates_by_year(h: History) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Net joiners n[l, t, g], national rates r[t, g] and each LA's own total rate j[l, t] (see above)."""
    n = net_joiners(h)
    r, j = _yearly_rates(h, n)
    return n, r, j


def fit_at(
    h: History, upto: int, window: int = WINDOW, flows: Flows | None = None, rj: tuple | None = None
) -> Calibration:
    """The point model fitted on the Januaries up to index ``upto`` only (and the flows published by then)."""
    _n, r, j = rj or rates_by_year(h)
    first = int(np.searchsorted(h.years, POST_TRANSFER))
    rates, mult, weight = _fit(r, j, upto, window, first)
    cease, adds, shares = _stock_flow_fit(h, flows, upto, window, first, rates)
    held = np.nan_to_num(plans_held(h.groups[:, upto]))
    return Calibration(rates, mult, weight, rates * (mult * held)[:, None], window, cease, adds, shares)


def point_forecast(
    h: History, years: int, calibration: Calibration | None = None, population_growth: float = 0.0
) -> np.ndarray:
    """The model's path without shocks: total EHC plans (LAs, years)."""
    cal = calibration or fit_at(h, len(h.years) - 1)
    return _paths(h, cal, years, population_growth=population_growth)
