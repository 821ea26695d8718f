"""Children in need by SEN provision (the children in need census), for cohort flags."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .reading import CENSUS_PERIOD, LA_LEVEL, _check_la_codes, _check_levels, numbers, read_table

CIN_FILE = "send_ap_inclusion_dashboard_derived/cin_by_sen_provision_la_raw.csv"


def social_care_sen(data_dir: Path | str, time_period: str = CENSUS_PERIOD) -> pl.DataFrame:
    """Pupils with an EHC plan / on SEN support who are children in need, looked after, or on a
    child protection plan at 31 March, by LA: old_la_code, group (CIN, CLA, CPP), ehcp, sen_support.

    From ``cin_by_sen_provision_la_raw.csv``; small numbers are suppressed ("c") and are null here.
    """
    groups = {"CINO at 31 March": "CIN", "CLA 12 months at 31 March": "CLA", "CPPO at 31 March": "CPP"}
    frame = read_table(
        data_dir,
        CIN_FILE,
        [
            "time_period",
            "geographic_level",
            "old_la_code",
            "social_care_group",
            "t_SEN_support",
            "t_statement_or_EHC_plan",
        ],
    )
    _check_levels(frame, CIN_FILE)
    frame = frame.filter((pl.col("time_period") == time_period) & (pl.col("geographic_level") == LA_LEVEL))
    frame = numbers(_check_la_codes(frame, CIN_FILE), ["t_SEN_support", "t_statement_or_EHC_plan"], CIN_FILE)
    return (
        frame.filter(pl.col("social_care_group").is_in(list(groups)))
        .select(
            "old_la_code",
            group=pl.col("social_care_group").replace_strict(groups),
            ehcp=pl.col("t_statement_or_EHC_plan"),
            sen_support=pl.col("t_SEN_support"),
        )
        .sort("old_la_code", "group")
    )
