"""Ceasing a plan: proposal, consultation, decision, and the plan ceasing once no appeal can follow."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import CESSATION
from highneeds.letters import context as letter_context
from highneeds.letters.services import generate_letter, letters_to_family
from highneeds.plans.queries import latest_issued

from .. import queries
from ..models import (
    CEASE_REASONS,
    Cessation,
)
from ._common import PERM, _actor_or_none, _not_before, _not_future
from .mediation import record_decision_notice

# ---------------------------------------------------------------------------------------------
# Cessation


def _cessation_fields(cessation: Cessation, **extra) -> dict:
    """The cessation letters' plain fields (letters.fields)."""
    return {
        "cessation": {
            "reason_detail": cessation.reason_detail,
            "decision_reasons": cessation.decision_reasons,
            "takes_effect_on": cessation.takes_effect_on,
            "setting": letter_context.establishment(cessation.setting),
        },
        "reason": CEASE_REASONS.get(cessation.reason, cessation.reason),
        **extra,
    }


def _named_setting(plan):
    """The setting whose head or principal is consulted: section I of the plan in force, else where the
    child is on roll now."""
    latest = latest_issued(plan)
    if latest is not None and latest.establishment_id:
        return latest.establishment
    placement = (
        plan.child.placements.filter(end_date__isnull=True)
        .exclude(placement_type="DUAL")
        .select_related("establishment")
        .order_by("-start_date")
        .first()
    )
    return placement.establishment if placement else None


@service
def start_cessation(
    *,
    actor,
    plan,
    proposed_on: date,
    reason: str,
    review=None,
    reason_detail: str = "",
    outcomes_achieved: bool | None = None,
) -> Cessation:
    """The council proposes to cease a plan (from an annual review, or otherwise). The plan stays in force;
    the family and the named setting are consulted next (R 31)."""
    require(actor, PERM)
    if reason not in CEASE_REASONS:
        raise ValidationError({"reason": "Choose a reason from the SEN2 list"})
    if proposed_on is None:
        raise ValidationError({"proposed_on": "Enter the date"})
    _not_future("proposed_on", proposed_on)
    if plan.status != "final":
        raise ValidationError({"__all__": "Only a plan in force can be ceased"})
    if Cessation.objects.filter(plan=plan, status__in=Cessation.OPEN).exists():
        raise ValidationError({"__all__": "A cessation of this plan is already under way"})
    setting = _named_setting(plan)
    cessation = Cessation.objects.create(
        child=plan.child,
        plan=plan,
        review=review,
        reason=reason,
        reason_detail=reason_detail,
        outcomes_achieved=outcomes_achieved,
        proposed_on=proposed_on,
        setting=setting,
        recorded_by=_actor_or_none(actor),
    )
    log.record(
        actor=actor,
        action="dispute.cessation.start",
        obj=cessation,
        child=plan.child_id,
        after={"plan": plan.pk, "reason": reason, "proposed_on": proposed_on, "review": getattr(review, "pk", None)},
    )
    return cessation


def _cessation_step(cessation: Cessation, step: str) -> None:
    enforce(CESSATION, cessation.status, step)


@service
def record_cessation_consultation(
    *, actor, cessation: Cessation, who: str, consulted_on: date, setting=None
) -> Cessation:
    """The family (parent or young person) or the head or principal of the setting was consulted.
    Consulting the family sends them the letter saying what is proposed and why."""
    require(actor, PERM)
    _cessation_step(cessation, "record_cessation_consultation")
    if who not in ("family", "setting"):
        raise ValidationError({"who": "Choose who was consulted"})
    if consulted_on is None:
        raise ValidationError({"consulted_on": "Enter the date"})
    _not_future("consulted_on", consulted_on)
    _not_before("consulted_on", consulted_on, cessation.proposed_on, "the cessation was proposed")
    if who == "family":
        cessation.family_consulted_on = consulted_on
        letters_to_family(
            actor=actor,
            code="cessation_proposal",
            child=cessation.child,
            fields=_cessation_fields(cessation, consulted_on=consulted_on),
        )
    else:
        if setting is not None:
            cessation.setting = setting
        if cessation.setting is None:
            raise ValidationError({"urn": "Give the school or college consulted"})
        cessation.setting_consulted_on = consulted_on
    cessation.save()
    log.record(
        actor=actor,
        action="dispute.cessation.consult",
        obj=cessation,
        child=cessation.child_id,
        after={"who": who, "consulted_on": consulted_on, "setting": cessation.setting_id},
    )
    return cessation


@service
def record_cessation_response(*, actor, cessation: Cessation, who: str, response_on: date, response: str) -> Cessation:
    require(actor, PERM)
    _cessation_step(cessation, "record_cessation_response")
    consulted = {"family": cessation.family_consulted_on, "setting": cessation.setting_consulted_on}.get(who)
    if who not in ("family", "setting"):
        raise ValidationError({"who": "Choose whose response this is"})
    if consulted is None:
        raise ValidationError({"who": "Record the consultation first"})
    if response_on is None:
        raise ValidationError({"response_on": "Enter the date"})
    if not response.strip():
        raise ValidationError({"response": "Enter the response, or a summary of it"})
    _not_future("response_on", response_on)
    _not_before("response_on", response_on, consulted, "they were consulted")
    setattr(cessation, f"{who}_response_on", response_on)
    setattr(cessation, f"{who}_response", response)
    cessation.save()
    log.record(
        actor=actor,
        action="dispute.cessation.response",
        obj=cessation,
        child=cessation.child_id,
        after={"who": who, "response_on": response_on},
    )
    return cessation


@service
def decide_cessation(
    *,
    actor,
    cessation: Cessation,
    decided_on: date,
    cease: bool,
    reasons: str,
    takes_effect_on: date | None = None,
    outcomes_achieved: bool | None = None,
) -> Cessation:
    """The council's decision after consultation. To cease: a notice with appeal and mediation rights goes to
    the family and the setting, and the plan stays in force until the appeal window has passed."""
    require(actor, PERM)
    _cessation_step(cessation, "decide_cessation")
    if decided_on is None:
        raise ValidationError({"decided_on": "Enter the date of the decision"})
    _not_future("decided_on", decided_on)
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision"})
    if cessation.family_consulted_on is None:
        raise ValidationError({"__all__": "Consult the parent or young person before deciding (regulation 31)"})
    if cessation.setting_id and cessation.setting_consulted_on is None:
        raise ValidationError(
            {"__all__": "Consult the head or principal of the setting before deciding (regulation 31)"}
        )
    _not_before(
        "decided_on",
        decided_on,
        max(d for d in (cessation.family_consulted_on, cessation.setting_consulted_on) if d),
        "the last consultation",
    )
    if outcomes_achieved is not None:
        cessation.outcomes_achieved = outcomes_achieved
    if (
        cease
        and cessation.child.age(decided_on) >= 19
        and cessation.reason not in ("5", "7", "8")
        and cessation.outcomes_achieved is None
    ):
        raise ValidationError(
            {
                "outcomes_achieved": "For a young person aged 19 or over, say whether the education or "
                "training outcomes have been achieved"
            }
        )
    cessation.decided_on, cessation.decision_reasons = decided_on, reasons
    if not cease:
        cessation.status = "not_ceasing"
        cessation.save()
        letters_to_family(
            actor=actor, code="cessation_not_ceasing", child=cessation.child, fields=_cessation_fields(cessation)
        )
        log.record(
            actor=actor,
            action="dispute.cessation.decide",
            obj=cessation,
            child=cessation.child_id,
            after={"cease": False, "decided_on": decided_on},
        )
        return cessation
    takes_effect_on = takes_effect_on or queries.suggested_cease_date(decided_on)
    _not_before("takes_effect_on", takes_effect_on, decided_on, "the decision")
    cessation.takes_effect_on = takes_effect_on
    letters = letters_to_family(
        actor=actor, code="cessation_notice", child=cessation.child, fields=_cessation_fields(cessation)
    )
    if cessation.setting_id:
        generate_letter(
            actor=actor,
            code="cessation_notice",
            child=cessation.child,
            recipient=f"The head or principal, {cessation.setting.name}",
            family_can_see=False,
            context={
                **letter_context.base(cessation.child, f"Head or principal of {cessation.setting.name}"),
                **_cessation_fields(cessation),
            },
        )
    cessation.notice = record_decision_notice(
        actor=actor,
        child=cessation.child,
        matter="cessation",
        sent_on=decided_on,
        letter=letters[0],
        summary=f"Cease the plan: {CEASE_REASONS[cessation.reason]}",
    )
    cessation.status = "notice_sent"
    cessation.save()
    log.record(
        actor=actor,
        action="dispute.cessation.decide",
        obj=cessation,
        child=cessation.child_id,
        after={
            "cease": True,
            "decided_on": decided_on,
            "takes_effect_on": takes_effect_on,
            "notice": cessation.notice_id,
        },
    )
    return cessation


@service
def confirm_no_appeal(*, actor, cessation: Cessation, confirmed_on: date, note: str) -> Cessation:
    """The family confirmed they will not appeal: the cessation need not wait for the appeal deadline."""
    require(actor, PERM)
    _cessation_step(cessation, "confirm_no_appeal")
    if confirmed_on is None:
        raise ValidationError({"confirmed_on": "Enter the date"})
    _not_future("confirmed_on", confirmed_on)
    _not_before("confirmed_on", confirmed_on, cessation.decided_on, "the decision")
    if not note.strip():
        raise ValidationError({"note": "Record how the family confirmed it (who, and by what means)"})
    cessation.no_appeal_confirmed_on, cessation.no_appeal_note = confirmed_on, note
    cessation.save(update_fields=["no_appeal_confirmed_on", "no_appeal_note"])
    log.record(
        actor=actor,
        action="dispute.cessation.no_appeal",
        obj=cessation,
        child=cessation.child_id,
        after={"confirmed_on": confirmed_on},
    )
    return cessation


@service
def withdraw_cessation(*, actor, cessation: Cessation, withdrawn_on: date, reason: str) -> Cessation:
    require(actor, PERM)
    _cessation_step(cessation, "withdraw_cessation")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason"})
    if withdrawn_on is None:
        raise ValidationError({"withdrawn_on": "Enter the date"})
    _not_future("withdrawn_on", withdrawn_on)
    cessation.status = "withdrawn"
    cessation.decision_reasons = (
        cessation.decision_reasons + "\n\n" if cessation.decision_reasons else ""
    ) + f"Withdrawn {withdrawn_on:%-d %B %Y}: {reason}"
    cessation.save(update_fields=["status", "decision_reasons"])
    log.record(
        actor=actor,
        action="dispute.cessation.withdraw",
        obj=cessation,
        child=cessation.child_id,
        after={"withdrawn_on": withdrawn_on, "reason": reason},
    )
    return cessation
