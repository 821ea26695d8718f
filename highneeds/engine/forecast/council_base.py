"""The calibrated council (CouncilBase), the casework snapshot it can be built from, and the fitting helpers
shared by the public and casework calibrations (IPF, least-movement transitions, log-linear trend).

Pure numpy. Method: docs/forecast.md. The public API is :mod:`.council`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .costs import UnitCosts
from .inputs import (
    N_AGES,
)

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
