"""Readers of the public DfE/ONS data (the shared `data` folder) as calibration targets per LA.

Pure Python and polars, no Django: give each function the data folder (Django keeps it in
``settings.SHARED_DATA_DIR``). Every frame is keyed by the 3-digit old LA number (``old_la_code``),
which is stable across the ONS code changes of North Yorkshire, Buckinghamshire and Somerset.

Conventions, held by every reader here:

* DfE suppression and missing markers (``x c z : u low`` and empty cells) become nulls, never 0.
* A cell that is neither a number nor a marker, a missing column, or an LA row without a
  3-digit LA number raises :class:`PublicDataError`, naming the file and the data row (row 1 is
  the first row after the header).
* Counts are ``Int64``; percentages and shares ``Float64``.

What this copy holds, and what is derived (say so wherever a figure is shown):

* **EHCP caseload, January 2022**: ``ehcp_sen2_2025/data/caseload.csv``, ``time_period`` 202122,
  breakdown "All EHC plans": total and the setting columns, at LA level, as published.
* **Age profile**: no file here breaks the January 2022 caseload down by age. The latest LA-level
  age breakdown is January 2021 (``ehcp_sen2_2022/data/sen2_age_caseload.csv``, whose
  ``time_period`` 2021 is the January 2021 caseload: its LA totals equal caseload.csv 202021).
  :func:`age_profile` returns those shares; targets apply them to the January 2022 total. North
  and West Northamptonshire (940, 941) did not exist in January 2021 and take Northamptonshire's
  (928) shares.
* **SEN support**: derived, see :func:`sen_support`.
* **Need mix**: see :func:`need_mix`: this copy has no primary need for EHC plans or SEN support
  by LA, nor nationally, so a documented national fallback is used unless a
  ``sen_needs_all_plans.csv`` with rows is supplied.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import polars as pl

MISSING_MARKERS = frozenset({"x", "c", "z", ":", "u", "low", ""})
CENSUS_PERIOD = "202122"
CENSUS_DATE = date(2022, 1, 20)  # the January 2022 school census day (third Thursday)
LA_LEVEL = "Local authority"

CASELOAD_FILE = "ehcp_sen2_2025/data/caseload.csv"
AGE_FILE = "ehcp_sen2_2022/data/sen2_age_caseload.csv"
AGE_FILE_DASHBOARD = "send_ap_inclusion_dashboard_derived/sen2_caseload_by_age_group_by_la_2010_to_2023.csv"
PCT_SEN_FILE = "send_ap_inclusion_dashboard_derived/sen_in_england_pct_pupils_ehcp_sen_support_by_la_2017-18_to_2022-23.csv"
MAINSTREAM_FILE = ("send_ap_inclusion_dashboard_derived/"
                   "sen_in_england_state_funded_mainstream_pupils_pct_sen_by_la_2017-18_to_2022-23.csv")
PHASE_FILE = ("send_ap_inclusion_dashboard_derived/"
              "sen_in_england_phase_type_distribution_by_sen_status_by_la_2017-18_to_2022-23.csv")
NEEDS_FILE = "ehcp_sen2_2025/data/sen_needs_all_plans.csv"
CIN_FILE = "send_ap_inclusion_dashboard_derived/cin_by_sen_provision_la_raw.csv"
REQUESTS_FILE = "ehcp_sen2_2025/data/requests.csv"
NEWPLANS_FILE = "ehcp_sen2_2025/data/newplans.csv"
TIMELINESS_FILE = "ehcp_sen2_2025/data/timeliness_20_week.csv"
S41_FILE = "independent_special_schools_s41_2022/approved_s41_list_2022-03-22.csv"
LA_HISTORY_FILE = "la_lookups_dfeR/las.csv"

# LAs that replaced one that has no age breakdown of its own in the January 2021 file.
SUCCESSORS = {"940": "928", "941": "928"}

AGE_GROUPS: dict[str, tuple[int, int]] = {
    "Under 5": (0, 4),
    "Age 5 to 10": (5, 10),
    "Age 11 to 15": (11, 15),
    "Age 16 to 19": (16, 19),
    "Age 20 to 25": (20, 25),
}

NEED_CODES_EHCP = ("ASD", "SLCN", "SEMH", "SLD", "MLD", "SPLD", "PD", "PMLD", "OTH", "HI", "VI", "MSI")
NEED_CODES_SEN_SUPPORT = (*NEED_CODES_EHCP, "NSA")

# Fallback need mixes, used only because this copy of the data has no primary-need breakdown of EHC
# plans or SEN support (sen_needs_all_plans.csv is header-only; lait and the SEN-in-England files
# carry none; cin_by_sen_provision_la_raw.csv covers children in need only and does not split EHC
# plans from SEN support). They are approximate national shares for pupils in schools in England
# around January 2022, written down to the nearest half per cent: illustrative, NOT copied from a
# published table. They agree with the headlines of DfE's "Special educational needs in England"
# 2021/22 release (autism the primary need of almost a third of pupils with a plan; speech,
# language and communication the commonest need on SEN support), but check every figure against
# the publication before quoting it. Supply a sen_needs_all_plans.csv with rows to use real,
# LA-level shares for EHC plans instead.
FALLBACK_NEED_MIX: dict[str, dict[str, float]] = {
    "E": {"ASD": 30.0, "SLCN": 15.0, "SEMH": 14.0, "SLD": 12.0, "MLD": 11.0, "SPLD": 4.0, "PD": 4.0,
          "PMLD": 3.5, "OTH": 3.0, "HI": 2.0, "VI": 1.0, "MSI": 0.5},
    "K": {"SLCN": 24.0, "MLD": 21.0, "SEMH": 19.0, "SPLD": 14.0, "ASD": 7.0, "NSA": 5.0, "OTH": 4.0,
          "PD": 2.5, "HI": 1.5, "SLD": 1.0, "VI": 0.8, "MSI": 0.2, "PMLD": 0.0},
}
FALLBACK_NEED_SOURCE = "national fallback (approximate, no need mix in the shared data)"


class PublicDataError(ValueError):
    """A file that cannot be read as expected; the message names the file and the row."""


# --------------------------------------------------------------------------------------------
# Settings named in the caseload file, grouped as DfE publishes them.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    key: str
    group: str
    columns: tuple[str, ...]
    establishment_type: str | None  # highneeds.engine.codes.ESTABLISHMENT_TYPES, None: no establishment
    placement_type: str = "ON_ROLL"
    label: str = ""
    provision: str = ""  # "rp" resourced provision, "unit" SEN unit


SETTINGS: tuple[Setting, ...] = (
    Setting("ms_la", "mainstream", ("mainstream_la_maintained",), "MS_LA", label="Mainstream LA maintained"),
    Setting("ms_la_rp", "mainstream", ("mainstream_la_maintained_resourced_provision",), "MS_LA", "UNIT",
            "Mainstream LA maintained, resourced provision", "rp"),
    Setting("ms_la_unit", "mainstream", ("mainstream_la_maintained_senunit",), "MS_LA", "UNIT",
            "Mainstream LA maintained, SEN unit", "unit"),
    Setting("ms_academy", "mainstream", ("mainstream_academy",), "MS_ACADEMY", label="Mainstream academy"),
    Setting("ms_academy_rp", "mainstream", ("mainstream_academy_resourced_provision",), "MS_ACADEMY", "UNIT",
            "Mainstream academy, resourced provision", "rp"),
    Setting("ms_academy_unit", "mainstream", ("mainstream_academy_senunit",), "MS_ACADEMY", "UNIT",
            "Mainstream academy, SEN unit", "unit"),
    Setting("ms_free", "mainstream", ("mainstream_free_school",), "MS_FREE", label="Mainstream free school"),
    Setting("ms_free_rp", "mainstream", ("mainstream_free_school_resourced_provision",), "MS_FREE", "UNIT",
            "Mainstream free school, resourced provision", "rp"),
    Setting("ms_free_unit", "mainstream", ("mainstream_free_school_senunit",), "MS_FREE", "UNIT",
            "Mainstream free school, SEN unit", "unit"),
    Setting("ms_independent", "mainstream", ("mainstream_independent",), "MS_INDEPENDENT",
            label="Mainstream independent"),
    Setting("sp_la", "special", ("special_la_maintained",), "SP_LA", label="Special LA maintained"),
    Setting("sp_academy", "special", ("special_academy_free",), "SP_ACADEMY", label="Special academy or free school"),
    Setting("sp_independent", "special", ("special_independent",), "SP_INDEPENDENT", label="Independent special"),
    Setting("sp_non_maintained", "special", ("special_non_maintained",), "SP_NON_MAINTAINED",
            label="Non-maintained special"),
    Setting("ap", "ap", ("ap_pru_academy", "ap_pru_free_school", "ap_pru_la_maintained"), "AP_PRU",
            label="Alternative provision or PRU"),
    Setting("fe", "fe", ("general_fe_tertiary_colleges", "ukrlp_provider"), "FE", label="FE college or sixth form"),
    Setting("post16_specialist", "fe", ("specialist_post_16_institutions",), "SPECIALIST_POST16",
            label="Specialist post-16 institution"),
    Setting("ehe", "elsewhere", ("elective_home_education",), None, label="Elective home education"),
    Setting("ola", "elsewhere", ("other_arrangements_la",), "OTHER", "EOTAS", "Other arrangements made by the LA"),
    Setting("opa", "elsewhere", ("other_arrangements_parents", "online_provider"), None,
            label="Other arrangements made by parents"),
    Setting("neet", "elsewhere", ("neet",), None, label="Not in education, employment or training"),
    Setting("early_years", "early_years", ("nm_early_years",), "EARLY_YEARS", label="Non-maintained early years"),
    Setting("other", "other", ("other_placement_settings", "other_schools", "w_settings", "placement_unknown"), None,
            label="Other or not recorded"),
    Setting("awaiting", "other", ("await_prov_2022",), None, label="Awaiting provision"),
    Setting("perm_excluded", "other", ("perm_ex_2022",), None, label="Permanently excluded"),
)
SETTING_KEYS = tuple(s.key for s in SETTINGS)
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}
SETTING_GROUPS: dict[str, str | None] = {  # group -> its published total column (None: the remainder)
    "mainstream": "mainstream_total",
    "special": "special_total",
    "ap": "ap_pru_total",
    "fe": "fe_total",
    "elsewhere": "ed_elsewhere",
    "early_years": "nm_early_years",
    "other": None,
}
GROUP_LABELS = {
    "mainstream": "Mainstream school", "special": "Special school", "ap": "AP / PRU", "fe": "FE and post-16",
    "elsewhere": "Educated elsewhere", "early_years": "Early years", "other": "Other / awaiting provision",
}
# Where a group's published total exceeds its known parts (a part was "x"), the rest goes here.
_GROUP_REMAINDER = {"mainstream": "ms_la", "special": "sp_la", "ap": "ap", "fe": "fe", "elsewhere": "ehe",
                    "early_years": "early_years", "other": "other"}

# Phase types in the SEN-in-England distribution file, for pupils on SEN support.
PHASE_TYPES = {
    "State-funded nursery": "nursery",
    "State-funded primary": "primary",
    "State-funded secondary": "secondary",
    "State-funded special school": "special",
    "State-funded AP school": "ap",
    "Independent school": "independent",
    "Non-maintained special school": "non_maintained_special",
}


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _path(data_dir: Path | str, relative: str) -> Path:
    return Path(data_dir) / relative


def read_table(data_dir: Path | str, relative: str, required: Sequence[str] = ()) -> pl.DataFrame:
    """Every column as text, with ``_row`` numbering data rows from 1; missing columns raise."""
    path = _path(data_dir, relative)
    if not path.is_file():
        raise PublicDataError(f"{relative}: file not found under {data_dir}")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except Exception as exc:  # polars raises several kinds; the caller needs the file name
        raise PublicDataError(f"{relative}: cannot be read as CSV ({exc})") from exc
    frame = frame.rename({c: c.strip() for c in frame.columns})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise PublicDataError(f"{relative}: missing column(s) {', '.join(missing)}")
    return frame.with_row_index("_row", offset=1)


def _is_marker(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return text.is_null() | text.str.to_lowercase().is_in(sorted(MISSING_MARKERS))


def numbers(frame: pl.DataFrame, columns: Iterable[str], relative: str, *, integer: bool = True) -> pl.DataFrame:
    """Columns parsed as numbers; markers become null; anything else raises naming file and row."""
    columns = [c for c in columns if c in frame.columns]
    if not columns:
        return frame

    def parsed(column: str) -> pl.Expr:
        text = pl.col(column).str.strip_chars().str.replace_all(",", "")
        return pl.when(_is_marker(column)).then(None).otherwise(text).cast(pl.Float64, strict=False)

    values = frame.select([parsed(c).alias(c) for c in columns])
    markers = frame.select([_is_marker(c).alias(c) for c in columns])
    bad = pl.DataFrame({c: ~markers[c] & values[c].is_null() for c in columns})
    if integer:
        fractional = pl.DataFrame({c: values[c].is_not_null() & (values[c] != values[c].round(0)) for c in columns})
    for column in columns:
        if bad[column].any():
            row = frame.filter(bad[column]).row(0, named=True)
            raise PublicDataError(
                f"{relative}: row {row['_row']}: column {column}: {row[column]!r} is neither a number "
                f"nor a DfE missing marker ({' '.join(sorted(m for m in MISSING_MARKERS if m))})"
            )
        if integer and fractional[column].any():
            row = frame.filter(fractional[column]).row(0, named=True)
            raise PublicDataError(f"{relative}: row {row['_row']}: column {column}: {row[column]!r} is not a whole count")
    if integer:
        values = values.select([pl.col(c).round(0).cast(pl.Int64) for c in columns])
    return frame.with_columns(values)


def _check_la_codes(frame: pl.DataFrame, relative: str, column: str = "old_la_code") -> pl.DataFrame:
    las = frame.filter(pl.col("geographic_level") == LA_LEVEL)
    bad = las.filter(~pl.col(column).fill_null("").str.strip_chars().str.contains(r"^\d{3}$"))
    if bad.height:
        row = bad.row(0, named=True)
        raise PublicDataError(f"{relative}: row {row['_row']}: an LA row without a 3-digit LA number ({row.get(column)!r})")
    return frame.with_columns(pl.col(column).str.strip_chars())


def _check_levels(frame: pl.DataFrame, relative: str, column: str = "geographic_level") -> None:
    known = {"National", "Regional", LA_LEVEL}
    bad = frame.filter(~pl.col(column).is_in(sorted(known)))
    if bad.height:
        row = bad.row(0, named=True)
        raise PublicDataError(f"{relative}: row {row['_row']}: unexpected geographic_level {row[column]!r}")


# --------------------------------------------------------------------------------------------
# LA names and codes
# --------------------------------------------------------------------------------------------


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
    required = ["time_period", "geographic_level", "region_code", "region_name", "new_la_code", "old_la_code",
                "la_name", "breakdown_topic", "breakdown", "ehcplans"]
    frame = read_table(data_dir, CASELOAD_FILE, required)
    _check_levels(frame, CASELOAD_FILE)
    frame = frame.filter(pl.col("breakdown") == "All EHC plans")
    frame = _check_la_codes(frame, CASELOAD_FILE)
    count_columns = [c for c in frame.columns[frame.columns.index("ehcplans"):] if not c.lower().endswith("_pc")]
    frame = numbers(frame, count_columns, CASELOAD_FILE)
    return frame.drop([c for c in frame.columns if c.lower().endswith("_pc")])


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
    for new, old in caseload(data_dir).filter(pl.col("geographic_level") == LA_LEVEL).select(
        "new_la_code", "old_la_code"
    ).unique().iter_rows():
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
    names = dict(zip(las["la_name"].map_elements(_normalise_name, return_dtype=pl.String).to_list(),
                     las["old_la_code"].to_list(), strict=True))
    if key in names:
        return names[key]
    partial = sorted({code for name, code in names.items() if key and key in name})
    if len(partial) == 1:
        return partial[0]
    hint = ", ".join(las.filter(pl.col("old_la_code").is_in(partial))["la_name"].to_list()[:6])
    raise PublicDataError(f"No single LA matches {wanted!r}" + (f" (did you mean one of: {hint}?)" if hint else ""))


# --------------------------------------------------------------------------------------------
# The figures
# --------------------------------------------------------------------------------------------


def national_caseload_series(data_dir: Path | str) -> pl.DataFrame:
    """Per January: the national total, and the sums over LAs and over regions (reconciliation check 1)."""
    frame = caseload(data_dir)
    national = frame.filter(pl.col("geographic_level") == "National").select("time_period", national=pl.col("ehcplans"))
    la_sum = frame.filter(pl.col("geographic_level") == LA_LEVEL).group_by("time_period").agg(
        la_sum=pl.col("ehcplans").sum(), las=pl.len(), la_nulls=pl.col("ehcplans").null_count())
    region_sum = frame.filter(pl.col("geographic_level") == "Regional").group_by("time_period").agg(
        region_sum=pl.col("ehcplans").sum())
    return national.join(la_sum, on="time_period", how="left").join(region_sum, on="time_period", how="left").sort(
        "time_period")


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
    return pl.DataFrame(rows, schema={"old_la_code": pl.String, "setting": pl.String, "group": pl.String,
                                      "count": pl.Int64}, orient="row")


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
    first = numbers(first, ["Total_ehc"], AGE_FILE).filter(
        (pl.col("geographic_level") == LA_LEVEL) & pl.col("characteristic_age").is_in(list(AGE_GROUPS))
    ).select("old_la_code", age_group=pl.col("characteristic_age"), count=pl.col("Total_ehc"),
             source=pl.lit(f"{AGE_FILE} January {year}"))
    second = read_table(data_dir, AGE_FILE_DASHBOARD, [*keys, "num_caseload"])
    second = _check_la_codes(second.filter(pl.col("time_period") == year), AGE_FILE_DASHBOARD)
    second = numbers(second, ["num_caseload"], AGE_FILE_DASHBOARD).filter(
        (pl.col("geographic_level") == LA_LEVEL) & pl.col("characteristic_age").is_in(list(AGE_GROUPS))
        & ~pl.col("old_la_code").is_in(first["old_la_code"].unique().to_list())
    ).select("old_la_code", age_group=pl.col("characteristic_age"), count=pl.col("num_caseload"),
             source=pl.lit(f"{AGE_FILE_DASHBOARD} January {year}"))
    frame = pl.concat([first, second])
    # Under-25s are not published for every LA in early years; a missing group is a missing figure.
    successors = []
    for new, old in SUCCESSORS.items():
        if frame.filter(pl.col("old_la_code") == new).is_empty():
            successors.append(frame.filter(pl.col("old_la_code") == old).with_columns(
                old_la_code=pl.lit(new), source=pl.col("source") + f" (predecessor LA {old})"))
    frame = pl.concat([frame, *successors])
    return frame.with_columns(share=pl.col("count") / pl.col("count").sum().over("old_la_code")).sort(
        "old_la_code", "age_group")


def sen_support(data_dir: Path | str, time_period: str = CENSUS_PERIOD) -> pl.DataFrame:
    """Pupils on SEN support by LA (school census, January), with how each count is derived.

    The shared files give percentages, not counts: ``% of pupils`` with an EHC plan and on SEN
    support among all pupils in the LA's schools (PCT_SEN_FILE), the number of pupils in
    state-funded mainstream schools (MAINSTREAM_FILE, ``total_pupils``), and the share of all
    pupils in each phase type (PHASE_FILE, "all pupils"). The mainstream count covers
    state-funded nursery, primary and secondary schools (nationally 8,260,927 = 91.79% of the
    9,000,031 pupils published for January 2022), so:

        all_pupils  = mainstream_pupils / (nursery% + primary% + secondary%) * 100
        sen_support = round(all_pupils * sen_support% / 100)

    Nationally this gives 1,129,862 pupils on SEN support (published: 1,129,843) and
    9,000,000 pupils. Counts are by the LA where the school is, not where the child lives.
    The mainstream file names LAs but has no codes: it is joined by LA name.
    """
    old = new_to_old_codes(data_dir)
    las = la_lookup(data_dir, time_period)
    year_label = f"{time_period[:4]}/{time_period[4:]}"

    pct = read_table(data_dir, PCT_SEN_FILE,
                     ["time_period", "geographic_level", "new_la_code", "SEN provision", "% of pupils"])
    _check_levels(pct, PCT_SEN_FILE)
    pct = numbers(pct.filter((pl.col("time_period") == time_period) & (pl.col("geographic_level") == LA_LEVEL)),
                  ["% of pupils"], PCT_SEN_FILE, integer=False)
    pct = pct.with_columns(old_la_code=pl.col("new_la_code").replace_strict(old, default=None))
    unknown = pct.filter(pl.col("old_la_code").is_null())
    if unknown.height:
        row = unknown.row(0, named=True)
        raise PublicDataError(f"{PCT_SEN_FILE}: row {row['_row']}: unknown ONS LA code {row['new_la_code']!r}")
    pct = pct.pivot(on="SEN provision", index="old_la_code", values="% of pupils", aggregate_function="first")
    pct = pct.select("old_la_code", pct_ehcp=pl.col("EHC plan"), pct_sen_support=pl.col("SEN support"))

    mainstream = read_table(data_dir, MAINSTREAM_FILE,
                            ["time_period", "geographic_level", "la_name", "total_pupils", "SEN provision"])
    mainstream = numbers(mainstream.filter((pl.col("time_period") == time_period) & (pl.col("geographic_level") == LA_LEVEL)
                                           & (pl.col("SEN provision") == "All SEN")),
                         ["total_pupils"], MAINSTREAM_FILE)
    by_name = {_normalise_name(n): c for n, c in las.select("la_name", "old_la_code").iter_rows()}
    mainstream = mainstream.with_columns(
        old_la_code=pl.col("la_name").map_elements(lambda n: by_name.get(_normalise_name(n)), return_dtype=pl.String))
    unknown = mainstream.filter(pl.col("old_la_code").is_null())
    if unknown.height:
        row = unknown.row(0, named=True)
        raise PublicDataError(
            f"{MAINSTREAM_FILE}: row {row['_row']}: LA name {row['la_name']!r} is not in the caseload file")
    mainstream = mainstream.select("old_la_code", mainstream_pupils=pl.col("total_pupils"))

    phases = sen_support_phases(data_dir, time_period, provision="all pupils")
    share = phases.filter(pl.col("phase").is_in(["nursery", "primary", "secondary"])).group_by("old_la_code").agg(
        mainstream_share_pct=pl.col("pct").sum())

    frame = las.select("old_la_code").join(pct, on="old_la_code", how="left").join(
        mainstream, on="old_la_code", how="left").join(share, on="old_la_code", how="left")
    frame = frame.with_columns(all_pupils=(pl.col("mainstream_pupils") / pl.col("mainstream_share_pct") * 100))
    return frame.with_columns(
        sen_support=(pl.col("all_pupils") * pl.col("pct_sen_support") / 100).round(0).cast(pl.Int64),
        ehcp_pupils=(pl.col("all_pupils") * pl.col("pct_ehcp") / 100).round(0).cast(pl.Int64),
        method=pl.lit(f"all pupils = state-funded mainstream pupils / mainstream share of all pupils; "
                      f"SEN support = all pupils x % on SEN support ({year_label} school census)"),
    )


def sen_support_phases(data_dir: Path | str, time_period: str = CENSUS_PERIOD, *,
                       provision: str = "pupils on SEN support") -> pl.DataFrame:
    """Share (%) of `provision` pupils in each phase type, long: old_la_code, phase, pct (null: not published)."""
    old = new_to_old_codes(data_dir)
    year_label = f"{time_period[:4]}/{time_period[4:]}"
    frame = read_table(data_dir, PHASE_FILE, ["academic_year", "geographic_level", "new_la_code", "phase_type_grouping",
                                              "Provision type", "% of pupils (with SEN provision type)"])
    _check_levels(frame, PHASE_FILE)
    frame = frame.filter((pl.col("academic_year") == year_label) & (pl.col("geographic_level") == LA_LEVEL)
                         & (pl.col("Provision type") == provision))
    unexpected = frame.filter(~pl.col("phase_type_grouping").is_in(list(PHASE_TYPES)))
    if unexpected.height:
        row = unexpected.row(0, named=True)
        raise PublicDataError(f"{PHASE_FILE}: row {row['_row']}: unknown phase type {row['phase_type_grouping']!r}")
    frame = numbers(frame, ["% of pupils (with SEN provision type)"], PHASE_FILE, integer=False)
    frame = frame.with_columns(old_la_code=pl.col("new_la_code").replace_strict(old, default=None))
    unknown = frame.filter(pl.col("old_la_code").is_null())
    if unknown.height:
        row = unknown.row(0, named=True)
        raise PublicDataError(f"{PHASE_FILE}: row {row['_row']}: unknown ONS LA code {row['new_la_code']!r}")
    return frame.select("old_la_code", phase=pl.col("phase_type_grouping").replace_strict(PHASE_TYPES),
                        pct=pl.col("% of pupils (with SEN provision type)")).sort("old_la_code", "phase")


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
            frame = frame.filter((pl.col("time_period") == time_period) & (pl.col("geographic_level") == LA_LEVEL)
                                 & pl.col("breakdown").str.to_lowercase().str.contains("all"))
            need_columns = {n: f"number_{n.lower()}" for n in NEED_CODES_EHCP if f"number_{n.lower()}" in frame.columns}
            if frame.height and need_columns:
                frame = numbers(_check_la_codes(frame, NEEDS_FILE), need_columns.values(), NEEDS_FILE)
                for record in frame.iter_rows(named=True):
                    known = {n: record[c] for n, c in need_columns.items() if record[c] is not None}
                    total = sum(known.values())
                    for need, count in known.items():
                        rows.append((record["old_la_code"], "E", need, 100.0 * count / total if total else None,
                                     f"{NEEDS_FILE} {time_period}"))
    has_la_ehcp = bool(rows)
    for status, mix in FALLBACK_NEED_MIX.items():
        if status == "E" and has_la_ehcp:
            continue
        for need, pct in mix.items():
            rows.append((None, status, need, pct, FALLBACK_NEED_SOURCE))
    return pl.DataFrame(rows, schema={"old_la_code": pl.String, "status": pl.String, "need": pl.String,
                                      "pct": pl.Float64, "source": pl.String}, orient="row")


def social_care_sen(data_dir: Path | str, time_period: str = CENSUS_PERIOD) -> pl.DataFrame:
    """Pupils with an EHC plan / on SEN support who are children in need, looked after, or on a
    child protection plan at 31 March, by LA: old_la_code, group (CIN, CLA, CPP), ehcp, sen_support.

    From ``cin_by_sen_provision_la_raw.csv``; small numbers are suppressed ("c") and are null here.
    """
    groups = {"CINO at 31 March": "CIN", "CLA 12 months at 31 March": "CLA", "CPPO at 31 March": "CPP"}
    frame = read_table(data_dir, CIN_FILE, ["time_period", "geographic_level", "old_la_code", "social_care_group",
                                            "t_SEN_support", "t_statement_or_EHC_plan"])
    _check_levels(frame, CIN_FILE)
    frame = frame.filter((pl.col("time_period") == time_period) & (pl.col("geographic_level") == LA_LEVEL))
    frame = numbers(_check_la_codes(frame, CIN_FILE), ["t_SEN_support", "t_statement_or_EHC_plan"], CIN_FILE)
    return frame.filter(pl.col("social_care_group").is_in(list(groups))).select(
        "old_la_code", group=pl.col("social_care_group").replace_strict(groups),
        ehcp=pl.col("t_statement_or_EHC_plan"), sen_support=pl.col("t_SEN_support")).sort("old_la_code", "group")


def activity(data_dir: Path | str) -> pl.DataFrame:
    """Calendar-year activity by LA: old_la_code, year, requests, requests_refused, new_plans,
    issued (plans counted for timeliness), issued_within_20_weeks (both including exceptions)."""
    def la_rows(relative, columns):
        frame = read_table(data_dir, relative, ["time_period", "geographic_level", "old_la_code", *columns])
        _check_levels(frame, relative)
        frame = _check_la_codes(frame.filter(pl.col("geographic_level") == LA_LEVEL), relative)
        return numbers(frame, columns, relative).select(pl.col("old_la_code"), year=pl.col("time_period"), *columns)

    requests = la_rows(REQUESTS_FILE, ["requests_received_in_year", "requests_decided_not_to_assess"])
    plans = la_rows(NEWPLANS_FILE, ["new_ehc_plans"])
    timely = la_rows(TIMELINESS_FILE, ["plans_issued_den", "plans_issued_within_20_weeks"])
    frame = requests.join(plans, on=["old_la_code", "year"], how="full", coalesce=True).join(
        timely, on=["old_la_code", "year"], how="full", coalesce=True)
    return frame.select("old_la_code", "year", requests=pl.col("requests_received_in_year"),
                        requests_refused=pl.col("requests_decided_not_to_assess"), new_plans=pl.col("new_ehc_plans"),
                        issued=pl.col("plans_issued_den"),
                        issued_within_20_weeks=pl.col("plans_issued_within_20_weeks")).sort("old_la_code", "year")


def s41_institutions(data_dir: Path | str) -> pl.DataFrame:
    """Independent special schools and specialist post-16 institutions approved under section 41
    (list of 22 March 2022): name, la_name, establishment_type (SP_INDEPENDENT or SPECIALIST_POST16),
    approved_on (first of the month, null when not given). These are organisations, not people."""
    frame = read_table(data_dir, S41_FILE)
    if frame.width < 5:
        raise PublicDataError(f"{S41_FILE}: expected local authority, name, type and approval date columns")
    la_col, name_col, type_col, date_col = frame.columns[1:5]
    header = frame.filter(pl.col(name_col).fill_null("").str.contains("(?i)institution"))
    frame = frame.filter(~pl.col("_row").is_in(header["_row"].to_list()) & pl.col(name_col).is_not_null())
    months = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
    out = []
    for record in frame.iter_rows(named=True):
        kind = (record[type_col] or "").lower()
        if "post-16" in kind or "post 16" in kind:
            est_type = "SPECIALIST_POST16"
        elif "school" in kind:
            est_type = "SP_INDEPENDENT"
        else:
            raise PublicDataError(f"{S41_FILE}: row {record['_row']}: unknown institution type {record[type_col]!r}")
        approved = None
        match = re.fullmatch(r"([A-Za-z]{3})-(\d{2})", (record[date_col] or "").strip())
        if match and match.group(1).lower() in months:
            approved = date(2000 + int(match.group(2)), months[match.group(1).lower()], 1)
        out.append((record[name_col].strip(), (record[la_col] or "").strip(), est_type, approved))
    return pl.DataFrame(out, schema={"name": pl.String, "la_name": pl.String, "establishment_type": pl.String,
                                     "approved_on": pl.Date}, orient="row").unique(subset=["name"], keep="first",
                                                                                    maintain_order=True)


# --------------------------------------------------------------------------------------------
# Targets for one LA, as plain Python for the generator
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LaTargets:
    """Everything the synthetic generator calibrates to, for one LA at January 2022 (scale 1)."""

    old_la_code: str
    new_la_code: str
    la_name: str
    region_name: str
    ehcp_total: int
    settings: dict[str, int]  # SETTING_KEYS -> EHC plans, January 2022
    age_shares: dict[str, float]  # AGE_GROUPS -> share of EHC plans (January 2021 shares)
    sen_support_total: int
    all_pupils: float
    sen_support_phases: dict[str, float]  # PHASE_TYPES values -> share of SEN support pupils
    need_mix: dict[str, dict[str, float]]  # "E"/"K" -> need -> share (sums to 1)
    social_care: dict[str, tuple[int | None, int | None]]  # CIN/CLA/CPP -> (EHCP pupils, SEN support pupils)
    requests_per_year: float
    refusal_rate: float
    within_20_weeks: float
    new_plans_per_year: float
    neighbours: tuple[tuple[str, str], ...] = ()  # other LAs in the region: (old_la_code, la_name)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def age_targets(self) -> dict[str, float]:
        return {group: self.ehcp_total * share for group, share in self.age_shares.items()}

    @property
    def group_targets(self) -> dict[str, int]:
        out = {g: 0 for g in SETTING_GROUPS}
        for key, count in self.settings.items():
            out[SETTINGS_BY_KEY[key].group] += count
        return out


@dataclass
class CalibrationTargets:
    """All the frames, read once; :meth:`for_la` turns them into one LA's :class:`LaTargets`."""

    las: pl.DataFrame
    settings: pl.DataFrame
    ages: pl.DataFrame
    sen_support: pl.DataFrame
    sen_support_phases: pl.DataFrame
    needs: pl.DataFrame
    social_care: pl.DataFrame
    activity: pl.DataFrame

    @property
    def codes(self) -> list[str]:
        return self.las["old_la_code"].to_list()

    def resolve(self, code_or_name: str) -> str:
        return resolve_la(self.las, code_or_name)

    def for_la(self, code_or_name: str) -> LaTargets:
        code = self.resolve(code_or_name)
        la = self.las.filter(pl.col("old_la_code") == code).row(0, named=True)
        settings = dict(self.settings.filter(pl.col("old_la_code") == code).select("setting", "count").iter_rows())
        ages = self.ages.filter(pl.col("old_la_code") == code)
        national_ages = self.ages.group_by("age_group").agg(pl.col("count").sum())
        age_counts = dict(ages.select("age_group", "count").iter_rows())
        if not age_counts or any(age_counts.get(g) is None for g in AGE_GROUPS):
            age_counts = dict(national_ages.iter_rows())  # a missing figure: fall back to England's shares
            age_source = "England's January 2021 shares (LA figure missing)"
        else:
            age_source = ages["source"][0]
        total_age = sum(age_counts.get(g) or 0 for g in AGE_GROUPS)
        age_shares = {g: (age_counts.get(g) or 0) / total_age for g in AGE_GROUPS}

        support = self.sen_support.filter(pl.col("old_la_code") == code).row(0, named=True)
        if support["sen_support"] is None:
            raise PublicDataError(f"No SEN support figure can be derived for LA {code} ({la['la_name']})")
        phases = self.sen_support_phases.filter(pl.col("old_la_code") == code)
        phase_pct = {p: v or 0.0 for p, v in phases.select("phase", "pct").iter_rows()}
        phase_total = sum(phase_pct.values()) or 1.0
        phase_shares = {p: phase_pct.get(p, 0.0) / phase_total for p in PHASE_TYPES.values()}

        needs: dict[str, dict[str, float]] = {}
        need_source = []
        for status in ("E", "K"):
            rows = self.needs.filter((pl.col("status") == status) & (pl.col("old_la_code") == code))
            if rows.is_empty():
                rows = self.needs.filter((pl.col("status") == status) & pl.col("old_la_code").is_null())
            mix = {n: v or 0.0 for n, v in rows.select("need", "pct").iter_rows()}
            total = sum(mix.values())
            needs[status] = {n: v / total for n, v in mix.items()}
            need_source.append(f"{status}: {rows['source'][0]}")

        care = {g: (e, k) for g, e, k in self.social_care.filter(pl.col("old_la_code") == code).select(
            "group", "ehcp", "sen_support").iter_rows()}

        act = self.activity.filter(pl.col("old_la_code") == code)
        national_act = self.activity.group_by("year").agg(pl.all().exclude("old_la_code", "year").sum()).sort("year")

        def latest(frame: pl.DataFrame, column: str) -> float | None:
            values = frame.filter(pl.col(column).is_not_null()).sort("year")[column]
            return float(values[-1]) if len(values) else None

        requests = latest(act, "requests") or 0.0
        refused = latest(act, "requests_refused")
        issued = latest(act, "issued")
        within = latest(act, "issued_within_20_weeks")
        new_plans = latest(act, "new_plans") or 0.0
        refusal = (refused / requests) if (refused is not None and requests) else (
            latest(national_act, "requests_refused") / latest(national_act, "requests"))
        timely = (within / issued) if (within is not None and issued) else (
            latest(national_act, "issued_within_20_weeks") / latest(national_act, "issued"))

        neighbours = tuple(self.las.filter((pl.col("region_name") == la["region_name"]) & (pl.col("old_la_code") != code))
                           .select("old_la_code", "la_name").iter_rows())
        return LaTargets(
            old_la_code=code, new_la_code=la["new_la_code"], la_name=la["la_name"], region_name=la["region_name"],
            ehcp_total=int(sum(settings.values())), settings={k: int(settings.get(k, 0)) for k in SETTING_KEYS},
            age_shares=age_shares, sen_support_total=int(support["sen_support"]),
            all_pupils=float(support["all_pupils"] or 0.0), sen_support_phases=phase_shares, need_mix=needs,
            social_care=care, requests_per_year=requests, refusal_rate=float(refusal), within_20_weeks=float(timely),
            new_plans_per_year=new_plans, neighbours=neighbours,
            sources={
                "ehcp": f"{CASELOAD_FILE} {CENSUS_PERIOD} (January 2022)",
                "settings": f"{CASELOAD_FILE} {CENSUS_PERIOD} setting columns",
                "ages": age_source,
                "sen_support": support["method"],
                "needs": "; ".join(need_source),
                "activity": f"{REQUESTS_FILE}, {NEWPLANS_FILE}, {TIMELINESS_FILE} (latest calendar year)",
            },
        )


def load_targets(data_dir: Path | str, time_period: str = CENSUS_PERIOD) -> CalibrationTargets:
    """Read every file the generator needs, once."""
    return CalibrationTargets(
        las=la_lookup(data_dir, time_period),
        settings=setting_mix(data_dir, time_period),
        ages=age_profile(data_dir),
        sen_support=sen_support(data_dir, time_period),
        sen_support_phases=sen_support_phases(data_dir, time_period),
        needs=need_mix(data_dir, time_period),
        social_care=social_care_sen(data_dir, time_period),
        activity=activity(data_dir),
    )
