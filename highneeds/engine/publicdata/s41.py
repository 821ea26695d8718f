"""The section 41 list of approved independent special schools and specialist post-16 institutions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl

from .reading import PublicDataError, read_table

S41_FILE = "independent_special_schools_s41_2022/approved_s41_list_2022-03-22.csv"


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
    return pl.DataFrame(
        out,
        schema={"name": pl.String, "la_name": pl.String, "establishment_type": pl.String, "approved_on": pl.Date},
        orient="row",
    ).unique(subset=["name"], keep="first", maintain_order=True)
