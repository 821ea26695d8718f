"""Requests to reassess a plan and the decision on them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import PLAN, REASSESSMENT
from highneeds.people.validation import refuse_hidden_characters

from .. import clock, queries
from ..models import (
    Reassessment,
)
from ._common import (
    _check_with_clock,
    _describe,
    _letters,
    _not_future,
    _refresh,
    _setting_of,
)

# ---------------------------------------------------------------------------------------------
# Requests to reassess


@service
def request_reassessment(
    *, actor, plan, received_on: date, requested_by: str, requester_name: str = "", reason: str = ""
) -> Reassessment:
    require(actor, "reviews.manage", plan.child)
    _not_future("received_on", received_on, "The date received")
    if requested_by not in Reassessment.REQUESTERS:
        raise ValidationError({"requested_by": "Say who asked"})
    refuse_hidden_characters({"requester_name": requester_name})
    enforce(PLAN, plan.status, "reassess")
    if Reassessment.objects.filter(plan=plan, stage__in=Reassessment.OPEN_STAGES).exists():
        raise ValidationError({"__all__": "A request to reassess is already open for this plan"})
    child = plan.child
    item = Reassessment(
        child=child,
        plan=plan,
        received_on=received_on,
        requested_by=requested_by,
        requester_name=requester_name.strip(),
        reason=reason.strip(),
    )
    _describe(item, child, _setting_of([child.pk]).get(child.pk), date.today())
    clock.apply(item, clock.run(item))
    item.save()
    log.record(
        actor=actor,
        action="reassessment.request",
        obj=item,
        child=child,
        after={"received_on": received_on, "requested_by": requested_by},
    )
    return item


@service
def decide_reassessment(
    *, actor, reassessment: Reassessment, decision: str, decided_on: date, reasons: str
) -> Reassessment:
    """Decide within 15 days. A refusal is appealable: its notice carries appeal and mediation rights."""
    require(actor, "reviews.manage", reassessment.child)
    enforce(REASSESSMENT, reassessment.stage, "decide_reassessment")
    if decision not in ("reassess", "refuse"):
        raise ValidationError({"decision": "Choose whether to reassess"})
    _not_future("decided_on", decided_on, "The decision date")
    if decided_on < reassessment.received_on:
        raise ValidationError({"decided_on": "The decision cannot be before the request"})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons"})
    _check_with_clock(reassessment, decided_on=decided_on, decision=decision)
    reassessment.decision, reassessment.decided_on = decision, decided_on
    reassessment.decision_reasons = reasons.strip()
    reassessment.stage = "reassessing" if decision == "reassess" else "refused"
    if decision == "refuse":
        reassessment.closed_on = decided_on
    letters = _letters(
        actor,
        reassessment.child,
        f"reassessment_{decision}",
        reassessment={"received_on": reassessment.received_on, "decision_reasons": reassessment.decision_reasons},
        recent=queries.within_refusal_window(reassessment.plan, decided_on),
    )
    reassessment.decision_letter = letters[0]
    _refresh(reassessment, "decision", "decided_on", "decision_reasons", "stage", "decision_letter")
    log.record(
        actor=actor,
        action="reassessment.decide",
        obj=reassessment,
        child=reassessment.child_id,
        after={"decision": decision, "decided_on": decided_on},
    )
    return reassessment
