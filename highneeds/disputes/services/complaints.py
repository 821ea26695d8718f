"""Complaints and Ombudsman cases."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service

from .. import queries
from ..models import (
    Complaint,
    DisputeSettings,
)
from ._common import PERM, _actor_or_none, _not_before, _not_future

# ---------------------------------------------------------------------------------------------
# Complaints and the Ombudsman

_NEXT_STAGE = {"stage1": "stage2", "stage2": "ombudsman"}


def _response_due(stage: str, received_on: date) -> date:
    rules = DisputeSettings.current()
    days = {
        "stage1": rules.complaint_stage1_working_days,
        "stage2": rules.complaint_stage2_working_days,
        "ombudsman": rules.ombudsman_working_days,
    }[stage]
    return queries.working_days_after(received_on, days)


@service
def record_complaint(
    *,
    actor,
    child,
    stage: str,
    received_on: date,
    complainant: str,
    subject: str,
    reference: str = "",
    response_due: date | None = None,
    escalated_from=None,
) -> Complaint:
    require(actor, PERM)
    if stage not in dict(Complaint.STAGES):
        raise ValidationError({"stage": "Choose the stage"})
    if received_on is None:
        raise ValidationError({"received_on": "Enter the date received"})
    _not_future("received_on", received_on)
    if not complainant.strip():
        raise ValidationError({"complainant": "Enter who complained"})
    if not subject.strip():
        raise ValidationError({"subject": "Say what the complaint is about"})
    response_due = response_due or _response_due(stage, received_on)
    _not_before("response_due", response_due, received_on, "it was received")
    complaint = Complaint.objects.create(
        child=child,
        stage=stage,
        received_on=received_on,
        complainant=complainant,
        subject=subject,
        reference=reference,
        response_due=response_due,
        escalated_from=escalated_from,
        recorded_by=_actor_or_none(actor),
    )
    log.record(
        actor=actor,
        action="dispute.complaint.create",
        obj=complaint,
        child=child,
        after={
            "stage": stage,
            "received_on": received_on,
            "response_due": response_due,
            "escalated_from": getattr(escalated_from, "pk", None),
        },
    )
    return complaint


@service
def record_complaint_response(
    *,
    actor,
    complaint: Complaint,
    responded_on: date,
    outcome: str,
    findings: str = "",
    remedies: str = "",
    learning: str = "",
) -> Complaint:
    require(actor, PERM)
    if complaint.responded_on:
        raise ValidationError({"__all__": "The response is already recorded"})
    if outcome not in dict(Complaint.OUTCOMES) or not outcome:
        raise ValidationError({"outcome": "Choose the outcome"})
    if responded_on is None:
        raise ValidationError({"responded_on": "Enter the date of the response"})
    _not_future("responded_on", responded_on)
    _not_before("responded_on", responded_on, complaint.received_on, "it was received")
    complaint.responded_on, complaint.outcome = responded_on, outcome
    complaint.findings, complaint.remedies, complaint.learning = findings, remedies, learning
    complaint.save()
    log.record(
        actor=actor,
        action="dispute.complaint.response",
        obj=complaint,
        child=complaint.child_id,
        after={"responded_on": responded_on, "outcome": outcome, "on_time": responded_on <= complaint.response_due},
    )
    return complaint


@service
def escalate_complaint(
    *, actor, complaint: Complaint, received_on: date, reference: str = "", response_due: date | None = None
) -> Complaint:
    """The complainant took it to the next stage (stage 2, then the Ombudsman)."""
    require(actor, PERM)
    stage = _NEXT_STAGE.get(complaint.stage)
    if stage is None:
        raise ValidationError({"__all__": "An Ombudsman case is the last stage"})
    if Complaint.objects.filter(escalated_from=complaint).exists():
        raise ValidationError({"__all__": "This complaint has already been escalated"})
    if received_on is not None:
        _not_before("received_on", received_on, complaint.received_on, "the complaint was received")
    return record_complaint(
        actor=actor,
        child=complaint.child,
        stage=stage,
        received_on=received_on,
        complainant=complaint.complainant,
        subject=complaint.subject,
        reference=reference,
        response_due=response_due,
        escalated_from=complaint,
    )
