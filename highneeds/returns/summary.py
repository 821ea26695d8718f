"""The return's summary for the data officer: the published-style tables, with each URN placed in its published
establishment group, beside last year's."""

from __future__ import annotations

from django.db.models import F

from highneeds.engine.sen2.model import Return
from highneeds.engine.sen2.tables import tables
from highneeds.establishments.models import Establishment

from .models import KeptReturn

GROUPS = {
    "MS_LA": "Mainstream",
    "MS_ACADEMY": "Mainstream",
    "MS_FREE": "Mainstream",
    "MS_INDEPENDENT": "Mainstream (independent)",
    "SP_LA": "Special",
    "SP_ACADEMY": "Special",
    "SP_INDEPENDENT": "Special (independent or non-maintained)",
    "SP_NON_MAINTAINED": "Special (independent or non-maintained)",
    "AP_PRU": "Alternative provision or PRU",
    "FE": "Further education",
    "SPECIALIST_POST16": "Further education",
    "EARLY_YEARS": "Non-maintained early years",
    "OTHER": "Other",
}


def establishment_groups(ret: Return) -> dict[str, str]:
    urns, ukprns = set(), set()
    for person in ret.persons:
        for req in person.requests:
            for ap in req.active_plans:
                for p in ap.placements:
                    if p.urn.isdecimal():
                        urns.add(int(p.urn))
                    elif p.ukprn.isdecimal():
                        ukprns.add(int(p.ukprn))
    out = {}
    for urn, ukprn, kind in Establishment.objects.filter(urn__in=urns).values_list(
        "urn", "ukprn", "establishment_type"
    ):
        out[str(urn)] = GROUPS.get(kind, "Other")
    for urn, ukprn, kind in Establishment.objects.filter(ukprn__in=ukprns).values_list(
        "urn", "ukprn", "establishment_type"
    ):
        out[str(ukprn)] = GROUPS.get(kind, "Other")
    return out


def summarise(ret: Return, previous: dict | None = None) -> dict:
    figures = tables(ret, establishment_groups(ret))
    return {**figures, "previous": previous or {}}


def previous_year(kept: KeptReturn) -> dict | None:
    """Last year's figures from its latest kept return (submitted first), if one is kept."""
    last = (
        KeptReturn.objects.filter(year=kept.year - 1, state__in=("submitted", "built"))
        # nulls_last: PostgreSQL sorts NULL first in descending order, SQLite last; a submitted return wins.
        .order_by(F("submitted_at").desc(nulls_last=True), F("built_at").desc(nulls_last=True))
        .first()
    )
    if not last:
        return None
    return {k: v for k, v in last.summary.items() if k not in ("previous", "child_ids")}
