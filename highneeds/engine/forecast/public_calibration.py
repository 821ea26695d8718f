"""A council calibrated from the public files alone (`calibrate_public`): any of the 153 LAs.

Pure numpy/polars. Sources and assumptions: docs/forecast.md "Calibration from public data".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from highneeds.engine import publicdata as pd_

from . import costs as costs_
from .council_base import (
    DEFAULT_UNCERTAINTY,
    N_GROUPS,
    TREND_LIMITS,
    TREND_SHRINK,
    CouncilBase,
    _ipf,
    _log_trend,
    _shares,
    _transitions,
)
from .data import GROUP_OF_AGE
from .inputs import (
    AGE_SETTING_PRIOR,
    JOINER_AGE_WEIGHT,
    N_AGES,
    NEEDS,
    N,
    fy_label,
    load_public,
)


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
