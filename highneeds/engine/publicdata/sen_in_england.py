"""Special educational needs in England (the school census): pupils on SEN support, by LA and by phase."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .las import _normalise_name, la_lookup, new_to_old_codes
from .reading import CENSUS_PERIOD, LA_LEVEL, PublicDataError, _check_levels, numbers, read_table
from .vocabulary import PHASE_TYPES

PCT_SEN_FILE = (
    "send_ap_inclusion_dashboard_derived/sen_in_england_pct_pupils_ehcp_sen_support_by_la_2017-18_to_2022-23.csv"
)
MAINSTREAM_FILE = (
    "send_ap_inclusion_dashboard_derived/"
    "sen_in_england_state_funded_mainstream_pupils_pct_sen_by_la_2017-18_to_2022-23.csv"
)
PHASE_FILE = (
    "send_ap_inclusion_dashboard_derived/"
    "sen_in_england_phase_type_distribution_by_sen_status_by_la_2017-18_to_2022-23.csv"
)


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

    pct = read_table(
        data_dir, PCT_SEN_FILE, ["time_period", "geographic_level", "new_la_code", "SEN provision", "% of pupils"]
    )
    _check_levels(pct, PCT_SEN_FILE)
    pct = numbers(
        pct.filter((pl.col("time_period") == time_period) & (pl.col("geographic_level") == LA_LEVEL)),
        ["% of pupils"],
        PCT_SEN_FILE,
        integer=False,
    )
    pct = pct.with_columns(old_la_code=pl.col("new_la_code").replace_strict(old, default=None))
    unknown = pct.filter(pl.col("old_la_code").is_null())
    if unknown.height:
        row = unknown.row(0, named=True)
        raise PublicDataError(f"{PCT_SEN_FILE}: row {row['_row']}: unknown ONS LA code {row['new_la_code']!r}")
    pct = pct.pivot(on="SEN provision", index="old_la_code", values="% of pupils", aggregate_function="first")
    pct = pct.select("old_la_code", pct_ehcp=pl.col("EHC plan"), pct_sen_support=pl.col("SEN support"))

    mainstream = read_table(
        data_dir, MAINSTREAM_FILE, ["time_period", "geographic_level", "la_name", "total_pupils", "SEN provision"]
    )
    mainstream = numbers(
        mainstream.filter(
            (pl.col("time_period") == time_period)
            & (pl.col("geographic_level") == LA_LEVEL)
            & (pl.col("SEN provision") == "All SEN")
        ),
        ["total_pupils"],
        MAINSTREAM_FILE,
    )
    by_name = {_normalise_name(n): c for n, c in las.select("la_name", "old_la_code").iter_rows()}
    mainstream = mainstream.with_columns(
        old_la_code=pl.col("la_name").map_elements(lambda n: by_name.get(_normalise_name(n)), return_dtype=pl.String)
    )
    unknown = mainstream.filter(pl.col("old_la_code").is_null())
    if unknown.height:
        row = unknown.row(0, named=True)
        raise PublicDataError(
            f"{MAINSTREAM_FILE}: row {row['_row']}: LA name {row['la_name']!r} is not in the caseload file"
        )
    mainstream = mainstream.select("old_la_code", mainstream_pupils=pl.col("total_pupils"))

    phases = sen_support_phases(data_dir, time_period, provision="all pupils")
    share = (
        phases.filter(pl.col("phase").is_in(["nursery", "primary", "secondary"]))
        .group_by("old_la_code")
        .agg(mainstream_share_pct=pl.col("pct").sum())
    )

    frame = (
        las.select("old_la_code")
        .join(pct, on="old_la_code", how="left")
        .join(mainstream, on="old_la_code", how="left")
        .join(share, on="old_la_code", how="left")
    )
    frame = frame.with_columns(all_pupils=(pl.col("mainstream_pupils") / pl.col("mainstream_share_pct") * 100))
    return frame.with_columns(
        sen_support=(pl.col("all_pupils") * pl.col("pct_sen_support") / 100).round(0).cast(pl.Int64),
        ehcp_pupils=(pl.col("all_pupils") * pl.col("pct_ehcp") / 100).round(0).cast(pl.Int64),
        method=pl.lit(
            f"all pupils = state-funded mainstream pupils / mainstream share of all pupils; "
            f"SEN support = all pupils x % on SEN support ({year_label} school census)"
        ),
    )


def sen_support_phases(
    data_dir: Path | str, time_period: str = CENSUS_PERIOD, *, provision: str = "pupils on SEN support"
) -> pl.DataFrame:
    """Share (%) of `provision` pupils in each phase type, long: old_la_code, phase, pct (null: not published)."""
    old = new_to_old_codes(data_dir)
    year_label = f"{time_period[:4]}/{time_period[4:]}"
    frame = read_table(
        data_dir,
        PHASE_FILE,
        [
            "academic_year",
            "geographic_level",
            "new_la_code",
            "phase_type_grouping",
            "Provision type",
            "% of pupils (with SEN provision type)",
        ],
    )
    _check_levels(frame, PHASE_FILE)
    frame = frame.filter(
        (pl.col("academic_year") == year_label)
        & (pl.col("geographic_level") == LA_LEVEL)
        & (pl.col("Provision type") == provision)
    )
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
    return frame.select(
        "old_la_code",
        phase=pl.col("phase_type_grouping").replace_strict(PHASE_TYPES),
        pct=pl.col("% of pupils (with SEN provision type)"),
    ).sort("old_la_code", "phase")
