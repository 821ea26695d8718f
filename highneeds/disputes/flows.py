"""Where a disagreement meets the plan: a cessation taking effect ceases the plan, in one transaction.

The cessation's own steps stay in disputes.services and the plan's in plans.services; this step moves both
together, so neither domain's services import the other's (docs/architecture.md).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.plans import services as plans

from . import queries
from .models import Cessation
from .services._common import PERM, _not_future
from .services.cessation import _cessation_step


@service
def apply_cessation(*, actor, cessation: Cessation, ceased_on: date) -> Cessation:
    """The plan ceases. Refused while it must stay in force: before the date decided, while the appeal
    window is open (unless the family confirmed they will not appeal), and while an appeal is undecided."""
    require(actor, PERM)
    if ceased_on is None:
        raise ValidationError({"ceased_on": "Enter the date the plan ceases"})
    _cessation_step(cessation, "apply_cessation")
    effective = queries.cessation_effective(cessation)
    if effective.on is None:
        raise ValidationError({"__all__": effective.why})
    if ceased_on < effective.on:
        raise ValidationError(
            {
                "ceased_on": f"The plan stays in force: it cannot cease before {effective.on:%-d %B %Y} "
                f"({effective.why.split(': ', 1)[-1]})"
            }
        )
    _not_future("ceased_on", ceased_on, "The date the plan ceases")
    plans.mark_ceased(actor=actor, plan=cessation.plan, ceased_on=ceased_on, reason=cessation.reason)
    cessation.status, cessation.ceased_on = "ceased", ceased_on
    cessation.save(update_fields=["status", "ceased_on"])
    log.record(
        actor=actor,
        action="dispute.cessation.apply",
        obj=cessation,
        child=cessation.child_id,
        after={"ceased_on": ceased_on, "plan": cessation.plan_id},
    )
    return cessation
