"""The council's own version of DfE's EHCP tables, counted from a SEN2 return (ours, or any council's file):
caseload by age, need and setting; requests and outcomes; 20-week timeliness with and without exceptions;
reviews; ceased plans. Pure: the caller says which published group each URN/UKPRN belongs to."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from ..schoolyear import age_on
from . import codes as sen2_codes
from .model import Return

AGE_BANDS = (
    ("Under 5", 0, 4),
    ("Age 5 to 10", 5, 10),
    ("Age 11 to 15", 11, 15),
    ("Age 16 to 19", 16, 19),
    ("Age 20 to 25", 20, 99),
)
SETTING_GROUPS = {
    "OLA": "Educated elsewhere",
    "OPA": "Educated elsewhere",
    "EHE": "Educated elsewhere",
    "NEET": "Educated elsewhere",
    "NIEC": "Educated elsewhere",
    "NIEO": "Educated elsewhere",
    "EYP": "Non-maintained early years",
    "OTH": "Other",
}


def _band(age: int) -> str:
    return next(label for label, low, high in AGE_BANDS if low <= age <= high)


def tables(ret: Return, group_of: dict[str, str] | None = None) -> dict:
    """Counts for the return's year. `group_of` maps a URN or UKPRN to its published establishment group."""
    group_of = group_of or {}
    year = ret.header.year
    start, end = sen2_codes.activity_period(year)
    ref = ret.header.reference_date
    t = {k: Counter() for k in ("age", "need", "setting", "requests", "assessments", "reviews", "ceased", "timeliness")}
    persons = active = new_plans = 0
    for person in ret.persons:
        persons += 1
        for req in person.requests:
            if req.received_date and start <= req.received_date <= end:
                t["requests"]["Requests received"] += 1
                t["requests"][
                    {"A": "Decided to assess", "N": "Decided not to assess", "W": "Withdrawn"}.get(
                        req.outcome, "Decision outstanding"
                    )
                ] += 1
            for a in req.assessments:
                if a.outcome_date and start <= a.outcome_date <= end:
                    t["assessments"][
                        {"I": "Plan issued", "N": "Decided not to issue", "W": "Withdrawn"}.get(a.outcome, "Other")
                    ] += 1
                for plan in a.plans:
                    if plan.start_date and start <= plan.start_date <= end:
                        new_plans += 1
                        _timeliness(t["timeliness"], req.received_date, plan.start_date, a.week20)
                    if plan.cease_date and start <= plan.cease_date <= end:
                        t["ceased"][sen2_codes.codes("CeaseReason").get(plan.cease_reason, "Not recorded")] += 1
            for ap in req.active_plans:
                active += 1
                if person.birth_date and ref:
                    t["age"][_band(age_on(person.birth_date, ref))] += 1
                primary = next((n.code for n in ap.needs if n.rank == 1), "")
                t["need"][sen2_codes.codes("SENtype").get(primary, "Not recorded")] += 1
                main = next((p for p in ap.placements if p.rank == 1), None)
                if main is None:
                    group = "Not recorded"
                elif main.sen_setting:
                    group = SETTING_GROUPS.get(main.sen_setting, "Other")
                else:
                    group = group_of.get(main.urn or main.ukprn, "Not recorded")
                t["setting"][group] += 1
                if ap.review_meeting:
                    t["reviews"]["Reviews held"] += 1
                    t["reviews"][
                        {"M": "Maintain", "A": "Amend", "C": "Cease"}.get(ap.review_outcome, "Decision not recorded")
                    ] += 1
    tl = t["timeliness"]
    timeliness = {
        "issued": tl["issued"],
        "within": tl["within"],
        "exceptions": tl["exceptions"],
        "pct_including": _pct(tl["within"], tl["issued"]),
        "pct_excluding": _pct(tl["within_no_exception"], tl["issued"] - tl["exceptions"]),
        "20_to_52_weeks": tl["20_to_52"],
        "over_52_weeks": tl["over_52"],
    }
    return {
        "year": year,
        "persons": persons,
        "active_plans": active,
        "new_plans": new_plans,
        **{k: dict(sorted(v.items())) for k, v in t.items() if k != "timeliness"},
        "timeliness": timeliness,
    }


def _timeliness(c: Counter, received, started, exception) -> None:
    if not received:
        return
    c["issued"] += 1
    days = (started - received).days
    if exception:
        c["exceptions"] += 1
    if days <= 140:
        c["within"] += 1
        if not exception:
            c["within_no_exception"] += 1
    elif started - received <= timedelta(weeks=52):
        c["20_to_52"] += 1
    else:
        c["over_52"] += 1


def _pct(num: int, den: int) -> float | None:
    return round(100 * num / den, 1) if den else None
