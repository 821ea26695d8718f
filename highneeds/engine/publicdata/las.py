"""Local authorities: names, old and new codes, and finding one by number or name."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from .ehcp import CASELOAD_FILE, caseload
from .reading import CENSUS_PERIOD, LA_LEVEL, PublicDataError, read_table

LA_HISTORY_FILE = "la_lookups_dfeR/las.csv"


def la_lookup(data_dir: Path | str, time_period: str = CENSUS_PERIOD) -> pl.DataFrame:
    """The LAs publishing a caseload for `time_period`: old_la_code, new_la_code, la_name, region_code, region_name.

    January 2022 has 152 LAs (Northamptonshire had split into North and West; Cumbria's split
    into two, making 153, came in April 2023).
    """
    frame = caseload(data_dir).filter((pl.col("time_period") == time_period) & (pl.col("geographic_level") == LA_LEVEL))
    if frame.is_empty():
        raise PublicDataError(f"{CASELOAD_FILE}: no LA rows for time_period {time_period}")
    return frame.select("old_la_code", "new_la_code", "la_name", "region_code", "region_name").sort("old_la_code")


def new_to_old_codes(data_dir: Path | str) -> dict[str, str]:
    """ONS (new) LA code -> old LA number, over every code any file here uses (old and new ONS codes)."""
    mapping: dict[str, str] = {}
    history = read_table(data_dir, LA_HISTORY_FILE, ["new_la_code", "old_la_code"])
    for new, old in history.select("new_la_code", "old_la_code").iter_rows():
        if new and old and re.fullmatch(r"\d{3}", old.strip()):
            mapping[new.strip()] = old.strip()
    for new, old in (
        caseload(data_dir)
        .filter(pl.col("geographic_level") == LA_LEVEL)
        .select("new_la_code", "old_la_code")
        .unique()
        .iter_rows()
    ):
        if new:
            mapping[new] = old
    return mapping


def _normalise_name(name: str) -> str:
    return re.sub(r"[^a-z]", "", (name or "").lower().replace("&", "and"))


def resolve_la(las: pl.DataFrame, code_or_name: str) -> str:
    """An old LA number from a 3-digit number or an LA name (case and punctuation ignored)."""
    wanted = str(code_or_name or "").strip()
    codes = set(las["old_la_code"].to_list())
    if re.fullmatch(r"\d{3}", wanted):
        if wanted in codes:
            return wanted
        raise PublicDataError(f"LA number {wanted} is not among the {len(codes)} LAs in the January 2022 caseload")
    key = _normalise_name(wanted)
    names = dict(
        zip(
            las["la_name"].map_elements(_normalise_name, return_dtype=pl.String).to_list(),
            las["old_la_code"].to_list(),
            strict=True,
        )
    )
    if key in names:
        return names[key]
    partial = sorted({code for name, code in names.items() if key and key in name})
    if len(partial) == 1:
        return partial[0]
    hint = ", ".join(las.filter(pl.col("old_la_code").is_in(partial))["la_name"].to_list()[:6])
    raise PublicDataError(f"No single LA matches {wanted!r}" + (f" (did you mean one of: {hint}?)" if hint else ""))
