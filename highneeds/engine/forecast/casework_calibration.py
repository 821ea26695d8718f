"""A council calibrated from its own casework counts (`calibrate_casework`).

Pure numpy. Method: docs/forecast.md "Calibration from casework".
"""

from __future__ import annotations

import numpy as np

from . import costs as costs_
from .costs import SettingUnitCosts, UnitCosts
from .council_base import (
    DEFAULT_UNCERTAINTY,
    N_GROUPS,
    NEW_PLAN_SETTING_ODDS,
    TREND_LIMITS,
    TREND_SHRINK,
    CaseworkSnapshot,
    CouncilBase,
    _log_trend,
    _shares,
    _transitions,
)
from .data import GROUP_OF_AGE
from .inputs import (
    AGE_SETTING_PRIOR,
    AGES,
    MAX_AGE,
    N_AGES,
    NEEDS,
    SETTINGS,
)


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
