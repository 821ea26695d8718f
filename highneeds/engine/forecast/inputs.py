"""Dimensions of the council model and the public figures it is calibrated on, for one LA.

Pure polars/numpy, no Django. Parsing reuses :mod:`highneeds.engine.publicdata` (markers are
missing, never zero) and :func:`highneeds.engine.forecast.data.load_history` (caseload by age
group up to January ``base_year``). The same cut-off as the public backtest applies: EHCP caseload
up to January ``base_year``, calendar-year activity (requests, new plans) up to ``base_year - 1``.
Money (high needs benchmarking outturn 2021-22, DSG allocations, DSG balances) is read as published
in the folder; see docs/forecast.md for which year each figure stands for.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from highneeds.engine import publicdata as pd_

from .data import AGE_NEW_PLANS_FILE, GROUP_OF_AGE, POPULATION_FILE, History, load_history, within_group_profile

# --------------------------------------------------------------------------------------------
# Dimensions
# --------------------------------------------------------------------------------------------

AGES = np.arange(26)
N_AGES = 26
MAX_AGE = 25
# SEN2 primary need codes for EHC plans (DS, Down syndrome, was added in January 2025).
NEEDS: tuple[str, ...] = (*pd_.NEED_CODES_EHCP, "DS")
SETTINGS: tuple[str, ...] = (
    "mainstream",
    "sen_unit_rp",
    "maintained_special",
    "independent_special",
    "post16",
    "alternative_provision",
    "other",
)
SETTING_LABELS = {
    "mainstream": "Mainstream school or early years",
    "sen_unit_rp": "SEN unit or resourced provision",
    "maintained_special": "Maintained special school or special academy",
    "independent_special": "Independent or non-maintained special (incl. specialist post-16)",
    "post16": "FE college or sixth form college",
    "alternative_provision": "Alternative provision or PRU",
    "other": "Other: home education, EOTAS, NEET, awaiting provision",
}
S = {name: i for i, name in enumerate(SETTINGS)}
N = {name: i for i, name in enumerate(NEEDS)}

# publicdata setting keys (the caseload.csv columns) -> model setting.
PUBLIC_SETTING: dict[str, str] = {
    "ms_la": "mainstream",
    "ms_academy": "mainstream",
    "ms_free": "mainstream",
    "early_years": "mainstream",
    "ms_la_rp": "sen_unit_rp",
    "ms_la_unit": "sen_unit_rp",
    "ms_academy_rp": "sen_unit_rp",
    "ms_academy_unit": "sen_unit_rp",
    "ms_free_rp": "sen_unit_rp",
    "ms_free_unit": "sen_unit_rp",
    "sp_la": "maintained_special",
    "sp_academy": "maintained_special",
    # The independent top-up line of the S251 outturn covers independent and non-maintained schools
    # and colleges, so mainstream independent and specialist post-16 institutions sit here too.
    "sp_independent": "independent_special",
    "sp_non_maintained": "independent_special",
    "ms_independent": "independent_special",
    "post16_specialist": "independent_special",
    "fe": "post16",
    "ap": "alternative_provision",
    "ehe": "other",
    "ola": "other",
    "opa": "other",
    "neet": "other",
    "other": "other",
    "awaiting": "other",
    "perm_excluded": "other",
}
assert set(PUBLIC_SETTING) == set(pd_.SETTING_KEYS)

# highneeds establishment types (codes.ESTABLISHMENT_TYPES) -> model setting, for the planning app.
ESTABLISHMENT_SETTING: dict[str, str] = {
    "MS_LA": "mainstream",
    "MS_ACADEMY": "mainstream",
    "MS_FREE": "mainstream",
    "EARLY_YEARS": "mainstream",
    "MS_INDEPENDENT": "independent_special",
    "SP_LA": "maintained_special",
    "SP_ACADEMY": "maintained_special",
    "SP_INDEPENDENT": "independent_special",
    "SP_NON_MAINTAINED": "independent_special",
    "SPECIALIST_POST16": "independent_special",
    "AP_PRU": "alternative_provision",
    "FE": "post16",
    "OTHER": "other",
}


def setting_for(establishment_type: str | None, placement_type: str | None = None) -> str:
    """The model setting of a placement (codes.ESTABLISHMENT_TYPES / PLACEMENT_TYPES); unknown -> "other"."""
    setting = ESTABLISHMENT_SETTING.get(establishment_type or "", "other")
    if setting == "mainstream" and placement_type == "UNIT":
        return "sen_unit_rp"
    if placement_type == "EOTAS":
        return "other"
    return setting


def need_for(code: str | None) -> str:
    """A primary need code in :data:`NEEDS` (anything unknown, including NSA, counts as OTH)."""
    code = (code or "").strip().upper()
    return code if code in N else "OTH"


# Where each setting is plausible by single year of age (a national structural assumption, not
# a published table): the public data give the caseload by age group and by setting separately,
# never crossed, so the cross-tab is fitted to both margins starting from these weights.
def _age_setting_prior() -> np.ndarray:
    w = np.zeros((N_AGES, len(SETTINGS)))
    a = AGES
    w[:, S["mainstream"]] = np.select([a <= 4, a <= 15, a <= 17, a == 18], [1.0, 1.0, 0.15, 0.05], 0.0)
    w[:, S["sen_unit_rp"]] = np.select([(a >= 4) & (a <= 15), (a >= 16) & (a <= 18)], [1.0, 0.1], 0.0)
    w[:, S["maintained_special"]] = np.select([a <= 1, a <= 18, a == 19], [0.02, 1.0, 0.5], 0.0)
    w[:, S["independent_special"]] = np.select([a <= 1, a <= 4, a <= 18, a <= 24], [0.0, 0.1, 1.0, 0.6], 0.3)
    w[:, S["post16"]] = np.select([a <= 15, a <= 24], [0.0, 1.0], 0.5)
    w[:, S["alternative_provision"]] = np.select([a <= 4, a <= 10, a <= 16], [0.0, 0.3, 1.0], 0.0)
    w[:, S["other"]] = np.select([a <= 1, a <= 15, a <= 18], [1.0, 0.3, 0.5], 1.0)
    return w


AGE_SETTING_PRIOR = _age_setting_prior()
# New plans within an age group are spread over its single years by population, weighted thus for
# the under-5s (few plans are made before age 2).
JOINER_AGE_WEIGHT = np.where(AGES == 0, 0.05, np.where(AGES == 1, 0.15, np.where(AGES == 2, 0.5, 1.0)))

# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------

BENCHMARKING_FILE = "high_needs_benchmarking_2021_22/high_needs_benchmarking_outturn_2021_22.csv"
BENCHMARKING_YEAR = 2022  # outturn for the financial year April 2021 - March 2022
DSG_SUMMARY_FILE = "dsg_allocations/dsg_allocations_summary_2019-20_to_2023-24.csv"
DSG_BALANCE_FILE = "dsg_allocations/dsg_cumulative_balance_pct_income_2019-20_to_2021-22.csv"
DSG_TOTAL_FILE = "dsg_allocations/dsg_total_allocation_by_year_2019-20_to_2023-24.csv"


def fy_label(year: int) -> str:
    """The financial year a model year's money belongs to: year Y -> "Y-1 to Y" (April Y-1 - March Y)."""
    return f"{year - 1}-{year % 100:02d}"


def _fy_end(label: str) -> int | None:
    """'2021-22' -> 2022 (the model year of that financial year)."""
    m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{2,4})\s*", label or "")
    return int(m.group(1)) + 1 if m else None


def period(base_year: int) -> str:
    """caseload.csv time_period of January ``base_year``: 2022 -> "202122"."""
    return f"{base_year - 1}{base_year % 100:02d}"


@dataclass
class PublicInputs:
    """Everything public about one LA that the council model calibrates on."""

    la_code: str
    new_la_code: str
    la_name: str
    base_year: int
    age_counts: np.ndarray  # (26,) plans by single age at January base_year
    age_groups_history: np.ndarray  # (years, 5) caseload by age group, NaN where unpublished
    history_years: np.ndarray
    population: np.ndarray  # (26,) ONS mid-2023
    profile: np.ndarray  # (26,) share of each single age within its age group's population
    settings_now: np.ndarray  # (7,) plans by model setting at January base_year
    settings_before: np.ndarray | None  # (7,) at January base_year - 1
    new_plans_by_group: dict[int, np.ndarray]  # calendar year -> (5,) new plans by age group
    new_plan_settings: np.ndarray  # (7,) new plans by setting over the last calendar years (sum)
    new_plans_total: dict[int, float]
    requests: dict[int, float]
    allocations: dict[int, float] = field(default_factory=dict)  # model year -> HNB after deductions, £
    balance: float | None = None  # cumulative DSG balance at 31 March base_year, £ (negative: deficit)
    balance_source: str = ""
    finance: dict[str, float] | None = None  # benchmarking outturn lines (£) for the LA
    england_caseload_by_group: dict[int, np.ndarray] = field(default_factory=dict)  # January -> (5,)
    england_new_plans_by_group: dict[int, np.ndarray] = field(default_factory=dict)  # calendar year -> (5,)
    england_profile: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=4)
def _history(data_dir: str, base_year: int) -> History:
    return load_history(data_dir, base_year)


def resolve_code(data_dir: Path | str, la_code: str) -> str:
    """A 3-digit old LA number from an old number or a 9-character ONS code (E06..., E08..., E09..., E10...)."""
    code = str(la_code or "").strip().upper()
    if re.fullmatch(r"\d{3}", code):
        return code
    if re.fullmatch(r"E\d{8}", code):
        old = pd_.new_to_old_codes(data_dir).get(code)
        if old:
            return old
    raise pd_.PublicDataError(f"unknown LA code {la_code!r}: give a 3-digit LA number or a 9-character ONS code")


def _newplans_settings(data_dir: Path | str, old: str, years: list[int]) -> np.ndarray:
    frame = pd_.read_table(data_dir, pd_.NEWPLANS_FILE, ["time_period", "geographic_level", "old_la_code"])
    frame = frame.filter(
        (pl.col("geographic_level") == pd_.LA_LEVEL)
        & (pl.col("old_la_code") == old)
        & pl.col("time_period").is_in([str(y) for y in years])
    )
    if "breakdown" in frame.columns:
        frame = frame.filter(pl.col("breakdown") == "New EHC plans")
    columns = [c for s in pd_.SETTINGS for c in s.columns if c in frame.columns]
    frame = pd_.numbers(frame, columns, pd_.NEWPLANS_FILE)
    out = np.zeros(len(SETTINGS))
    for record in frame.iter_rows(named=True):
        for s in pd_.SETTINGS:
            out[S[PUBLIC_SETTING[s.key]]] += sum(record.get(c) or 0 for c in s.columns if c in record)
    return out


def _by_group(data_dir: Path | str, rel: str, column: str, old: str | None, last_year: int) -> dict[int, np.ndarray]:
    """Calendar/January year -> (5,) counts by age group, for an LA (``old``) or England (None)."""
    frame = pd_.read_table(
        data_dir, rel, ["time_period", "geographic_level", "old_la_code", "characteristic_age", column]
    )
    where = (
        (pl.col("geographic_level") == "National")
        if old is None
        else ((pl.col("geographic_level") == pd_.LA_LEVEL) & (pl.col("old_la_code") == old))
    )
    frame = frame.filter(where & pl.col("characteristic_age").is_in(list(pd_.AGE_GROUPS)))
    if "ehcp_or_statement" in frame.columns:
        frame = frame.filter(pl.col("ehcp_or_statement") == "Total")
    frame = pd_.numbers(frame, [column], rel)
    frame = frame.rename({column: "Total_new_ehc"})
    groups = list(pd_.AGE_GROUPS)
    out: dict[int, np.ndarray] = {}
    for tp, age, n in frame.select("time_period", "characteristic_age", "Total_new_ehc").iter_rows():
        year = int(str(tp)[:4])
        if year > last_year or n is None:
            continue
        out.setdefault(year, np.full(len(groups), np.nan))[groups.index(age)] = n
    return {y: v for y, v in sorted(out.items()) if not np.isnan(v).any()}


def _new_plans_by_group(data_dir: Path | str, old: str | None, last_year: int) -> dict[int, np.ndarray]:
    return _by_group(data_dir, AGE_NEW_PLANS_FILE, "Total_new_ehc", old, last_year)


@functools.lru_cache(maxsize=4)
def _england(data_dir: str, base_year: int) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray], np.ndarray]:
    """England: caseload by age group (January), new plans by age group (calendar), population profile."""
    caseload = _by_group(data_dir, pd_.AGE_FILE_DASHBOARD, "num_caseload", None, base_year)
    new = _new_plans_by_group(data_dir, None, base_year - 1)
    columns = [f"age_{a}" for a in AGES]
    population = pd_.numbers(
        pd_.read_table(data_dir, POPULATION_FILE, ["geography", *columns]), columns, POPULATION_FILE
    ).filter(pl.col("geography") == "Country")
    england = np.array([population[c][0] for c in columns], dtype=float) if population.height else np.ones(N_AGES)
    return caseload, new, within_group_profile(england)


def _allocations(data_dir: Path | str, old: str) -> dict[int, float]:
    frame = pd_.read_table(
        data_dir, DSG_SUMMARY_FILE, ["financial_year", "units", "row_type", "la_code", "high_needs_block_after"]
    )
    frame = frame.filter((pl.col("row_type") == "local_authority") & (pl.col("la_code") == old))
    frame = pd_.numbers(frame, ["high_needs_block_after"], DSG_SUMMARY_FILE, integer=False)
    out = {}
    for fy, units, value in frame.select("financial_year", "units", "high_needs_block_after").iter_rows():
        year = _fy_end(fy)
        if year and value is not None:
            out[year] = float(value) * (1e6 if "million" in (units or "") else 1.0)
    return out


def _balance(data_dir: Path | str, old: str, la_name: str, base_year: int) -> tuple[float | None, str]:
    """Cumulative DSG balance at 31 March base_year: % of DSG income (S251-derived) x total DSG allocation."""
    label = fy_label(base_year)
    pct = pd_.read_table(data_dir, DSG_BALANCE_FILE, ["geographic_level", "la_name", "financial_year"])
    pct_col = "DSG cumulative balance as a % of the total income"
    pct = pct.filter((pl.col("geographic_level") == pd_.LA_LEVEL) & (pl.col("financial_year") == label))
    pct = pd_.numbers(pct, [pct_col], DSG_BALANCE_FILE, integer=False)
    key = pd_._normalise_name(la_name)
    share = next((v for n, v in pct.select("la_name", pct_col).iter_rows() if pd_._normalise_name(n) == key), None)
    total = pd_.read_table(data_dir, DSG_TOTAL_FILE, ["row_type", "la_code", "time_period"])
    total = total.filter(
        (pl.col("row_type") == "local_authority")
        & (pl.col("la_code") == old)
        & (pl.col("time_period") == period(base_year))
    )
    total = pd_.numbers(total, ["Total DSG allocation (£s)"], DSG_TOTAL_FILE, integer=False)
    income = total["Total DSG allocation (£s)"].to_list()[0] if total.height else None
    if share is None or income is None:
        return None, f"no DSG balance for {label} in {DSG_BALANCE_FILE}: opening balance 0"
    return share / 100.0 * income, (
        f"{DSG_BALANCE_FILE} {label} ({share:+.2f}% of total DSG income) x {DSG_TOTAL_FILE} {label}"
    )


FINANCE_LINES = (
    "s251_outturn__place_funding",
    "s251_outturn__early_years",
    "s251_outturn__primary",
    "s251_outturn__secondary",
    "s251_outturn__special_schools_and_academies",
    "s251_outturn__prus_and_ap_academies",
    "s251_outturn__post_school",
    "s251_outturn__top_up_funding_maintained_schools_academies_free_schools_and_colleges",
    "s251_outturn__early_years_1",
    "s251_outturn__primary_1",
    "s251_outturn__secondary_1",
    "s251_outturn__special_schools_and_academies_1",
    "s251_outturn__prus_and_ap_academies_1",
    "s251_outturn__post_school_1",
    "s251_outturn__income_1",
    "s251_outturn__top_up_funding_non_maintained_and_independent_schools_and_colleges",
    "s251_outturn__sen_support_and_inclusion_services",
    "s251_outturn__alternative_provision_services",
    "s251_outturn__hospital_education_services",
    "s251_outturn__therapies_and_other_health_related_services",
)


@functools.lru_cache(maxsize=4)
def _benchmarking(data_dir: str) -> dict[str, dict[str, float]]:
    frame = pd_.read_table(data_dir, BENCHMARKING_FILE, ["la_code", *FINANCE_LINES])
    frame = pd_.numbers(frame, FINANCE_LINES, BENCHMARKING_FILE, integer=False)
    out = {}
    for record in frame.iter_rows(named=True):
        code = str(record["la_code"] or "").strip()
        if re.fullmatch(r"\d{3}", code):
            out[code] = {k.removeprefix("s251_outturn__"): float(record[k] or 0.0) for k in FINANCE_LINES}
    return out


def benchmarking(data_dir: Path | str) -> dict[str, dict[str, float]]:
    """S251 high needs outturn 2021-22 lines by old LA number (missing lines are 0)."""
    return _benchmarking(str(Path(data_dir).resolve()))


@functools.lru_cache(maxsize=8)
def _settings_table(data_dir: str, time_period: str) -> dict[str, np.ndarray]:
    try:
        mix = pd_.setting_mix(data_dir, time_period)
    except pd_.PublicDataError:
        return {}
    out: dict[str, np.ndarray] = {}
    for code, key, count in mix.select("old_la_code", "setting", "count").iter_rows():
        out.setdefault(code, np.zeros(len(SETTINGS)))[S[PUBLIC_SETTING[key]]] += count or 0
    return out


def settings_at(data_dir: Path | str, old: str, year: int) -> np.ndarray | None:
    """Plans by model setting at January ``year`` (None when unpublished)."""
    found = _settings_table(str(Path(data_dir).resolve()), period(year)).get(old)
    return None if found is None else found.copy()


def load_public(data_dir: Path | str, la_code: str, base_year: int) -> PublicInputs:
    """The public figures for one LA, as published by January ``base_year``."""
    old = resolve_code(data_dir, la_code)
    hist = _history(str(Path(data_dir).resolve()), base_year)
    codes = hist.las["old_la_code"].to_list()
    if old not in codes:
        raise pd_.PublicDataError(f"LA {la_code} published no EHCP caseload for January {base_year}")
    i = codes.index(old)
    row = hist.las.row(i, named=True)
    notes: list[str] = []
    groups = hist.groups[i]
    age_counts = groups[-1][GROUP_OF_AGE] * hist.profile[i]
    scale = hist.totals[i, -1] / age_counts.sum() if age_counts.sum() > 0 else 1.0
    age_counts = age_counts * scale
    population = hist.population[i].copy()

    settings_now = settings_at(data_dir, old, base_year)
    if settings_now is None:
        # An earlier January's mix, scaled to this January's total.
        for back in range(base_year - 1, base_year - 4, -1):
            earlier = settings_at(data_dir, old, back)
            if earlier is not None and earlier.sum() > 0:
                settings_now = earlier / earlier.sum() * hist.totals[i, -1]
                notes.append(f"settings at January {base_year} unpublished: January {back} mix used")
                break
    if settings_now is None:
        raise pd_.PublicDataError(f"no caseload by setting for LA {old} up to January {base_year}")
    settings_before = settings_at(data_dir, old, base_year - 1)

    last_activity = base_year - 1
    by_group = _new_plans_by_group(data_dir, old, last_activity)
    act = pd_.activity(data_dir).filter(
        (pl.col("old_la_code") == old) & (pl.col("year").cast(pl.Int64, strict=False) <= last_activity)
    )
    requests = {int(y): float(r) for y, r in act.select("year", "requests").iter_rows() if r is not None}
    totals = {int(y): float(n) for y, n in act.select("year", "new_plans").iter_rows() if n is not None}
    for y, v in by_group.items():
        totals.setdefault(y, float(v.sum()))
    recent = sorted(totals)[-3:]
    new_settings = _newplans_settings(data_dir, old, recent)
    if new_settings.sum() <= 0:
        new_settings = settings_now.copy()
        notes.append("no new plans by setting: the caseload mix is used for joiners")

    allocations = _allocations(data_dir, old)
    balance, balance_source = _balance(data_dir, old, row["la_name"], base_year)
    if balance is None:
        notes.append(balance_source)
    eng_caseload, eng_new, eng_profile = _england(str(Path(data_dir).resolve()), base_year)
    finance = benchmarking(data_dir).get(old)
    if finance is None:
        notes.append(f"no high needs benchmarking row for LA {old}: national unit costs used")
    return PublicInputs(
        la_code=old,
        new_la_code=row["new_la_code"] or "",
        la_name=row["la_name"],
        base_year=base_year,
        age_counts=age_counts,
        age_groups_history=groups,
        history_years=hist.years,
        population=population,
        profile=hist.profile[i].copy(),
        settings_now=settings_now,
        settings_before=settings_before,
        new_plans_by_group=by_group,
        new_plan_settings=new_settings,
        new_plans_total=totals,
        requests=requests,
        allocations=allocations,
        balance=balance,
        balance_source=balance_source,
        finance=finance,
        england_caseload_by_group=eng_caseload,
        england_new_plans_by_group=eng_new,
        england_profile=eng_profile,
        notes=notes,
    )
