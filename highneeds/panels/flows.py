"""Where panels meet casework: the council's decision on a case the panel recommended on is a casework step."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit.service import require, service
from highneeds.casework import services as casework

from . import queries
from .models import AgendaItem


@service
def record_council_decision(
    *, actor, item: AgendaItem, outcome: bool, decided_on: date, reasons: str, departure_reasons: str = ""
):
    """The council's decision on an item the panel has recommended on, made by the casework service so it is
    kept apart from the recommendation and a departing decision needs its reasons."""
    require(actor, "casework.manage")
    recommendation = queries.recommendation_of(item)
    if recommendation is None:
        raise ValidationError({"__all__": "The panel has not made a recommendation on this case yet"})
    kind = queries.DECISION_KIND.get(item.meeting.panel.panel_type)
    if kind == "assess":
        return casework.decide_whether_to_assess(
            actor=actor,
            request=item.request,
            assess=outcome,
            decided_on=decided_on,
            reasons=reasons,
            recommendation=recommendation,
            departure_reasons=departure_reasons,
        )
    if kind == "issue":
        return casework.decide_whether_to_issue(
            actor=actor,
            request=item.request,
            issue=outcome,
            decided_on=decided_on,
            reasons=reasons,
            recommendation=recommendation,
            departure_reasons=departure_reasons,
        )
    raise ValidationError({"__all__": "Placement and funding decisions are recorded on the plan, not here"})
