"""Education, health and care plans (the SEN2 collection): caseload by setting, age, need, and the year's activity."""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl

from .reading import (
    CENSUS_PERIOD,
    LA_LEVEL,
    PublicDataError,
    _check_la_codes,
    _check_levels,
    _path,
    numbers,
    read_table,
)
from .vocabulary import (
    _GROUP_REMAINDER,
    AGE_GROUPS,
    FALLBACK_NEED_MIX,
    FALLBACK_NEED_SOURCE,
    NEED_CODES_EHCP,
    SETTING_GROUPS,
    SETTINGS,
)

CASELOAD_FILE = "ehcp_sen2_2025/data/caseload.csv"
AGE_FILE = "ehcp_sen2_2022/data/sen2_age_caseload.csv"
AGE_FILE_DASHBOARD = "send_ap_inclusion_dashboard_derived/sen2_caseload_by_age_group_by_la_2010_to_2023.csv"
NEEDS_FILE = "ehcp_sen2_2025/data/sen_needs_all_plans.csv"
REQUESTS_FILE = "ehcp_sen2_2025/data/requests.csv"
NEWPLANS_FILE = "ehcp_sen2_2025/data/newplans.csv"
TIMELINESS_FILE = "ehcp_sen2_2025/data/timeliness_20_week.csv"

# LAs that replaced one that has no age breakdown of its own in the January 2021 file.
SUCCESSORS = {"940": "928", "941": "928"}


def caseload(data_dir: Path | str) -> pl.DataFrame:
    """EHC plans at January each year (``caseload.csv``, breakdown "All EHC plans"), all levels.

    Columns: time_period, geographic_level, region_code, region_name, new_la_code, old_la_code,
    la_name, ehcplans and every setting column, as Int64 with nulls for markers. Read once per
    file version (the result is cached; polars frames are immutable).
    """
    path = _path(data_dir, CASELOAD_FILE)
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return _caseload_cached(str(Path(data_dir).resolve()), stamp)


@functools.lru_cache(maxsize=4)
def _caseload_cached(data_dir: str, _stamp: int) -> pl.DataFrame:
    required = [
        "time_period",
        "geographic_level",
        "region_code",
        "region_name",
        "new_la_code",
        "old_la_code",
        "la_name",
        "breakdown_topic",
        "breakdown",
        "ehcplans",
    ]
    frame = read_table(data_dir, CASELOAD_FILE, required)
    _check_levels(frame, CASELOAD_FILE)
    frame = frame.filter(pl.col("breakdown") == "All EHC plans")
    frame = _check_la_codes(frame, CASELOAD_FILE)
    count_columns = [c for c in frame.columns[frame.columns.index("ehcplans") :] if not c.lower().endswith("_pc")]
    frame = numbers(frame, count_columns, CASELOAD_FILE)
    return frame.drop([c for c in frame.columns if c.lower().endswith("_pc")])


def national_caseload_series(data_dir: Path | str) -> pl.DataFrame:
    """Per January: the national total, and the sums over LAs and over regions (reconciliation check 1)."""
    frame = caseload(data_dir)
    national = frame.filter(pl.col("geographic_level") == "National").select("time_period", national=pl.col("ehcplans"))
    la_sum = (
        frame.filter(pl.col("geographic_level") == LA_LEVEL)
        .group_by("time_period")
        .agg(la_sum=pl.col("ehcplans").sum(), las=pl.len(), la_nulls=pl.col("ehcplans").null_count())
    )
    region_sum = (
        frame.filter(pl.col("geographic_level") == "Regional")
        .group_by("time_period")
        .agg(region_sum=pl.col("ehcplans").sum())
    )
    return (
        national.join(la_sum, on="time_period", how="left")
        .join(region_sum, on="time_period", how="left")
        .sort("time_period")
    )


def setting_mix(data_dir: Path | str, time_period: str = CENSUS_PERIOD) -> pl.DataFrame:
    """EHC plans by setting at January, long: old_la_code, setting, group, count.

    Each :data:`SETTINGS` entry sums its columns (markers count as unknown). Where a group's
    published total exceeds its known parts (a part published as "x", as elective home education
    is for 2018/19), the difference is put in the group's main setting; "other" is what remains of
    the total after the published groups. For 2021/22 every part is published, except columns
    that did not exist yet (UKRLP providers, online providers, Welsh settings, ...), which are "x"
    and count as none.
    """
    frame = caseload(data_dir).filter((pl.col("time_period") == time_period) & (pl.col("geographic_level") == LA_LEVEL))
    if frame.is_empty():
        raise PublicDataError(f"{CASELOAD_FILE}: no LA rows for time_period {time_period}")
    rows = []
    for record in frame.iter_rows(named=True):
        total = record["ehcplans"]
        if total is None:
            raise PublicDataError(f"{CASELOAD_FILE}: row {record['_row']}: the EHC plan total is missing")
        parts = {s.key: sum(record.get(c) or 0 for c in s.columns) for s in SETTINGS}
        published_groups = 0
        for group, total_column in SETTING_GROUPS.items():
            known = sum(parts[s.key] for s in SETTINGS if s.group == group)
            if total_column is None:
                group_total = total - published_groups
            else:
                group_total = record.get(total_column)
                if group_total is None:
                    group_total = known
                published_groups += group_total
            extra = group_total - known
            if extra < 0:
                raise PublicDataError(
                    f"{CASELOAD_FILE}: row {record['_row']}: the {group} settings add up to {known}, "
                    f"more than their published total {group_total}"
                )
            parts[_GROUP_REMAINDER[group]] += extra
        for setting in SETTINGS:
            rows.append((record["old_la_code"], setting.key, setting.group, parts[setting.key]))
    return pl.DataFrame(
        rows,
        schema={"old_la_code": pl.String, "setting": pl.String, "group": pl.String, "count": pl.Int64},
        orient="row",
    )


def age_profile(data_dir: Path | str, year: str = "2021") -> pl.DataFrame:
    """Shares of EHC plans by age group at January `year`, long: old_la_code, age_group, count, share, source.

    From ``ehcp_sen2_2022/data/sen2_age_caseload.csv`` (column ``Total_ehc``); the dashboard-derived
    ``sen2_caseload_by_age_group...`` file holds the same figures and is used only for LAs the
    first lacks. Successor LAs (:data:`SUCCESSORS`) take their predecessor's shares. The newest
    breakdown in this copy is January 2021: the age targets for January 2022 are these shares
    applied to the January 2022 total.
    """
    keys = ["time_period", "geographic_level", "old_la_code", "characteristic_age"]
    first = read_table(data_dir, AGE_FILE, [*keys, "Total_ehc"])
    _check_levels(first, AGE_FILE)
    first = _check_la_codes(first.filter(pl.col("time_period") == year), AGE_FILE)
    first = (
        numbers(first, ["Total_ehc"], AGE_FILE)
        .filter((pl.col("geographic_level") == LA_LEVEL) & pl.col("characteristic_age").is_in(list(AGE_GROUPS)))
        .select(
            "old_la_code",
            age_group=pl.col("characteristic_age"),
            count=pl.col("Total_ehc"),
            source=pl.lit(f"{AGE_FILE} January {year}"),
        )
    )
    second = read_table(data_dir, AGE_FILE_DASHBOARD, [*keys, "num_caseload"])
    second = _check_la_codes(second.filter(pl.col("time_period") == year), AGE_FILE_DASHBOARD)
    second = (
        numbers(second, ["num_caseload"], AGE_FILE_DASHBOARD)
        .filter(
            (pl.col("geographic_level") == LA_LEVEL)
            & pl.col("characteristic_age").is_in(list(AGE_GROUPS))
            & ~pl.col("old_la_code").is_in(first["old_la_code"].unique().to_list())
        )
        .select(
            "old_la_code",
            age_group=pl.col("characteristic_age"),
            count=pl.col("num_caseload"),
            source=pl.lit(f"{AGE_FILE_DASHBOARD} January {year}"),
        )
    )
    frame = pl.concat([first, second])
    # Under-25s are not published for every LA in early years; a missing group is a missing figure.
    successors = []
    for new, old in SUCCESSORS.items():
        if frame.filter(pl.col("old_la_code") == new).is_empty():
            successors.append(
                frame.filter(pl.col("old_la_code") == old).with_columns(
                    old_la_code=pl.lit(new), source=pl.col("source") + f" (predecessor LA {old})"
                )
            )
    frame = pl.concat([frame, *successors])
    return frame.with_columns(share=pl.col("count") / pl.col("count").sum().over("old_la_code")).sort(
        "old_la_code", "age_group"
    )


def need_mix(data_dir: Path | str, time_period: str = CENSUS_PERIOD) -> pl.DataFrame:
    """Primary need shares (%), long: old_la_code (null = every LA), status (E or K), need, pct, source.

    **This copy has no LA-level (or national) primary-need mix for EHC plans or SEN support**, as
    the docstring of this module explains. The EES file of EHC plans by primary need
    (``sen_needs_all_plans.csv``, columns ``number_<need>``) is header-only here; when a copy
    with LA rows for `time_period` is supplied, its EHC plan shares are returned per LA. Otherwise,
    and always for SEN support, the rows come from :data:`FALLBACK_NEED_MIX` with
    ``old_la_code`` null and the source saying so.
    """
    rows: list[tuple] = []
    path = _path(data_dir, NEEDS_FILE)
    if path.is_file():
        frame = read_table(data_dir, NEEDS_FILE)
        if frame.height and {"time_period", "geographic_level", "old_la_code", "breakdown"} <= set(frame.columns):
            frame = frame.filter(
                (pl.col("time_period") == time_period)
                & (pl.col("geographic_level") == LA_LEVEL)
                & pl.col("breakdown").str.to_lowercase().str.contains("all")
            )
            need_columns = {n: f"number_{n.lower()}" for n in NEED_CODES_EHCP if f"number_{n.lower()}" in frame.columns}
            if frame.height and need_columns:
                frame = numbers(_check_la_codes(frame, NEEDS_FILE), need_columns.values(), NEEDS_FILE)
                for record in frame.iter_rows(named=True):
                    known = {n: record[c] for n, c in need_columns.items() if record[c] is not None}
                    total = sum(known.values())
                    for need, count in known.items():
                        rows.append(
                            (
                                record["old_la_code"],
                                "E",
                                need,
                                100.0 * count / total if total else None,
                                f"{NEEDS_FILE} {time_period}",
                            )
                        )
    has_la_ehcp = bool(rows)
    for status, mix in FALLBACK_NEED_MIX.items():
        if status == "E" and has_la_ehcp:
            continue
        for need, pct in mix.items():
            rows.append((None, status, need, pct, FALLBACK_NEED_SOURCE))
    return pl.DataFrame(
        rows,
        schema={
            "old_la_code": pl.String,
            "status": pl.String,
            "need": pl.String,
            "pct": pl.Float64,
            "source": pl.String,
        },
        orient="row",
    )


def activity(data_dir: Path | str) -> pl.DataFrame:
    """Calendar-year activity by LA: old_la_code, year, requests, requests_refused, new_plans,
    issued (plans counted for timeliness), issued_within_20_weeks (both including exceptions)."""

    def la_rows(relative, columns):
        frame = read_table(data_dir, relative, ["time_period", "geographic_level", "old_la_code", *columns])
        _check_levels(frame, relative)
        frame = _check_la_codes(frame.filter(pl.col("geographic_level") == LA_LEVEL), relative)
        return numbers(frame, columns, relative).select(pl.col("old_la_code"), year=pl.col("time_period"), *columns)  # noqa: B026 (column order: code, year, then the figures)

    requests = la_rows(REQUESTS_FILE, ["requests_received_in_year", "requests_decided_not_to_assess"])
    plans = la_rows(NEWPLANS_FILE, ["new_ehc_plans"])
    timely = la_rows(TIMELINESS_FILE, ["plans_issued_den", "plans_issued_within_20_weeks"])
    frame = requests.join(plans, on=["old_la_code", "year"], how="full", coalesce=True).join(
        timely, on=["old_la_code", "year"], how="full", coalesce=True
    )
    return frame.select(
        "old_la_code",
        "year",
        requests=pl.col("requests_received_in_year"),
        requests_refused=pl.col("requests_decided_not_to_assess"),
        new_plans=pl.col("new_ehc_plans"),
        issued=pl.col("plans_issued_den"),
        issued_within_20_weeks=pl.col("plans_issued_within_20_weeks"),
    ).sort("old_la_code", "year")
