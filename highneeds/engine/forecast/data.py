"""Readers of the public history the forecast is calibrated on, with the base-year cut-off.

Pure polars/numpy. Reuses :mod:`highneeds.engine.publicdata` for parsing (markers are nulls,
never zero; LAs keyed by the 3-digit ``old_la_code``). Every reader here takes ``base_year`` and
drops any row published after it: EHCP caseload snapshots after January ``base_year`` are
ignored, whatever the folder holds.

Sources (January snapshots):

* ``send_ap_inclusion_dashboard_derived/sen2_caseload_by_age_group_by_la_2010_to_2023.csv``:
  caseload by five age groups, ``time_period`` YYYY = January YYYY (its 2021 national total is
  430,697 = caseload.csv 202021). The 20-25 group only exists from 2015 (EHC plans replaced
  statements from September 2014), so the age-group history used starts in January 2015.
* ``ehcp_sen2_2025/data/caseload.csv`` (breakdown "All EHC plans"): LA totals, ``time_period``
  201819 = January 2019 ... 202122 = January 2022. Where both files give an LA total for a
  January, this file wins. A January with a total but no age breakdown takes the LA's latest
  earlier age shares (as publicdata.age_profile does for January 2022).
* ``population_ons_mye2023``: ONS mid-2023 population by single year of age 0-25 (one year only):
  used as each LA's age profile within age groups and as the base of the population growth
  assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from highneeds.engine import publicdata as pd_

AGE_GROUP_NAMES = tuple(pd_.AGE_GROUPS)  # Under 5, 5-10, 11-15, 16-19, 20-25
AGES = np.arange(26)
GROUP_OF_AGE = np.array([next(i for i, (lo, hi) in enumerate(pd_.AGE_GROUPS.values()) if lo <= a <= hi) for a in AGES])
FIRST_FULL_YEAR = 2015  # first January with the 20-25 group (EHC plans); totals start here
FIRST_YEAR = 2010  # the under-20 groups go back to January 2010 (statements and plans)
POPULATION_FILE = "population_ons_mye2023/ons_mye2_persons_mid2023_upper_tier_la_age0_25.csv"


@dataclass(frozen=True)
class History:
    """Caseload by LA, January and age group, as published by the base year.

    ``groups``: float array (LA, year, group), NaN where unpublished. ``totals``: (LA, year).
    ``years``: the Januaries (ascending, last == base_year). ``las``: old_la_code, new_la_code,
    la_name of the LAs publishing a total in January base_year, in ``old_la_code`` order.
    ``profile``: (LA, 26) population share of each single age within its age group.
    ``population``: (LA, 26) ONS mid-2023 population.
    """

    base_year: int
    years: np.ndarray
    las: pl.DataFrame
    groups: np.ndarray
    totals: np.ndarray
    profile: np.ndarray
    population: np.ndarray


def _dashboard(data_dir: Path | str, base_year: int) -> pl.DataFrame:
    rel = pd_.AGE_FILE_DASHBOARD
    frame = pd_.read_table(
        data_dir,
        rel,
        [
            "time_period",
            "geographic_level",
            "old_la_code",
            "new_la_code",
            "la_name",
            "characteristic_age",
            "num_caseload",
        ],
    )
    frame = frame.filter(pl.col("geographic_level") == pd_.LA_LEVEL)
    frame = pd_._check_la_codes(frame, rel)
    frame = frame.with_columns(
        year=pl.col("time_period").str.strip_chars().str.slice(0, 4).cast(pl.Int64, strict=False)
    )
    frame = frame.filter(
        pl.col("year").is_not_null()
        & (pl.col("year") <= base_year)
        & pl.col("characteristic_age").is_in(list(AGE_GROUP_NAMES))
    )
    frame = pd_.numbers(frame, ["num_caseload"], rel)
    return frame.select(
        "year",
        "old_la_code",
        "new_la_code",
        "la_name",
        group=pl.col("characteristic_age"),
        count=pl.col("num_caseload"),
    )


def _caseload_totals(data_dir: Path | str, base_year: int) -> pl.DataFrame:
    frame = pd_.caseload(data_dir).filter(pl.col("geographic_level") == pd_.LA_LEVEL)
    frame = frame.with_columns(year=pl.col("time_period").str.slice(0, 4).cast(pl.Int64, strict=False) + 1)
    return frame.filter(pl.col("year") <= base_year).select(
        "year", "old_la_code", "new_la_code", "la_name", total=pl.col("ehcplans")
    )


def _population(data_dir: Path | str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    rel = POPULATION_FILE
    cols = [f"age_{a}" for a in AGES]
    frame = pd_.read_table(data_dir, rel, ["area_code", "geography", *cols])
    frame = pd_.numbers(frame, cols, rel)
    codes = pd_.new_to_old_codes(data_dir)
    by_la: dict[str, np.ndarray] = {}
    england = None
    for row in frame.iter_rows(named=True):
        values = np.array([row[c] if row[c] is not None else np.nan for c in cols], dtype=float)
        if row["geography"] == "Country":
            england = values
            continue
        old = codes.get(row["area_code"].strip())
        if old:
            by_la[old] = by_la.get(old, 0) + values
    # Cumbria (909) published EHCP figures until its April 2023 split into Cumberland and Westmorland
    # and Furness (ONS E06000063/E06000064); its population is their sum.
    cumbria = [frame.filter(pl.col("area_code") == c) for c in ("E06000063", "E06000064")]
    if all(f.height for f in cumbria) and "909" not in by_la:
        by_la["909"] = sum(np.array([f.row(0, named=True)[c] for c in cols], dtype=float) for f in cumbria)
    if england is None:
        england = np.nansum(np.stack(list(by_la.values())), axis=0)
    return by_la, england


def within_group_profile(population: np.ndarray) -> np.ndarray:
    """Share of each single age in its age group's population (..., 26)."""
    pop = np.maximum(np.nan_to_num(population, nan=0.0), 0.0)
    sums = np.zeros(pop.shape[:-1] + (len(AGE_GROUP_NAMES),))
    for g in range(len(AGE_GROUP_NAMES)):
        sums[..., g] = pop[..., GROUP_OF_AGE == g].sum(axis=-1)
    denom = sums[..., GROUP_OF_AGE]
    width = np.bincount(GROUP_OF_AGE)[GROUP_OF_AGE].astype(float)
    return np.where(denom > 0, pop / np.where(denom > 0, denom, 1.0), 1.0 / width)


def load_history(data_dir: Path | str, base_year: int) -> History:
    """The published history up to January ``base_year`` (later rows in the folder are ignored)."""
    dash = _dashboard(data_dir, base_year)
    tots = _caseload_totals(data_dir, base_year)
    current = tots.filter(pl.col("year") == base_year)
    if current.is_empty():
        current = dash.filter(pl.col("year") == base_year).group_by("old_la_code", "new_la_code", "la_name").agg()
    if current.is_empty():
        raise pd_.PublicDataError(f"no EHCP caseload published for January {base_year} under {data_dir}")
    las = current.select("old_la_code", "new_la_code", "la_name").unique("old_la_code").sort("old_la_code")
    codes = las["old_la_code"].to_list()
    index = {c: i for i, c in enumerate(codes)}
    first = min(FIRST_YEAR, base_year)
    years = np.arange(first, base_year + 1)
    yidx = {int(y): i for i, y in enumerate(years)}
    groups = np.full((len(codes), len(years), len(AGE_GROUP_NAMES)), np.nan)
    gidx = {g: i for i, g in enumerate(AGE_GROUP_NAMES)}
    for y, la, g, n in dash.select("year", "old_la_code", "group", "count").iter_rows():
        if la in index and y in yidx and n is not None:
            groups[index[la], yidx[y], gidx[g]] = n
    complete = ~np.isnan(groups).any(axis=2)
    under20 = ~np.isnan(groups[:, :, :4]).any(axis=2)
    groups[~under20] = np.nan
    totals = np.where(complete, groups.sum(axis=2), np.nan)
    for y, la, n in tots.select("year", "old_la_code", "total").iter_rows():
        if la in index and y in yidx and n is not None:
            totals[index[la], yidx[y]] = n
    # Januaries with a total but no age breakdown: the LA's latest earlier shares (else national).
    national_shares = np.nansum(groups, axis=0)
    for t in range(len(years)):
        missing = np.isnan(groups[:, t]).any(axis=1) & ~np.isnan(totals[:, t])
        if not missing.any():
            continue
        shares = np.full((len(codes), len(AGE_GROUP_NAMES)), np.nan)
        for back in range(t - 1, -1, -1):
            fill = np.isnan(shares[:, 0]) & complete[:, back]
            shares[fill] = groups[fill, back] / groups[fill, back].sum(axis=1, keepdims=True)
        nat_t = national_shares[t] if national_shares[t].sum() > 0 else national_shares[: t + 1].sum(axis=0)
        nat_t = nat_t / nat_t.sum() if nat_t.sum() > 0 else np.full(len(AGE_GROUP_NAMES), 0.2)
        shares = np.where(np.isnan(shares), nat_t, shares)
        groups[missing, t] = totals[missing, t, None] * shares[missing]
    pop_by_la, england = _population(data_dir)
    population = np.stack([pop_by_la.get(c, england * np.nan) for c in codes])
    lacking = np.isnan(population).any(axis=1)
    # An LA without an ONS row takes England's age profile, scaled to its caseload.
    population[lacking] = england
    return History(
        base_year=base_year,
        years=years,
        las=las,
        groups=groups,
        totals=totals,
        profile=within_group_profile(population),
        population=population,
    )


def actual_totals(data_dir: Path | str, last_year: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    """For the backtest: every LA's published total per January up to ``last_year`` (codes, years, values)."""
    hist = load_history(data_dir, last_year)
    return hist.years, hist.las["old_la_code"].to_list(), hist.totals


MI_FILE = "ehcp_sen2_2022/data/sen2_mi.csv"
# New EHC plans by LA, calendar year and the five age groups (2022 release; calendar 2009-2021 here).
AGE_NEW_PLANS_FILE = "ehcp_sen2_2022/data/sen2_age_new_plans.csv"


@dataclass(frozen=True)
class Flows:
    """Calendar-year activity per LA as published by the base year (calendar years up to ``base_year - 1``).

    ``new_plans`` and ``requests``: float arrays (LA, year) aligned with ``History.las``, NaN where not
    published. ``years``: the calendar years (ascending). New plans made in calendar year y are in the
    January y+1 caseload and not in January y's.
    """

    years: np.ndarray
    new_plans: np.ndarray
    requests: np.ndarray
    # (LA, year, 5): new EHC plans by age group at the time of the plan, NaN where not published (None: no file)
    new_by_group: np.ndarray | None = None


def load_flows(data_dir: Path | str, h: History) -> Flows:
    """New EHC plans and requests for assessment by LA and calendar year, up to ``h.base_year - 1``.

    Sources: the 2022 release's ``sen2_mi.csv`` (``NewallEHC``, ``InreqEHC``: calendar 2014-2021 here) and the
    current release's ``newplans.csv`` / ``requests.csv`` (via :func:`publicdata.activity`), which win where
    both give a year: a newer download extends the series without any change here.
    """
    last = h.base_year - 1
    codes = h.las["old_la_code"].to_list()
    index = {c: i for i, c in enumerate(codes)}
    rows: dict[tuple[str, int], list] = {}
    mi_path = Path(data_dir) / MI_FILE
    if mi_path.is_file():
        mi = pd_.read_table(
            data_dir, MI_FILE, ["time_period", "geographic_level", "old_la_code", "NewallEHC", "InreqEHC"]
        )
        mi = pd_._check_la_codes(mi.filter(pl.col("geographic_level") == pd_.LA_LEVEL), MI_FILE)
        mi = pd_.numbers(mi, ["NewallEHC", "InreqEHC"], MI_FILE)
        for code, year, new, req in mi.select("old_la_code", "time_period", "NewallEHC", "InreqEHC").iter_rows():
            rows[(code, int(year))] = [new, req]
    current = (pd_.REQUESTS_FILE, pd_.NEWPLANS_FILE, pd_.TIMELINESS_FILE)
    activity = pd_.activity(data_dir) if all((Path(data_dir) / f).is_file() for f in current) else None
    for code, year, req, new in (
        activity.select("old_la_code", "year", "requests", "new_plans").iter_rows() if activity is not None else ()
    ):
        old = rows.get((code, int(year)), [None, None])
        rows[(code, int(year))] = [new if new is not None else old[0], req if req is not None else old[1]]
    years = sorted({y for _c, y in rows if y <= last})  # neither file: no flows (the cohort alone is used)
    years = np.arange(years[0], last + 1) if years else np.arange(last, last + 1)
    yidx = {int(y): i for i, y in enumerate(years)}
    new_plans = np.full((len(codes), len(years)), np.nan)
    requests = np.full((len(codes), len(years)), np.nan)
    for (code, year), (new, req) in rows.items():
        if code in index and year in yidx:
            if new is not None:
                new_plans[index[code], yidx[year]] = new
            if req is not None:
                requests[index[code], yidx[year]] = req
    return Flows(years=years, new_plans=new_plans, requests=requests, new_by_group=_new_by_group(data_dir, index, yidx))


def _new_by_group(data_dir: Path | str, index: dict[str, int], yidx: dict[int, int]) -> np.ndarray | None:
    """New EHC plans by LA, calendar year (those in ``yidx`` only: the cut-off) and age group; an LA-year
    with any group unpublished is all NaN. None when the file is not in the folder (newer downloads)."""
    if not (Path(data_dir) / AGE_NEW_PLANS_FILE).is_file():
        return None
    column = "Total_new_ehc"
    frame = pd_.read_table(
        data_dir, AGE_NEW_PLANS_FILE, ["time_period", "geographic_level", "old_la_code", "characteristic_age", column]
    )
    frame = frame.filter(
        (pl.col("geographic_level") == pd_.LA_LEVEL) & pl.col("characteristic_age").is_in(list(AGE_GROUP_NAMES))
    )
    frame = pd_.numbers(pd_._check_la_codes(frame, AGE_NEW_PLANS_FILE), [column], AGE_NEW_PLANS_FILE)
    out = np.full((len(index), len(yidx), len(AGE_GROUP_NAMES)), np.nan)
    for tp, code, age, n in frame.select("time_period", "old_la_code", "characteristic_age", column).iter_rows():
        year = int(str(tp)[:4])
        if code in index and year in yidx and n is not None:
            out[index[code], yidx[year], AGE_GROUP_NAMES.index(age)] = n
    out[np.isnan(out).any(axis=2)] = np.nan
    return out
