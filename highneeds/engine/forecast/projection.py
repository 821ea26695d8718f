"""The council model run forward: levers applied, plans, flows and money simulated (`project`, `Projection`).

Pure numpy. The model year by year: docs/forecast.md "The model" and "Uncertainty".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from .costs import cost_array
from .council_base import QUANTILES, TREND_DAMPING, CouncilBase
from .inputs import (
    AGES,
    MAX_AGE,
    N_AGES,
    NEEDS,
    SETTINGS,
    N,
    S,
    fy_label,
)
from .levers import Levers, Ramp

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
