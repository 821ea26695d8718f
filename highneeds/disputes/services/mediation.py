"""Decision notices and the mediation that may follow them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import MEDIATION, NEW

from .. import clock, queries
from ..models import (
    NOTICE_MATTERS,
    DecisionNotice,
    Mediation,
)
from ._common import PERM, _actor_or_none, _not_before, _not_future

# ---------------------------------------------------------------------------------------------
# Decision notices and mediation


@service
def record_decision_notice(
    *, actor, child, matter: str, sent_on: date, letter=None, request=None, summary: str = ""
) -> DecisionNotice:
    """An appealable decision's written notice was sent: the family's mediation and appeal clocks start."""
    require(actor, PERM)
    if matter not in NOTICE_MATTERS:
        raise ValidationError({"matter": "Choose what the decision was about"})
    if sent_on is None:
        raise ValidationError({"sent_on": "Enter the date the notice was sent"})
    _not_future("sent_on", sent_on, "The date the notice was sent")
    if letter is not None and letter.child_id != child.pk:
        raise ValidationError({"letter": "That letter is not on this child's record"})
    notice = DecisionNotice.objects.create(
        child=child,
        matter=matter,
        sent_on=sent_on,
        letter=letter,
        request=request,
        summary=summary,
        recorded_by=_actor_or_none(actor),
    )
    clock.refresh(notice)
    log.record(
        actor=actor,
        action="dispute.notice.create",
        obj=notice,
        child=child,
        after={"matter": matter, "sent_on": sent_on, "letter": getattr(letter, "pk", None)},
    )
    return notice


def _mediation(notice: DecisionNotice, step: str) -> Mediation | None:
    """The notice's mediation, if the mediation machine allows `step` from its stage."""
    mediation = Mediation.objects.filter(notice=notice).first()
    enforce(MEDIATION, mediation.stage if mediation else NEW, step)
    return mediation


def _save_mediation(actor, mediation: Mediation, action: str, after: dict) -> Mediation:
    """Check the notice's events (with this change) with the clock before saving, then keep its answer."""
    notice = mediation.notice
    notice.mediation = mediation
    result = clock.run_clock(notice)
    mediation.save()
    clock.apply_result(notice, result)
    notice.save(update_fields=["deadlines", "next_step", "next_due"])
    log.record(actor=actor, action=action, obj=mediation, child=notice.child_id, after=after)
    return mediation


@service
def record_adviser_contact(*, actor, notice: DecisionNotice, contacted_on: date) -> Mediation:
    """The family contacted the mediation adviser (they should within 2 months of the notice, R 33)."""
    require(actor, PERM)
    if contacted_on is None:
        raise ValidationError({"contacted_on": "Enter the date the family contacted the adviser"})
    _not_future("contacted_on", contacted_on)
    _not_before("contacted_on", contacted_on, notice.sent_on, "the notice was sent")
    _mediation(notice, "record_adviser_contact")
    mediation = Mediation(notice=notice, adviser_contacted_on=contacted_on)
    return _save_mediation(
        actor,
        mediation,
        "dispute.mediation.contact",
        {"contacted_on": contacted_on, "within_2_months": contacted_on <= queries.adviser_contact_by(notice)},
    )


def _after_contact(notice: DecisionNotice, step: str, field: str, on: date | None, missing: str) -> Mediation:
    """The mediation after the family contacted the adviser, checking the date of what they said next."""
    mediation = _mediation(notice, step)
    if on is None:
        raise ValidationError({field: missing})
    _not_future(field, on)
    _not_before(field, on, mediation.adviser_contacted_on, "the family contacted the adviser")
    return mediation


@service
def record_mediation_declined(*, actor, notice: DecisionNotice, declined_on: date) -> Mediation:
    """The family told the adviser they do not want mediation: a certificate is due within 3 working days."""
    require(actor, PERM)
    mediation = _after_contact(notice, "record_mediation_declined", "declined_on", declined_on, "Enter the date")
    mediation.stage, mediation.declined_on = "declined", declined_on
    return _save_mediation(actor, mediation, "dispute.mediation.declined", {"declined_on": declined_on})


@service
def record_mediation_request(
    *,
    actor,
    notice: DecisionNotice,
    requested_on: date,
    issues: str,
    health_in_dispute: bool = False,
    health_only: bool = False,
) -> Mediation:
    """The family told the council they want mediation, and on what: mediation is arranged within 30 days
    (by the ICB when only health provision is in dispute; the council tells each ICB first)."""
    require(actor, PERM)
    mediation = _after_contact(
        notice, "record_mediation_request", "requested_on", requested_on, "Enter the date the council was told"
    )
    if not issues.strip():
        raise ValidationError({"issues": "Say what the family want to mediate about"})
    if health_only and not health_in_dispute:
        raise ValidationError({"health_only": "Health-only mediation needs health provision to be in dispute"})
    mediation.stage, mediation.requested_on, mediation.issues = "requested", requested_on, issues
    mediation.health_in_dispute, mediation.health_only = health_in_dispute, health_only
    mediation.arranged_by = "icb" if health_only else "council"
    return _save_mediation(
        actor,
        mediation,
        "dispute.mediation.requested",
        {"requested_on": requested_on, "health_in_dispute": health_in_dispute, "health_only": health_only},
    )


@service
def record_icbs_told(*, actor, notice: DecisionNotice, told_on: date) -> Mediation:
    require(actor, PERM)
    mediation = _mediation(notice, "record_icbs_told")
    if not mediation.health_only:
        raise ValidationError({"__all__": "Only health-only mediation is arranged by the ICB"})
    if told_on is None:
        raise ValidationError({"told_on": "Enter the date"})
    _not_future("told_on", told_on)
    _not_before("told_on", told_on, mediation.requested_on, "the family asked for mediation")
    mediation.icbs_told_on = told_on
    return _save_mediation(actor, mediation, "dispute.mediation.icbs_told", {"told_on": told_on})


@service
def record_mediation_arranged(
    *, actor, notice: DecisionNotice, arranged_on: date, mediation_on: date, mediator: str = ""
) -> Mediation:
    require(actor, PERM)
    mediation = _mediation(notice, "record_mediation_arranged")
    if arranged_on is None:
        raise ValidationError({"arranged_on": "Enter the date it was arranged"})
    if mediation_on is None:
        raise ValidationError({"mediation_on": "Enter the date of the mediation"})
    _not_future("arranged_on", arranged_on)
    _not_before("arranged_on", arranged_on, mediation.requested_on, "the family asked for mediation")
    _not_before("mediation_on", mediation_on, arranged_on, "it was arranged")
    mediation.stage, mediation.arranged_on, mediation.mediation_on = "arranged", arranged_on, mediation_on
    mediation.mediator = mediator
    return _save_mediation(
        actor, mediation, "dispute.mediation.arranged", {"arranged_on": arranged_on, "mediation_on": mediation_on}
    )


@service
def record_mediation_held(
    *, actor, notice: DecisionNotice, held_on: date, outcome: str, agreement: str = ""
) -> Mediation:
    require(actor, PERM)
    mediation = _mediation(notice, "record_mediation_held")
    if held_on is None:
        raise ValidationError({"held_on": "Enter the date the mediation took place"})
    _not_future("held_on", held_on)
    _not_before("held_on", held_on, mediation.requested_on, "the family asked for mediation")
    if outcome not in dict(Mediation.OUTCOMES) or not outcome:
        raise ValidationError({"outcome": "Choose the outcome"})
    mediation.stage, mediation.held_on, mediation.outcome, mediation.agreement = "held", held_on, outcome, agreement
    return _save_mediation(actor, mediation, "dispute.mediation.held", {"held_on": held_on, "outcome": outcome})


@service
def record_certificate(*, actor, notice: DecisionNotice, issued_on: date) -> Mediation:
    """The mediation certificate was issued (after declining, after mediation, or when mediation could
    not be arranged in time): the family may appeal up to 1 month from it, if that is later."""
    require(actor, PERM)
    mediation = _mediation(notice, "record_certificate")
    if issued_on is None:
        raise ValidationError({"issued_on": "Enter the date the certificate was issued"})
    _not_future("issued_on", issued_on)
    _not_before(
        "issued_on",
        issued_on,
        mediation.held_on or mediation.declined_on or mediation.requested_on,
        "the step before it",
    )
    mediation.stage, mediation.certificate_on = "certificate", issued_on
    return _save_mediation(actor, mediation, "dispute.mediation.certificate", {"issued_on": issued_on})
