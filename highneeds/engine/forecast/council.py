"""One council's EHC plan, high needs spend and DSG forecast, with safety-valve scenarios.

Pure numpy (no Django). Method, sources and limits: docs/forecast.md. API (contract for the planning app)::

    from highneeds.engine.forecast import council as fc

    base = fc.calibrate_public(data_dir, "384", 2022)        # or "E08000036"; any of the 153 LAs
    base = fc.calibrate_casework(snapshot, population_by_age, 2022, "384", "Wakefield", unit_costs=None,
                                 public=None)                # the council's own counts (CaseworkSnapshot)
    levers = fc.Levers(fewer_requests=fc.Ramp(0.1, 2024, 2),
                       new_places=[fc.NewPlaces(40, "ASD", "secondary", 30_000, 2024)],
                       allocation_growth=0.03)
    proj = fc.project(base, levers, years=10, simulations=500, seed=0)   # fc.Levers() = baseline
    proj.years              # [2023, ..., 2032]: January of each model year
    proj.financial_years    # ["2022-23", ...]: the money of model year Y is April Y-1 to March Y
    proj.plans              # (3, n_years) P10/P50/P90; plans_by_setting (3, n, 7), plans_by_need (3, n, 13)
    proj.new_plans, proj.leavers, proj.requests, proj.spend, proj.allocation, proj.in_year, proj.cumulative,
    proj.leavers_by_reason (3, n, 3: age_limit, ceased_or_moved, step_down), proj.diverted (in new places)
    proj.as_rows()          # long rows: year, financial_year, measure, breakdown, p10, p50, p90
    fc.cost_avoided(baseline_proj, scenario_proj)        # P50 of the paired spend difference, by year
    fc.goal_seek(base, levers, "new_places", target_year=2028, lo=0, hi=300)  # -> GoalSeek(value, reached, projection)

Dimensions: ages 0-25 (:data:`AGES`), :data:`NEEDS` (SEN2 primary need), :data:`SETTINGS`. The state
is plans at January by age x need x setting, per simulation. Each model year: plans leave (net
leaving rate by age: ceasing, moving away, net of moving in; plus any extra step-down at annual
review), the rest age a year (those aged 25 leave: the age-25 limit), move between settings by a
transition matrix for the age they reach (estimated from the age-by-setting cross-section, so most
moves happen at 4/5, 10/11, 15/16 and 18/19), and new plans join: population x new plans per head
(trended) x (1 - fewer_requests) x (1 - lower_conversion), spread over need and setting.

Simulations (common random numbers: the same seed gives the same draws whatever the levers) carry
Poisson noise on joiners, yearly noise on leaving, and parameter uncertainty on the joiner level,
its trend, the leaving rates and unit costs. Every figure is reported as P10, P50, P90.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import polars as pl

from highneeds.engine import publicdata as pd_

from . import costs as costs_
from .costs import SettingUnitCosts, UnitCosts, cost_array
from .data import GROUP_OF_AGE
from .inputs import (
    AGE_SETTING_PRIOR,
    AGES,
    ESTABLISHMENT_SETTING,
    JOINER_AGE_WEIGHT,
    MAX_AGE,
    N_AGES,
    NEEDS,
    SETTING_LABELS,
    SETTINGS,
    N,
    S,
    fy_label,
    load_public,
    need_for,
    setting_for,
)
from .levers import FILL_YEARS, PHASE_AGES, Levers, NewPlaces, Ramp

__all__ = [
    "AGES",
    "LEAVE_REASONS",
    "CaseworkSnapshot",
    "CouncilBase",
    "ESTABLISHMENT_SETTING",
    "FILL_YEARS",
    "GoalSeek",
    "Levers",
    "NEEDS",
    "NewPlaces",
    "PHASE_AGES",
    "Projection",
    "Ramp",
    "SETTINGS",
    "SETTING_LABELS",
    "SettingUnitCosts",
    "UnitCosts",
    "calibrate_casework",
    "calibrate_public",
    "cost_avoided",
    "goal_seek",
    "need_for",
    "project",
    "setting_for",
]

N_GROUPS = 5
TREND_DAMPING = 0.8  # the joiner trend fades by this factor each year ahead
TREND_LIMITS = (-0.05, 0.15)  # yearly growth of new plans per head allowed for the trend
TREND_SHRINK = 0.5  # weight of the LA's own trend against England's
QUANTILES = (0.1, 0.5, 0.9)
# Share of new plans in a setting relative to its share of all plans (England: new plans in calendar
# 2021 over plans at January 2022, newplans.csv / caseload.csv), used to place a council's joiners
# when its casework snapshot has no setting for new plans.
NEW_PLAN_SETTING_ODDS = np.array([2.04, 0.79, 0.39, 0.51, 0.19, 2.13, 0.61])
DEFAULT_UNCERTAINTY = {
    "joiners": 0.10,
    "level": 0.06,
    "trend": 0.04,
    "leavers": 0.25,
    "leavers_year": 0.10,
    "stock": 0.04,
    "costs": 0.03,
}


# --------------------------------------------------------------------------------------------
# Calibrated council
# --------------------------------------------------------------------------------------------


@dataclass
class CouncilBase:
    """One LA calibrated at January ``base_year``; every array is indexed (age, need, setting)."""

    la_code: str
    la_name: str
    base_year: int
    counts: np.ndarray  # (26, needs, settings) plans at January base_year
    population: np.ndarray  # (26,) 0-25 population by single year of age (ONS mid-2023 for public)
    joiner_rate: np.ndarray  # (26,) new plans a year per head of population, by age, at the base year
    joiner_mix: np.ndarray  # (26, needs, settings) where joiners of each age go (sums to 1 per age)
    leave_rate: np.ndarray  # (26,) net share of plans at each age leaving during a year (age 25: all)
    transitions: np.ndarray  # (26, settings, settings) moves of those reaching each age (rows sum to 1)
    conversion: float  # share of requests for assessment that become plans
    trend: float  # yearly growth of new plans per head at the base year (damped ahead)
    unit_costs: UnitCosts  # £ a year per plan
    hnb_allocation: float  # £, high needs block after deductions, financial year base_year-1 to base_year
    opening_balance: float  # £, cumulative DSG balance at 31 March base_year (negative: deficit)
    source: str  # "public" | "casework"
    central_spend: float = 0.0  # £ a year of high needs spend not tied to plans (support services, AP, ...)
    next_allocation: float | None = None  # £, financial year base_year to base_year+1 when already published
    new_la_code: str = ""
    uncertainty: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_UNCERTAINTY))
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    history: dict[int, float] = field(default_factory=dict)  # actual plans at past Januaries (and the base)

    @property
    def total(self) -> float:
        return float(self.counts.sum())

    def by_setting(self) -> np.ndarray:
        return self.counts.sum(axis=(0, 1))

    def by_need(self) -> np.ndarray:
        return self.counts.sum(axis=(0, 2))

    def by_age(self) -> np.ndarray:
        return self.counts.sum(axis=(1, 2))

    def allocation_in(self, year: int, growth: float) -> float:
        """The high needs block (£) of model year ``year`` under a yearly growth assumption."""
        if self.next_allocation is not None and year >= self.base_year + 1:
            return self.next_allocation * (1.0 + growth) ** (year - self.base_year - 1)
        return self.hnb_allocation * (1.0 + growth) ** (year - self.base_year)


@dataclass
class CaseworkSnapshot:
    """Plain numbers the planning app counts from its database (no Django objects).

    ``counts``: plans in force at January ``base_year`` by age (0-25) x :data:`NEEDS` x :data:`SETTINGS`
    (use :func:`need_for` / :func:`setting_for` to map codes). ``new_plans``: calendar year -> new
    plans by age x need (age when the plan was first issued). ``ceased``: calendar year -> plans
    ceased by age (any reason, including moving away and the age-25 limit). ``requests`` and
    ``conversions``: calendar year -> requests for assessment received, and how many of them led to a
    plan. Optional ``new_plan_settings``: calendar year -> new plans by age x setting (the setting named
    when the plan was first issued); without it joiners are placed by the caseload's mix at their age
    weighted by England's new-plan mix. Give the last two to four complete calendar years.
    """

    counts: np.ndarray
    new_plans: dict[int, np.ndarray] = field(default_factory=dict)
    ceased: dict[int, np.ndarray] = field(default_factory=dict)
    requests: dict[int, float] = field(default_factory=dict)
    conversions: dict[int, float] = field(default_factory=dict)
    new_plan_settings: dict[int, np.ndarray] = field(default_factory=dict)
    history: dict[int, float] = field(default_factory=dict)  # plans in force at earlier Januaries (for charts)


# --------------------------------------------------------------------------------------------
# Calibration helpers
# --------------------------------------------------------------------------------------------


def _ipf(prior: np.ndarray, rows: np.ndarray, cols: np.ndarray, iterations: int = 60) -> np.ndarray:
    """A table close to ``prior`` with row sums ``rows`` exactly and column sums ``cols`` as near as feasible."""
    rows = np.maximum(rows, 0.0)
    cols = np.maximum(cols, 0.0)
    if cols.sum() > 0:
        cols = cols * rows.sum() / cols.sum()
    table = prior * 1.0
    for _ in range(iterations):
        c = table.sum(axis=0)
        table *= np.divide(cols, c, out=np.zeros_like(c), where=c > 0)[None, :]
        r = table.sum(axis=1)
        table *= np.divide(rows, r, out=np.zeros_like(r), where=r > 0)[:, None]
    # Rows the columns emptied (no feasible setting left): back to the prior's shape.
    empty = (table.sum(axis=1) <= 0) & (rows > 0)
    if empty.any():
        table[empty] = prior[empty] / prior[empty].sum(axis=1, keepdims=True) * rows[empty, None]
    return table


def _transport(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """(S, S) least-movement transfer turning setting shares ``p`` into ``q``: those in a setting that
    shrinks move to the settings that grow, in proportion to the growth."""
    n_set = len(p)
    m = np.eye(n_set)
    if p.sum() <= 0 or q.sum() <= 0:
        return m
    p, q = p / p.sum(), q / q.sum()
    stay = np.minimum(p, q)
    excess, room = p - stay, q - stay
    if room.sum() <= 1e-12:
        return m
    held = p > 0
    m[held] = 0.0
    m[held, np.flatnonzero(held)] = stay[held] / p[held]
    m[held] += (excess[held] / p[held])[:, None] * (room / room.sum())[None, :]
    return m


def _transitions(stock: np.ndarray, leave_rate: np.ndarray, joiners: np.ndarray) -> np.ndarray:
    """(26, S, S) setting moves of those reaching each age, chosen so that the base January's mix of
    settings at every age is kept when the cohort ages, leaves and gains its joiners (a steady state).

    ``stock`` (26, S) plans by age and setting; ``leave_rate`` (26,); ``joiners`` (26, S) a year.
    Most movement lands where the mix changes with age: 4/5, 10/11, 15/16, 18/19.
    """
    n_set = stock.shape[1]
    out = np.broadcast_to(np.eye(n_set), (N_AGES, n_set, n_set)).copy()
    for a in range(1, N_AGES):
        survivors = stock[a - 1] * max(1.0 - leave_rate[a - 1], 0.0)
        if survivors.sum() <= 0 or stock[a].sum() <= 0:
            continue
        arriving = survivors.sum() + joiners[a].sum()
        target = np.maximum(stock[a] / stock[a].sum() * arriving - joiners[a], 0.0)
        out[a] = _transport(survivors, target)
    return out


def _shares(table: np.ndarray) -> np.ndarray:
    total = table.sum(axis=-1, keepdims=True)
    return np.divide(table, total, out=np.zeros_like(table, dtype=float), where=total > 0)


def _log_trend(values: dict[int, float], last: int) -> tuple[float, float, float]:
    """(slope, level at ``last``, residual sd) of log values over the last four years up to ``last``."""
    years = [y for y in sorted(values) if last - 3 <= y <= last and values[y] > 0]
    if not years:
        return 0.0, 0.0, DEFAULT_UNCERTAINTY["joiners"]
    y = np.log([values[v] for v in years])
    x = np.array(years, dtype=float) - last
    if len(years) < 2:
        return 0.0, float(np.exp(y[-1])), DEFAULT_UNCERTAINTY["joiners"]
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (intercept + slope * x)
    sd = float(np.sqrt((resid**2).sum() / max(len(years) - 2, 1))) if len(years) > 2 else abs(float(resid[0]))
    return float(slope), float(np.exp(intercept)), sd


def _need_mix_public(data_dir: Path | str, code: str, base_year: int) -> tuple[np.ndarray, str]:
    mix = pd_.need_mix(data_dir, f"{base_year - 1}{base_year % 100:02d}")
    mix = mix.filter(pl.col("status") == "E")
    own = mix.filter(pl.col("old_la_code") == code)
    frame = own if own.height else mix.filter(pl.col("old_la_code").is_null())
    out = np.zeros(len(NEEDS))
    for need, pct in frame.select("need", "pct").iter_rows():
        if need in N and pct:
            out[N[need]] += pct
    source = frame["source"][0] if frame.height else "none"
    return out / out.sum(), source


def calibrate_public(data_dir: Path | str, la_code: str, base_year: int) -> CouncilBase:
    """Calibrate one LA from the public data in ``data_dir`` (laid out as ../shared/data).

    ``la_code``: 3-digit old LA number or 9-character ONS code. Uses caseload up to January
    ``base_year`` and calendar-year activity up to ``base_year - 1`` only.
    """
    p = load_public(data_dir, la_code, base_year)
    notes = list(p.notes)
    sources: dict[str, str] = {}

    # Plans at January by age x setting (fitted to both published margins), x need (national mix).
    joint = _ipf(AGE_SETTING_PRIOR, p.age_counts, p.settings_now)
    need_mix, need_source = _need_mix_public(data_dir, p.la_code, base_year)
    if "fallback" in need_source:
        notes.append(
            "primary need: no LA need mix in the data, England's approximate mix used for every age and setting"
        )
    sources["need mix"] = need_source
    sources["age x setting"] = (
        "caseload by age group (split by ONS population) x caseload by setting, fitted "
        "from a national age-by-setting prior (docs/forecast.md)"
    )
    counts = joint[:, None, :] * need_mix[None, :, None]

    # New plans per head of population by single year of age, from the last three calendar years.
    last = base_year - 1
    recent = [y for y in sorted(p.new_plans_by_group) if last - 2 <= y <= last]
    if not recent:
        raise pd_.PublicDataError(f"LA {p.la_code}: no new plans by age published for {last - 2}-{last}")
    mean_groups = np.mean([p.new_plans_by_group[y] for y in recent], axis=0)
    slope_la, _level, sd = _log_trend(p.new_plans_total, last)
    slope_eng, _, _ = _log_trend({y: float(v.sum()) for y, v in p.england_new_plans_by_group.items()}, last)
    trend = float(np.clip(TREND_SHRINK * slope_la + (1 - TREND_SHRINK) * slope_eng, *TREND_LIMITS))
    # The three-year mean stands for the middle year; bring it to the last year on the trend.
    mean_groups = mean_groups * np.exp(trend * (last - np.mean(recent)))
    joiners = _single_joiners(mean_groups, p.population)
    joiner_rate = np.divide(joiners, p.population, out=np.zeros(N_AGES), where=p.population > 0)
    joiner_joint = _ipf(AGE_SETTING_PRIOR, joiners, p.new_plan_settings)
    joiner_mix = _shares(joiner_joint)[:, None, :] * need_mix[None, :, None]
    joiner_mix[joiners <= 0] = counts.sum(axis=0) / max(counts.sum(), 1.0)

    # Net leaving rate by age: published caseload a year on versus the aged-on caseload plus new plans.
    leave_rate, sources["leaving"] = _public_leave_rate(p, recent)

    requests = [p.requests[y] for y in recent if y in p.requests]
    plans_made = [p.new_plans_total[y] for y in recent if y in p.requests]
    conversion = float(np.clip(sum(plans_made) / sum(requests), 0.05, 1.0)) if sum(requests) > 0 else 0.6
    if not requests:
        notes.append("no requests published: conversion of requests to plans assumed 0.6")

    unit_costs, central, cost_notes = costs_.public_unit_costs(data_dir, p.la_code)
    notes += cost_notes
    sources["unit costs"] = unit_costs.source
    hnb = p.allocations.get(base_year)
    if hnb is None:
        known = [y for y in p.allocations if y <= base_year]
        hnb = p.allocations[max(known)] if known else 0.0
        notes.append(
            f"no high needs block for {fy_label(base_year)}: "
            + (
                f"{fy_label(max(known))} used"
                if known
                else "0 used (the DSG files combine City of London with Hackney and the Isles of Scilly with Cornwall)"
            )
        )
    sources["allocation"] = "dsg_allocations summary: high needs block after deductions"
    sources["opening balance"] = p.balance_source
    uncertainty = dict(DEFAULT_UNCERTAINTY)
    uncertainty["joiners"] = float(np.clip(sd, 0.05, 0.30))
    uncertainty["level"] = float(uncertainty["joiners"] / np.sqrt(max(len(recent), 1)))
    return CouncilBase(
        la_code=p.la_code,
        la_name=p.la_name,
        base_year=base_year,
        counts=counts,
        population=p.population,
        joiner_rate=joiner_rate,
        joiner_mix=joiner_mix,
        leave_rate=leave_rate,
        transitions=_transitions(joint, leave_rate, joiner_joint),
        conversion=conversion,
        trend=trend,
        unit_costs=unit_costs,
        hnb_allocation=float(hnb),
        opening_balance=float(p.balance or 0.0),
        source="public",
        central_spend=float(central),
        next_allocation=p.allocations.get(base_year + 1),
        new_la_code=p.new_la_code,
        uncertainty=uncertainty,
        notes=notes,
        sources=sources,
        history=_public_history(p, counts),
    )


def _public_history(p, counts: np.ndarray) -> dict[int, float]:
    """Published January totals (every age group known) up to the base, the base being the calibrated total."""
    totals = p.age_groups_history.sum(axis=1)
    out = {int(y): float(t) for y, t in zip(p.history_years, totals, strict=True) if not np.isnan(t)}
    out[int(p.base_year)] = float(counts.sum())
    return dict(sorted(out.items()))


def _single_joiners(groups: np.ndarray, population: np.ndarray) -> np.ndarray:
    """New plans by age group (age when made) -> by single year of age at the following January.

    Spread within a group by population (few plans before age 2), then half a year older: half
    stay at their age, half are a year older by January (the rest of the 25s leave).
    """
    weight = population * JOINER_AGE_WEIGHT
    group_weight = np.bincount(GROUP_OF_AGE, weights=weight, minlength=N_GROUPS)
    single = groups[GROUP_OF_AGE] * np.divide(
        weight, group_weight[GROUP_OF_AGE], out=np.zeros(N_AGES), where=group_weight[GROUP_OF_AGE] > 0
    )
    out = 0.5 * single
    out[1:] += 0.5 * single[:-1]
    return out


def _group_exit_rates(
    caseload: dict[int, np.ndarray],
    new: dict[int, np.ndarray],
    profile: np.ndarray,
    population: np.ndarray,
    calendar_years: list[int],
) -> np.ndarray | None:
    """Net share of each age group's aged-on plans leaving in a year (mean over ``calendar_years``)."""
    rates = []
    for cal in calendar_years:  # calendar year cal: January cal -> January cal + 1
        before, after, joined = caseload.get(cal), caseload.get(cal + 1), new.get(cal)
        if before is None or after is None or joined is None or np.isnan(before).any() or np.isnan(after).any():
            continue
        single = before[GROUP_OF_AGE] * profile
        aged = np.zeros(N_AGES)
        aged[1:] = single[:-1]  # the 25-year-olds leave
        aged_groups = np.bincount(GROUP_OF_AGE, weights=aged, minlength=N_GROUPS)
        joined_groups = np.bincount(GROUP_OF_AGE, weights=_single_joiners(joined, population), minlength=N_GROUPS)
        exits = aged_groups + joined_groups - after
        rates.append(np.divide(exits, aged_groups, out=np.zeros(N_GROUPS), where=aged_groups > 0))
    return np.mean(rates, axis=0) if rates else None


ENGLAND_LEAVE_FALLBACK = np.array([0.02, 0.03, 0.04, 0.12, 0.15])
LEAVE_SHRINK = 0.5  # weight of the LA's own leaving rates against England's
LEAVE_LIMITS = (-0.05, 0.40)


def _public_leave_rate(p, recent: list[int]) -> tuple[np.ndarray, str]:
    """Net leaving rate by single age at January: the LA's published caseload a year on versus the
    aged-on caseload plus new plans, shrunk halfway towards England's (the same sum for England)."""
    own_caseload = {int(y): p.age_groups_history[i] for i, y in enumerate(p.history_years)}
    own = _group_exit_rates(own_caseload, p.new_plans_by_group, p.profile, p.population, recent)
    # England's age breakdown may stop a year earlier than the LA totals: use its latest three years.
    eng_years = [y for y in sorted(p.england_new_plans_by_group) if y + 1 in p.england_caseload_by_group][-3:]
    england = (
        _group_exit_rates(
            p.england_caseload_by_group, p.england_new_plans_by_group, p.england_profile, p.england_profile, eng_years
        )
        if eng_years
        else None
    )
    england = ENGLAND_LEAVE_FALLBACK if england is None else england
    source = f"LA and England exits {recent[0]}-{recent[-1]}" if own is not None else "England exits only"
    group_rate = england if own is None else LEAVE_SHRINK * own + (1 - LEAVE_SHRINK) * england
    group_rate = np.clip(group_rate, *LEAVE_LIMITS)
    # A plan at age a leaves into the group of age a + 1.
    rate = np.empty(N_AGES)
    rate[:-1] = group_rate[GROUP_OF_AGE[1:]]
    rate[-1] = 1.0  # the age-25 limit
    return rate, source


def calibrate_casework(
    snapshot: CaseworkSnapshot,
    population_by_age,
    base_year: int,
    la_code: str,
    la_name: str,
    unit_costs: UnitCosts | None = None,
    *,
    public: CouncilBase | None = None,
    hnb_allocation: float | None = None,
    opening_balance: float | None = None,
) -> CouncilBase:
    """Calibrate from the council's own casework counts.

    Money (unit costs, central spend, allocation, opening balance) comes from the arguments, else
    from ``public`` (a :func:`calibrate_public` result for the same LA), else defaults (illustrative
    unit costs, allocation and balance 0), each noted in ``notes``.
    """
    notes: list[str] = []
    counts = np.maximum(np.asarray(snapshot.counts, dtype=float), 0.0)
    if counts.shape != (N_AGES, len(NEEDS), len(SETTINGS)):
        raise ValueError(f"counts must have shape (26, {len(NEEDS)}, {len(SETTINGS)}), not {counts.shape}")
    population = np.asarray(population_by_age, dtype=float)
    if population.shape != (N_AGES,) or (population < 0).any():
        raise ValueError("population_by_age must be 26 non-negative numbers (ages 0-25)")
    stock_age = counts.sum(axis=(1, 2))

    years = sorted(snapshot.new_plans)[-3:]
    if years:
        new = np.array([np.asarray(snapshot.new_plans[y], dtype=float).reshape(N_AGES, len(NEEDS)) for y in years])
        mean_new = new.mean(axis=0)
        totals = {y: float(np.asarray(snapshot.new_plans[y]).sum()) for y in snapshot.new_plans}
        slope, _, sd = _log_trend(totals, max(totals))
        trend = float(np.clip(TREND_SHRINK * slope, *TREND_LIMITS))
        mean_new = mean_new * np.exp(trend * (max(years) - np.mean(years)))
    else:
        mean_new, trend, sd = np.zeros((N_AGES, len(NEEDS))), 0.0, DEFAULT_UNCERTAINTY["joiners"]
        notes.append("no new plans in the snapshot: no joiners")
    joiners_age = mean_new.sum(axis=1)
    joiner_rate = np.divide(joiners_age, population, out=np.zeros(N_AGES), where=population > 0)
    # Need of joiners: their own mix by age, steadied with the caseload's mix at that age.
    stock_need = counts.sum(axis=2)
    need_share = _shares(mean_new + 0.5 * _shares(stock_need) + 1e-9)
    setting_share = _shares(_shares(counts.sum(axis=1)) * NEW_PLAN_SETTING_ODDS[None, :] + 1e-12)
    no_stock = stock_age <= 0
    setting_share[no_stock] = _shares(AGE_SETTING_PRIOR[no_stock] * NEW_PLAN_SETTING_ODDS[None, :])
    setting_years = sorted(snapshot.new_plan_settings)[-3:]
    if setting_years:
        placed = np.sum(
            [
                np.asarray(snapshot.new_plan_settings[y], dtype=float).reshape(N_AGES, len(SETTINGS))
                for y in setting_years
            ],
            axis=0,
        )
        # The council's own placements of new plans, steadied at ages with few by the estimate above.
        setting_share = _shares(placed + 2.0 * setting_share)
    joiner_mix = need_share[:, :, None] * setting_share[:, None, :]

    # Leaving: ceased by age group over the stock in the group (the stock at the base January).
    ceased_years = sorted(snapshot.ceased)[-3:]
    if ceased_years:
        ceased = np.mean([np.asarray(snapshot.ceased[y], dtype=float) for y in ceased_years], axis=0)
        ceased[-1] = 0.0  # the age-25 limit is applied by the model itself
        g_ceased = np.bincount(GROUP_OF_AGE, weights=ceased, minlength=N_GROUPS)
        g_stock = np.bincount(GROUP_OF_AGE, weights=stock_age * (AGES < MAX_AGE), minlength=N_GROUPS)
        group_rate = np.clip(np.divide(g_ceased, g_stock, out=np.zeros(N_GROUPS), where=g_stock > 0), 0.0, 0.6)
        leave_rate = group_rate[GROUP_OF_AGE].astype(float)
    else:
        leave_rate = np.array([0.02, 0.03, 0.04, 0.12, 0.15])[GROUP_OF_AGE]
        notes.append("no ceased plans in the snapshot: England-like leaving rates assumed")
    leave_rate[-1] = 1.0

    req = sum(snapshot.requests.values())
    conv = sum(snapshot.conversions.values())
    conversion = float(np.clip(conv / req, 0.05, 1.0)) if req > 0 else 0.6
    if req <= 0:
        notes.append("no requests in the snapshot: conversion of requests to plans assumed 0.6")

    if unit_costs is None:
        if public is not None:
            unit_costs = public.unit_costs
        else:
            unit_costs = SettingUnitCosts(dict(costs_.FALLBACK_COSTS), source="illustrative round figures")
            notes.append("unit costs: illustrative round figures (enter the council's own)")
    central = public.central_spend if public is not None else 0.0
    if hnb_allocation is None:
        hnb_allocation = public.hnb_allocation if public is not None else 0.0
        if public is None:
            notes.append("high needs block allocation unknown: 0 (enter it)")
    if opening_balance is None:
        opening_balance = public.opening_balance if public is not None else 0.0
        if public is None:
            notes.append("opening DSG balance unknown: 0")
    uncertainty = dict(DEFAULT_UNCERTAINTY)
    uncertainty["joiners"] = float(np.clip(sd, 0.05, 0.30))
    uncertainty["level"] = float(uncertainty["joiners"] / np.sqrt(max(len(years), 1)))
    return CouncilBase(
        la_code=str(la_code),
        la_name=la_name,
        base_year=base_year,
        counts=counts,
        population=population,
        joiner_rate=joiner_rate,
        joiner_mix=joiner_mix,
        leave_rate=leave_rate,
        transitions=_transitions(counts.sum(axis=1), leave_rate, joiners_age[:, None] * setting_share),
        conversion=conversion,
        trend=trend,
        unit_costs=unit_costs,
        hnb_allocation=float(hnb_allocation),
        opening_balance=float(opening_balance),
        source="casework",
        central_spend=float(central),
        next_allocation=public.next_allocation if public is not None else None,
        new_la_code=public.new_la_code if public is not None else "",
        uncertainty=uncertainty,
        notes=notes,
        sources={"counts": "highneeds casework", **({"money": "public calibration"} if public else {})},
        history={
            **{int(y): float(v) for y, v in snapshot.history.items() if y < base_year},
            base_year: float(counts.sum()),
        },
    )


# --------------------------------------------------------------------------------------------
# Projection
# --------------------------------------------------------------------------------------------

MEASURES = ("plans", "new_plans", "leavers", "requests", "spend", "allocation", "in_year", "cumulative")
# Leavers by reason: reaching the age-25 limit; ceasing or moving away at the calibrated (net) rate;
# the extra step-down at annual review from the ``more_step_down`` lever.
LEAVE_REASONS = ("age_limit", "ceased_or_moved", "step_down")


@dataclass
class Projection:
    """P10/P50/P90 (axis 0) of each figure by model year (axis 1) and breakdown (axis 2)."""

    la_code: str
    la_name: str
    base_year: int
    years: list[int]
    financial_years: list[str]
    plans: np.ndarray
    plans_by_setting: np.ndarray
    plans_by_need: np.ndarray
    new_plans: np.ndarray
    leavers: np.ndarray  # net: ceasing and moving away, less plans moving in
    leavers_by_reason: np.ndarray  # (3, n, 3): LEAVE_REASONS
    requests: np.ndarray
    spend: np.ndarray
    allocation: np.ndarray
    in_year: np.ndarray
    cumulative: np.ndarray
    diverted: np.ndarray  # children in the new places (all NewPlaces together)
    simulations: int
    seed: int
    levers: dict
    spend_draws: np.ndarray = field(repr=False)  # (simulations, years): for paired comparisons
    in_year_draws: np.ndarray = field(repr=False)
    settings: tuple[str, ...] = SETTINGS
    needs: tuple[str, ...] = NEEDS
    leave_reasons: tuple[str, ...] = LEAVE_REASONS

    def p50(self, measure: str) -> list[float]:
        return [float(v) for v in getattr(self, measure)[1]]

    def as_rows(self) -> list[dict]:
        """Long rows for CSV/xlsx: year, financial_year, measure, breakdown ("" or a setting/need), p10, p50, p90.

        Counts are plans at January ``year`` (new_plans, leavers, requests: the twelve months before
        it); money (spend, allocation, in_year, cumulative) is £ for ``financial_year``.
        """
        rows = []
        for i, (year, fy) in enumerate(zip(self.years, self.financial_years, strict=True)):
            for measure in (*MEASURES, "diverted"):
                q = getattr(self, measure)
                rows.append(
                    {
                        "year": year,
                        "financial_year": fy,
                        "measure": measure,
                        "breakdown": "",
                        "p10": float(q[0, i]),
                        "p50": float(q[1, i]),
                        "p90": float(q[2, i]),
                    }
                )
            for measure, names in (
                ("plans_by_setting", self.settings),
                ("plans_by_need", self.needs),
                ("leavers_by_reason", self.leave_reasons),
            ):
                q = getattr(self, measure)
                for k, name in enumerate(names):
                    rows.append(
                        {
                            "year": year,
                            "financial_year": fy,
                            "measure": measure,
                            "breakdown": name,
                            "p10": float(q[0, i, k]),
                            "p50": float(q[1, i, k]),
                            "p90": float(q[2, i, k]),
                        }
                    )
        return rows


@functools.lru_cache(maxsize=8)
def _draws(seed: int, simulations: int, years: int) -> dict[str, np.ndarray]:
    """The random numbers of a run: fixed by (seed, simulations, years), whatever the levers (CRN)."""
    rng = np.random.default_rng(seed)
    out = {
        "poisson": rng.standard_normal((years, simulations)),
        "joiner_year": rng.standard_normal((years, simulations)),
        "level": rng.standard_normal(simulations),
        "trend": rng.standard_normal(simulations),
        "leave": rng.standard_normal(simulations),
        "leave_year": rng.standard_normal((years, simulations)),
        "costs": rng.standard_normal(simulations),
        "stock": rng.standard_normal((years, simulations)),
    }
    for v in out.values():
        v.flags.writeable = False
    return out


def _poisson_like(mean: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Poisson-like joiners by age (sims, 26): the yearly total drawn from a standard normal through
    Anscombe's transform (non-decreasing in the mean for a fixed draw: common random numbers keep
    scenario differences free of noise), spread over ages in proportion to the means."""
    total = mean.sum(axis=1)
    root = np.maximum(np.sqrt(total + 0.375) + 0.5 * z, 0.0)
    drawn = np.where(total > 0, np.maximum(root * root - 0.375, 0.0), 0.0)
    return mean * np.divide(drawn, total, out=np.zeros_like(total), where=total > 0)[:, None]


def _ramp_series(ramp: Ramp | None, years: list[int]) -> np.ndarray:
    return np.zeros(len(years)) if ramp is None else ramp.series(years)


def _occupancy(pools: list[np.ndarray], levers: Levers, year: int, sims: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Children in the new places at January ``year``: taken from each setting (sims, S), and per entry.

    ``pools[i]``: (sims,) children of entry i's need and phase in its ``diverts_from`` setting. Entries
    sharing need, phase and setting fill in turn from the same pool.
    """
    taken = np.zeros((sims, len(SETTINGS)))
    per_entry = []
    used: dict[tuple, np.ndarray] = {}
    for entry, pool in zip(levers.new_places, pools, strict=True):
        cap = entry.capacity(year)
        key = (entry.need, entry.phase, entry.diverts_from)
        occupied = np.minimum(cap, np.maximum(pool - used.get(key, 0.0), 0.0)) if cap > 0 else np.zeros(sims)
        used[key] = used.get(key, 0.0) + occupied
        taken[:, S[entry.diverts_from]] += occupied
        per_entry.append(occupied)
    return taken, per_entry


def project(
    base: CouncilBase, levers: Levers | None = None, years: int = 10, simulations: int = 500, seed: int = 0
) -> Projection:
    """Simulate ``years`` model years after ``base.base_year`` under ``levers`` (None: the baseline)."""
    levers = levers or Levers()
    for entry in levers.new_places:
        if entry.diverts_from not in S:
            raise ValueError(f"diverts_from must be one of {SETTINGS}, not {entry.diverts_from!r}")
    years_list = [base.base_year + k for k in range(1, years + 1)]
    d = _draws(seed, simulations, years)
    u = base.uncertainty
    sims = simulations

    req_factor = (1.0 - np.clip(_ramp_series(levers.fewer_requests, years_list), 0.0, 1.0)) * (
        1.0 - np.clip(_ramp_series(levers.lower_conversion, years_list), 0.0, 1.0)
    )
    step_down = np.clip(_ramp_series(levers.more_step_down, years_list), 0.0, 1.0)
    tariff = 1.0 + _ramp_series(levers.tariff_change, years_list)

    cost = cost_array(base.unit_costs)  # (26, needs, settings)
    cost_mult = np.exp(u["costs"] * d["costs"])  # (sims,)
    level = np.exp(u["level"] * d["level"])
    trend = base.trend + u["trend"] * d["trend"]  # (sims,)
    leave_mult = np.exp(u["leavers"] * d["leave"])
    total0 = max(base.total, 1.0)
    mean_leave = float((base.leave_rate[:-1] * base.by_age()[:-1]).sum() / total0)
    leave_year_sd = u["leavers_year"] + np.sqrt(max(1.0 - mean_leave, 0.0) / max(total0 * max(mean_leave, 1e-3), 1.0))

    # (Small products go through einsum rather than BLAS: thread start-up would cost more than the sums.)
    # The state is kept as vintages: the plans at each age at the base January, and each year's joiners
    # at each age. A vintage's spread over need x setting (``pattern``, sums to 1) is the same in every
    # simulation (leaving depends on age only; moves on age and setting); only its size ``w`` differs.
    age_totals = base.counts.sum(axis=(1, 2))
    pattern = np.divide(
        base.counts, age_totals[:, None, None], out=np.zeros_like(base.counts), where=age_totals[:, None, None] > 0
    )
    ages = AGES.copy()
    w = np.broadcast_to(age_totals, (sims, N_AGES)).copy()
    rate = base.leave_rate[None, :-1] * leave_mult[:, None]  # (sims, 25)
    diverted_cost = [
        float(
            np.mean(
                cost[e.age_mask()][:, :, S[e.diverts_from]]
                if e.need == "any"
                else cost[e.age_mask(), N[e.need], S[e.diverts_from]]
            )
        )
        for e in levers.new_places
    ]
    own_cost = np.array([e.cost_per_place for e in levers.new_places])
    phase_masks = [e.age_mask() for e in levers.new_places]

    out_plans = np.empty((sims, years))
    out_setting = np.empty((sims, years, len(SETTINGS)))
    out_need = np.empty((sims, years, len(NEEDS)))
    out_new = np.empty((sims, years))
    out_leave = np.empty((sims, years))
    out_reason = np.empty((sims, years, len(LEAVE_REASONS)))
    out_req = np.empty((sims, years))
    out_div = np.empty((sims, years))
    spend = np.empty((sims, years))

    def costs_at(year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(placement cost at unit costs net of the diverted children, cost of the new places, taken by setting)."""
        placements = np.einsum("xv,v->x", w, np.einsum("vns,vns->v", pattern, cost[ages]))
        pools = []
        for entry, mask in zip(levers.new_places, phase_masks, strict=True):
            cells = pattern[:, :, S[entry.diverts_from]]
            per_vintage = (cells.sum(axis=1) if entry.need == "any" else cells[:, N[entry.need]]) * mask[ages]
            pools.append(np.einsum("xv,v->x", w, per_vintage))
        taken, per_entry = _occupancy(pools, levers, year, sims)
        own = np.zeros(sims)
        for occ, displaced, per_place in zip(per_entry, diverted_cost, own_cost, strict=True):
            placements = placements - occ * displaced
            own += occ * per_place
        return placements, own, taken

    prev_cost, prev_own, _ = costs_at(base.base_year)
    damp = np.cumsum(TREND_DAMPING ** np.arange(1, years + 1))
    shock = np.zeros(sims)
    fewer = _ramp_series(levers.fewer_requests, years_list)
    for k, year in enumerate(years_list):
        # Leaving during the year (age 25: all, the age-25 limit), then ageing a year.
        # A negative rate is a net inflow (plans moving in from other LAs outnumber those leaving).
        r_net = np.clip(rate * np.exp(leave_year_sd * d["leave_year"][k])[:, None], -0.5, 1.0)
        r = np.clip(r_net + step_down[k], -0.5, 1.0)
        r_v = np.ones((sims, len(ages)))
        young = ages < MAX_AGE
        r_v[:, young] = r[:, ages[young]]
        out_leave[:, k] = np.einsum("xv,xv->x", w, r_v)
        out_reason[:, k, 0] = w[:, ~young].sum(axis=1)
        out_reason[:, k, 2] = np.einsum("xv,xv->x", w[:, young], (r - r_net)[:, ages[young]])
        out_reason[:, k, 1] = out_leave[:, k] - out_reason[:, k, 0] - out_reason[:, k, 2]
        # Unexplained net moves in and out (and data revisions): a small shared shock to every vintage.
        w = (w * (1.0 - r_v) * np.exp(u.get("stock", 0.0) * d["stock"][k])[:, None])[:, young]
        ages, pattern = ages[young] + 1, pattern[young]
        # Moves between settings for those reaching each age.
        pattern = np.einsum("vns,vst->vnt", pattern, base.transitions[ages])
        # Joiners: population x rate per head (trended, with a persistent yearly shock) x levers.
        shock = 0.5 * shock + np.sqrt(0.75) * d["joiner_year"][k] if k else d["joiner_year"][k]
        growth = (1.0 + levers.population_growth) ** (k + 1)
        factor = level * np.exp(trend * damp[k] + u["joiners"] * shock)  # (sims,)
        expected = base.joiner_rate[None, :] * (base.population * growth)[None, :] * factor[:, None]
        out_req[:, k] = expected.sum(axis=1) / max(base.conversion, 1e-9) * (1.0 - min(max(fewer[k], 0.0), 1.0))
        joiners = _poisson_like(expected * req_factor[k], d["poisson"][k])  # (sims, 26)
        out_new[:, k] = joiners.sum(axis=1)
        w = np.concatenate([w, joiners], axis=1)
        ages = np.concatenate([ages, AGES])
        pattern = np.concatenate([pattern, base.joiner_mix])

        now_cost, now_own, taken = costs_at(year)
        moved = taken.sum(axis=1)
        by_setting = np.einsum("xv,vs->xs", w, pattern.sum(axis=1)) - taken
        by_setting[:, S["maintained_special"]] += moved
        out_setting[:, k] = by_setting
        out_need[:, k] = np.einsum("xv,vn->xn", w, pattern.sum(axis=2))
        out_plans[:, k] = w.sum(axis=1)
        out_div[:, k] = moved

        # Money of the financial year ending March ``year``: the mean of the two Januaries either side.
        prices = (1.0 + levers.cost_growth) ** (k + 1)
        spend[:, k] = (
            0.5 * (prev_cost + now_cost) * tariff[k] * cost_mult + 0.5 * (prev_own + now_own)
        ) * prices + base.central_spend * prices
        prev_cost, prev_own = now_cost, now_own

    allocation = np.array([base.allocation_in(y, levers.allocation_growth) for y in years_list])
    in_year = allocation[None, :] - spend
    cumulative = base.opening_balance + np.cumsum(in_year, axis=1)

    def q(a: np.ndarray) -> np.ndarray:
        return np.quantile(a, QUANTILES, axis=0)

    return Projection(
        la_code=base.la_code,
        la_name=base.la_name,
        base_year=base.base_year,
        years=years_list,
        financial_years=[fy_label(y) for y in years_list],
        plans=q(out_plans),
        plans_by_setting=q(out_setting),
        plans_by_need=q(out_need),
        new_plans=q(out_new),
        leavers=q(out_leave),
        leavers_by_reason=q(out_reason),
        requests=q(out_req),
        spend=q(spend),
        allocation=np.broadcast_to(allocation, (3, years)).copy(),
        in_year=q(in_year),
        cumulative=q(cumulative),
        diverted=q(out_div),
        simulations=simulations,
        seed=seed,
        levers=levers.to_dict(),
        spend_draws=spend,
        in_year_draws=in_year,
    )


def cost_avoided(baseline: Projection, scenario: Projection) -> list[float]:
    """£ of spend avoided by the scenario each year (P50 of the paired difference; positive = saving)."""
    if baseline.years != scenario.years:
        raise ValueError("the two projections cover different years")
    if baseline.spend_draws.shape == scenario.spend_draws.shape and baseline.seed == scenario.seed:
        return [float(v) for v in np.median(baseline.spend_draws - scenario.spend_draws, axis=0)]
    return [float(v) for v in baseline.spend[1] - scenario.spend[1]]


# --------------------------------------------------------------------------------------------
# Goal seek
# --------------------------------------------------------------------------------------------


def anchor_first_year(
    base: CouncilBase, plans: float, *, simulations: int = 200, seed: int = 0, limits: tuple[float, float] = (0.25, 4.0)
) -> CouncilBase:
    """The same base with its joiners per head scaled so that the baseline's P50 plans in January
    ``base_year + 1`` equal ``plans`` (the all-LA model's year one for this LA).

    One forecast per council: the detailed model (settings, needs, money, levers) starts from the
    same first-year total as the public all-LA forecast, and keeps its own shape after that. Plans
    a year on are stayers plus joiners, so the scale is solved directly and refined once (noise
    makes the P50 not exactly linear); it is held within ``limits``. Noted in ``notes``.
    """
    scale = 1.0
    for _ in range(2):
        trial = replace(base, joiner_rate=base.joiner_rate * scale)
        proj = project(trial, Levers(), years=1, simulations=simulations, seed=seed)
        total, joiners = float(proj.plans[1, 0]), float(proj.new_plans[1, 0])
        if joiners <= 0:
            break
        scale *= max((plans - (total - joiners)) / joiners, 0.0)
        scale = float(np.clip(scale, *limits))
    note = (
        f"new plans scaled by {scale:.2f} so that January {base.base_year + 1} starts from the all-LA "
        f"forecast of {plans:,.0f} plans (docs/forecast.md)"
    )
    return replace(
        base,
        joiner_rate=base.joiner_rate * scale,
        notes=[*base.notes, note],
        sources={**base.sources, "first year": "all-LA forecast (highneeds forecast public)"},
    )


RAMP_LEVERS = ("fewer_requests", "lower_conversion", "more_step_down", "tariff_change")


@dataclass
class GoalSeek:
    lever: str
    target_year: int
    value: float
    reached: bool
    projection: Projection
    message: str = ""
    tried: list[tuple[float, float]] = field(default_factory=list)  # (value, P50 in-year balance)


def _with_lever(base: CouncilBase, levers: Levers, lever: str, value: float, template: NewPlaces | None) -> Levers:
    if lever in RAMP_LEVERS:
        current = getattr(levers, lever)
        ramp = Ramp(value, current.start_year, current.ramp_years) if current else Ramp(value, base.base_year + 1)
        return replace(levers, **{lever: ramp})
    if lever == "new_places":
        tpl = template or (levers.new_places[0] if levers.new_places else None)
        if tpl is None:
            tpl = NewPlaces(
                0,
                "any",
                "all_through",
                0.5 * float(np.mean(cost_array(base.unit_costs)[5:19, :, S["independent_special"]])),
                base.base_year + 1,
            )
        rest = levers.new_places[1:] if (template is None and levers.new_places) else list(levers.new_places)
        return replace(levers, new_places=[replace(tpl, places=int(round(value))), *rest])
    if lever in ("population_growth", "allocation_growth", "cost_growth"):
        return replace(levers, **{lever: float(value)})
    raise ValueError(f"unknown lever {lever!r}: one of {(*RAMP_LEVERS, 'new_places', 'allocation_growth')}")


def goal_seek(
    base: CouncilBase,
    levers: Levers | None,
    lever: str,
    target_year: int,
    lo: float,
    hi: float,
    *,
    years: int | None = None,
    simulations: int = 500,
    seed: int = 0,
    tolerance: float | None = None,
    template: NewPlaces | None = None,
    max_steps: int = 30,
) -> GoalSeek:
    """The value of ``lever`` nearest ``lo`` (no action) towards ``hi`` (the most considered) giving a
    P50 in-year balance >= 0 in ``target_year``, by bisection (the effect is monotonic).

    For ``tariff_change`` a cut is negative: pass ``lo=0, hi=-0.3``. For ``new_places`` the value is
    the number of places (of ``template``, else of the first NewPlaces in ``levers``, else any need,
    all-through, costed at half the independent unit cost, opening the year after the base year).
    ``reached`` is False when even ``hi`` falls short; the projection is then at ``hi``.
    """
    levers = levers or Levers()
    years = years or max(target_year - base.base_year, 1)
    if not base.base_year < target_year <= base.base_year + years:
        raise ValueError(f"target_year must be within {base.base_year + 1}-{base.base_year + years}")
    index = target_year - base.base_year - 1
    integer = lever == "new_places"
    tolerance = tolerance if tolerance is not None else (1.0 if integer else 1e-3 * max(abs(hi - lo), 1e-9))
    tried: list[tuple[float, float]] = []

    def run(value: float) -> tuple[Projection, float]:
        proj = project(base, _with_lever(base, levers, lever, value, template), years, simulations, seed)
        balance = float(proj.in_year[1, index])
        tried.append((value, balance))
        return proj, balance

    proj_lo, bal_lo = run(lo)
    if bal_lo >= 0:
        return GoalSeek(lever, target_year, lo, True, proj_lo, "balanced without this lever", tried)
    proj_hi, bal_hi = run(hi)
    if bal_hi < 0:
        return GoalSeek(
            lever,
            target_year,
            hi,
            False,
            proj_hi,
            f"not reachable: at {hi:g} the P50 in-year position in {fy_label(target_year)} is £{bal_hi:,.0f}",
            tried,
        )
    a, b, best = lo, hi, proj_hi
    for _ in range(max_steps):
        if abs(b - a) <= tolerance:
            break
        mid = (a + b) / 2.0
        if integer:
            mid = float(int(np.floor(mid)) if b > a else int(np.ceil(mid)))
            if mid in (a, b):
                break
        proj_mid, bal_mid = run(mid)
        if bal_mid >= 0:
            b, best = mid, proj_mid
        else:
            a = mid
    return GoalSeek(lever, target_year, b, True, best, f"reached at {b:g}", tried)
