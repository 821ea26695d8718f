"""The council's published DfE figures for a return year, from the public data (`SHARED_DATA_DIR`), to set beside
its own figures from casework. Years the data does not cover come back empty."""

from __future__ import annotations

from django.conf import settings

from highneeds.engine import publicdata


def published(la: str, year: int) -> dict:
    """Caseload in January of `year` and activity in the calendar year before, as DfE published them."""
    out: dict = {}
    try:
        caseload = publicdata.caseload(settings.SHARED_DATA_DIR)
        period = f"{year - 1}{str(year)[2:]}"
        row = caseload.filter((caseload["old_la_code"] == la) & (caseload["time_period"].cast(str) == period))
        if row.height:
            out["active_plans"] = row["ehcplans"][0]
        activity = publicdata.activity(settings.SHARED_DATA_DIR)
        row = activity.filter((activity["old_la_code"] == la) & (activity["year"].cast(str) == str(year - 1)))
        if row.height:
            r = row.row(0, named=True)
            out.update(
                requests=r["requests"],
                requests_refused=r["requests_refused"],
                new_plans=r["new_plans"],
                issued=r["issued"],
                within=r["issued_within_20_weeks"],
            )
            if r["issued"] and r["issued_within_20_weeks"] is not None:
                out["pct_including"] = round(100 * r["issued_within_20_weeks"] / r["issued"], 1)
    except (publicdata.PublicDataError, OSError):
        return {}
    return out
