"""Phase transfers: listing the children who move phase, preferences and consultations."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import PHASE_TRANSFER
from highneeds.plans.models import Plan

from .. import clock, phase
from ..models import (
    PhaseConsultation,
    PhasePreference,
    PhaseTransfer,
)
from ._common import _describe, _not_future, _setting_of

# ---------------------------------------------------------------------------------------------
# Phase transfer


@service
def identify_phase_transfers(*, actor, today: date | None = None) -> int:
    """List every child with a plan in force who moves phase next September (bulk; idempotent)."""
    require(actor, "reviews.manage")
    today = today or date.today()
    september = phase.next_september(today)
    plans = list(
        Plan.objects.filter(status="final").exclude(phase_transfers__transfer_on=september).select_related("child")
    )
    settings = _setting_of([p.child_id for p in plans])
    made = []
    for plan in plans:
        setting = settings.get(plan.child_id)
        year = plan.child.year_group(today)
        kind = phase.transfer_kind(year, *(setting[1:] if setting else (None, None, False)))
        if kind is None:
            continue
        transfer = PhaseTransfer(
            child=plan.child,
            plan=plan,
            kind=kind,
            transfer_on=september,
            from_year=year,
            to_year=year + 1,
            identified_on=today,
        )
        _describe(transfer, plan.child, setting, today)
        made.append(transfer)
    for transfer, result in zip(made, clock.run_many(made, today=today)):
        if not result.errors:
            clock.apply(transfer, result)
    PhaseTransfer.objects.bulk_create(made, batch_size=500)
    log.record(actor=actor, action="phase_transfer.identify", after={"transfer_on": september, "listed": len(made)})
    return len(made)


@service
def add_phase_transfer(
    *, actor, plan, transfer_on: date, kind: str, identified_on: date | None = None
) -> PhaseTransfer:
    """Record a transfer by hand: a post-16 move at another time of year, or one the listing missed."""
    require(actor, "reviews.manage", plan.child)
    if kind not in PhaseTransfer.KINDS:
        raise ValidationError({"kind": "Choose the kind of transfer"})
    identified_on = identified_on or date.today()
    if transfer_on <= identified_on:
        raise ValidationError({"transfer_on": "The move must be in the future"})
    if PhaseTransfer.objects.filter(plan=plan, transfer_on=transfer_on).exists():
        raise ValidationError({"transfer_on": "This move is already listed"})
    child = plan.child
    year = child.year_group(identified_on)
    transfer = PhaseTransfer(
        child=child,
        plan=plan,
        kind=kind,
        transfer_on=transfer_on,
        from_year=year,
        to_year=child.year_group(transfer_on),
        identified_on=identified_on,
    )
    _describe(transfer, child, _setting_of([child.pk]).get(child.pk), identified_on)
    clock.apply(transfer, clock.run(transfer))
    transfer.save()
    log.record(
        actor=actor,
        action="phase_transfer.add",
        obj=transfer,
        child=child,
        after={"transfer_on": transfer_on, "kind": kind, "deadline": transfer.deadline},
    )
    return transfer


def _transfer_step(transfer: PhaseTransfer, step: str) -> None:
    enforce(PHASE_TRANSFER, transfer.stage, step)


@service
def record_preferences(*, actor, transfer: PhaseTransfer, establishments: list, gathered_on: date) -> PhaseTransfer:
    """The family's preferred settings, most wanted first (replacing any recorded before)."""
    require(actor, "reviews.manage", transfer.child)
    _transfer_step(transfer, "record_preferences")
    _not_future("gathered_on", gathered_on, "The date the preferences were given")
    chosen = [e for e in establishments if e is not None]
    if not chosen:
        raise ValidationError({"establishments": "Give at least one preferred setting"})
    if len({e.pk for e in chosen}) != len(chosen):
        raise ValidationError({"establishments": "Each setting can be named once"})
    transfer.preferences.all().delete()
    PhasePreference.objects.bulk_create(
        [PhasePreference(transfer=transfer, rank=n, establishment=e) for n, e in enumerate(chosen, start=1)]
    )
    transfer.preferences_gathered_on = gathered_on
    transfer.save(update_fields=["preferences_gathered_on"])
    log.record(
        actor=actor,
        action="phase_transfer.preferences",
        obj=transfer,
        child=transfer.child_id,
        after={"ranked": [e.pk for e in chosen], "on": gathered_on},
    )
    return transfer


@service
def consult_setting(*, actor, transfer: PhaseTransfer, establishment, sent_on: date) -> PhaseConsultation:
    require(actor, "reviews.manage", transfer.child)
    _transfer_step(transfer, "consult_setting")
    _not_future("sent_on", sent_on, "The date the consultation was sent")
    if establishment is None:
        raise ValidationError({"urn": "Choose the setting to consult"})
    if transfer.consultations.filter(establishment=establishment).exists():
        raise ValidationError({"urn": "This setting has already been consulted"})
    item = PhaseConsultation.objects.create(transfer=transfer, establishment=establishment, sent_on=sent_on)
    transfer.stage = "consulting"
    transfer.save(update_fields=["stage"])
    log.record(
        actor=actor,
        action="phase_transfer.consult",
        obj=item,
        child=transfer.child_id,
        after={"establishment": establishment.pk, "sent_on": sent_on},
    )
    return item


@service
def record_consultation_reply(
    *, actor, consultation: PhaseConsultation, reply_on: date, outcome: str, notes: str = ""
) -> PhaseConsultation:
    require(actor, "reviews.manage", consultation.transfer.child)
    _transfer_step(consultation.transfer, "record_consultation_reply")
    _not_future("reply_on", reply_on, "The reply date")
    if outcome not in PhaseConsultation.OUTCOMES or not outcome:
        raise ValidationError({"outcome": "Choose the setting's reply"})
    if reply_on < consultation.sent_on:
        raise ValidationError({"reply_on": "The reply cannot be before the consultation was sent"})
    consultation.reply_on, consultation.outcome, consultation.notes = reply_on, outcome, notes.strip()
    consultation.save(update_fields=["reply_on", "outcome", "notes"])
    log.record(
        actor=actor,
        action="phase_transfer.reply",
        obj=consultation,
        child=consultation.transfer.child_id,
        after={"outcome": outcome, "reply_on": reply_on},
    )
    return consultation
