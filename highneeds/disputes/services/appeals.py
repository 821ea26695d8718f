"""Tribunal appeals, their outcomes, and the orders the council must comply with."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import APPEAL, CESSATION, NEW

from .. import clock, queries
from ..models import (
    MATTERS,
    MATTERS_FOR_NOTICE,
    RECOMMENDATION_ONLY,
    Appeal,
    Cessation,
    DecisionNotice,
    DisputeSettings,
    TribunalOrder,
)
from ._common import PERM, _actor_or_none, _not_before, _not_future

# ---------------------------------------------------------------------------------------------
# Tribunal appeals and orders


@service
def lodge_appeal(
    *,
    actor,
    notice: DecisionNotice,
    matters: list[str],
    lodged_on: date,
    tribunal_reference: str = "",
    response_due: date | None = None,
) -> Appeal:
    """The tribunal registered an appeal against this notice. An appeal against a cessation holds it."""
    require(actor, PERM)
    allowed = MATTERS_FOR_NOTICE[notice.matter]
    if not matters:
        raise ValidationError({"matters": "Choose what is appealed"})
    wrong = [m for m in matters if m not in allowed]
    if wrong:
        raise ValidationError(
            {
                "matters": f"{MATTERS.get(wrong[0], wrong[0])} cannot be appealed against a "
                f"{notice.get_matter_display().lower()}"
            }
        )
    if all(m in RECOMMENDATION_ONLY for m in matters):
        raise ValidationError(
            {
                "matters": "Health and social care can only be appealed alongside sections B, F or I "
                "(the tribunal can only recommend on them)"
            }
        )
    if lodged_on is None:
        raise ValidationError({"lodged_on": "Enter the date the tribunal registered the appeal"})
    _not_future("lodged_on", lodged_on)
    _not_before("lodged_on", lodged_on, notice.sent_on, "the notice was sent")
    if response_due is None:
        response_due = queries.working_days_after(lodged_on, DisputeSettings.current().appeal_response_working_days)
    _not_before("response_due", response_due, lodged_on, "the appeal was registered")
    latest = notice.appeals.order_by("-lodged_on", "-id").first()
    enforce(APPEAL, queries.appeal_state(latest) if latest else NEW, "lodge_appeal")
    first = not notice.appeals.exists()
    if first:
        clock.run_clock(notice, extra_event={"type": "appeal_lodged", "date": lodged_on.isoformat()})
    appeal = Appeal.objects.create(
        notice=notice,
        child=notice.child,
        matters=list(matters),
        lodged_on=lodged_on,
        tribunal_reference=tribunal_reference,
        response_due=response_due,
        recorded_by=_actor_or_none(actor),
    )
    clock.refresh(notice)
    held = Cessation.objects.filter(notice=notice, status__in=CESSATION.steps["hold_for_appeal"].sources).update(
        status="held"
    )
    log.record(
        actor=actor,
        action="dispute.appeal.lodge",
        obj=appeal,
        child=notice.child_id,
        after={
            "matters": matters,
            "lodged_on": lodged_on,
            "response_due": response_due,
            "late": bool(notice.due("appeal_deadline") and lodged_on > notice.due("appeal_deadline")),
            "holds_cessation": bool(held),
        },
    )
    return appeal


def _appeal_step(appeal: Appeal, step: str) -> None:
    enforce(APPEAL, queries.appeal_state(appeal), step)


@service
def record_appeal_response(*, actor, appeal: Appeal, sent_on: date) -> Appeal:
    require(actor, PERM)
    _appeal_step(appeal, "record_appeal_response")
    if sent_on is None:
        raise ValidationError({"sent_on": "Enter the date the response was sent"})
    _not_future("sent_on", sent_on)
    _not_before("sent_on", sent_on, appeal.lodged_on, "the appeal was registered")
    appeal.response_sent_on = sent_on
    appeal.save(update_fields=["response_sent_on"])
    log.record(
        actor=actor,
        action="dispute.appeal.response",
        obj=appeal,
        child=appeal.child_id,
        after={"sent_on": sent_on, "on_time": sent_on <= appeal.response_due},
    )
    return appeal


@service
def set_hearing(*, actor, appeal: Appeal, hearing_on: date) -> Appeal:
    require(actor, PERM)
    _appeal_step(appeal, "set_hearing")
    if hearing_on is None:
        raise ValidationError({"hearing_on": "Enter the hearing date"})
    _not_before("hearing_on", hearing_on, appeal.lodged_on, "the appeal was registered")
    before = appeal.hearing_on
    appeal.hearing_on = hearing_on
    appeal.save(update_fields=["hearing_on"])
    log.record(
        actor=actor,
        action="dispute.appeal.hearing",
        obj=appeal,
        child=appeal.child_id,
        before={"hearing_on": before},
        after={"hearing_on": hearing_on},
    )
    return appeal


@service
def record_appeal_outcome(*, actor, appeal: Appeal, outcome: str, outcome_on: date, notes: str = "") -> Appeal:
    """The tribunal's decision, a concession or a withdrawal. For a cessation: dismissed or withdrawn lets
    the cessation take effect; allowed or conceded means the plan continues."""
    require(actor, PERM)
    _appeal_step(appeal, "record_appeal_outcome")
    if outcome not in Appeal.DECIDED:
        raise ValidationError({"outcome": "Choose the outcome"})
    if outcome_on is None:
        raise ValidationError({"outcome_on": "Enter the date of the decision"})
    _not_future("outcome_on", outcome_on)
    _not_before("outcome_on", outcome_on, appeal.lodged_on, "the appeal was registered")
    appeal.outcome, appeal.outcome_on, appeal.outcome_notes = outcome, outcome_on, notes
    appeal.save(update_fields=["outcome", "outcome_on", "outcome_notes"])
    cessation_status = None
    cessation = Cessation.objects.filter(notice=appeal.notice_id, status="held").first()
    if cessation is not None:
        cessation_status = "notice_sent" if outcome in ("dismissed", "withdrawn") else "overturned"
        enforce(CESSATION, cessation.status, "appeal_decided", to=cessation_status)
        cessation.status = cessation_status
        cessation.save(update_fields=["status"])
    log.record(
        actor=actor,
        action="dispute.appeal.outcome",
        obj=appeal,
        child=appeal.child_id,
        after={"outcome": outcome, "outcome_on": outcome_on, "cessation": cessation_status},
    )
    return appeal


@service
def add_order(
    *, actor, appeal: Appeal, kind: str, made_on: date, text: str = "", due_on: date | None = None
) -> TribunalOrder:
    """An order of the tribunal (or what the council must do after conceding), with the date to comply by:
    given, or the configured period for this kind of order from the date it was made."""
    require(actor, PERM)
    _appeal_step(appeal, "add_order")
    if kind not in TribunalOrder.KINDS:
        raise ValidationError({"kind": "Choose the kind of order"})
    if made_on is None:
        raise ValidationError({"made_on": "Enter the date of the order"})
    _not_future("made_on", made_on)
    _not_before("made_on", made_on, appeal.lodged_on, "the appeal was registered")
    if kind.startswith("concede_") != (appeal.outcome == "conceded"):
        raise ValidationError({"kind": "Use a 'Conceded' kind for an appeal the council conceded, and only then"})
    if due_on is None:
        due_on = made_on + timedelta(days=DisputeSettings.current().days_for_order(kind))
    _not_before("due_on", due_on, made_on, "the order was made")
    order = TribunalOrder.objects.create(
        appeal=appeal, kind=kind, text=text, made_on=made_on, due_on=due_on, binding=kind != "recommendation"
    )
    log.record(
        actor=actor,
        action="dispute.order.create",
        obj=order,
        child=appeal.child_id,
        after={"kind": kind, "made_on": made_on, "due_on": due_on},
    )
    return order


@service
def record_compliance(*, actor, order: TribunalOrder, complied_on: date, notes: str = "") -> TribunalOrder:
    require(actor, PERM)
    if order.complied_on:
        raise ValidationError({"__all__": "Compliance is already recorded"})
    if complied_on is None:
        raise ValidationError({"complied_on": "Enter the date the order was complied with"})
    _not_future("complied_on", complied_on)
    _not_before("complied_on", complied_on, order.made_on, "the order was made")
    order.complied_on, order.compliance_notes = complied_on, notes
    order.save(update_fields=["complied_on", "compliance_notes"])
    log.record(
        actor=actor,
        action="dispute.order.complied",
        obj=order,
        child=order.appeal.child_id,
        after={"complied_on": complied_on, "on_time": complied_on <= order.due_on},
    )
    return order
