"""Cessation, mediation, tribunal appeals, orders, complaints and Ombudsman cases.

Every step checks `disputes.manage`, validates its dates, writes one audit event, and (for a notice's
mediation and appeal) re-runs the statutory clock so the notice's deadlines stay current. A cessation
takes effect only through `apply_cessation`, which refuses while the plan must stay in force.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.letters import context as letter_context
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import APPEAL, CESSATION, MEDIATION, NEW
from highneeds.letters.services import generate_letter

from . import clock, queries
from .models import (
    CEASE_REASONS,
    MATTERS,
    MATTERS_FOR_NOTICE,
    NOTICE_MATTERS,
    RECOMMENDATION_ONLY,
    Appeal,
    Cessation,
    Complaint,
    DecisionNotice,
    DisputeSettings,
    Mediation,
    TribunalOrder,
)

PERM = "disputes.manage"


def _not_future(field: str, on: date | None, what: str = "The date") -> None:
    if on is not None and on > date.today():
        raise ValidationError({field: f"{what} cannot be in the future"})


def _not_before(field: str, on: date, earlier: date | None, what: str) -> None:
    if earlier is not None and on < earlier:
        raise ValidationError({field: f"This date cannot be before {what} ({earlier:%-d %B %Y})"})


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _family_recipients(child) -> list[str]:
    names = [p.full_name for p in child.parents.filter(parental_responsibility=True)]
    if child.age() >= 16 or not names:
        names.append(child.full_name)
    return names


# ---------------------------------------------------------------------------------------------
# Decision notices and mediation


@service
def record_decision_notice(*, actor, child, matter: str, sent_on: date, letter=None, request=None,
                           summary: str = "") -> DecisionNotice:
    """An appealable decision's written notice was sent: the family's mediation and appeal clocks start."""
    require(actor, PERM)
    if matter not in NOTICE_MATTERS:
        raise ValidationError({"matter": "Choose what the decision was about"})
    if sent_on is None:
        raise ValidationError({"sent_on": "Enter the date the notice was sent"})
    _not_future("sent_on", sent_on, "The date the notice was sent")
    if letter is not None and letter.child_id != child.pk:
        raise ValidationError({"letter": "That letter is not on this child's record"})
    notice = DecisionNotice.objects.create(child=child, matter=matter, sent_on=sent_on, letter=letter, request=request,
                                           summary=summary, recorded_by=_actor_or_none(actor))
    clock.refresh(notice)
    log.record(actor=actor, action="dispute.notice.create", obj=notice, child=child,
               after={"matter": matter, "sent_on": sent_on, "letter": getattr(letter, "pk", None)})
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
    return _save_mediation(actor, mediation, "dispute.mediation.contact",
                           {"contacted_on": contacted_on,
                            "within_2_months": contacted_on <= queries.adviser_contact_by(notice)})


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
def record_mediation_request(*, actor, notice: DecisionNotice, requested_on: date, issues: str,
                             health_in_dispute: bool = False, health_only: bool = False) -> Mediation:
    """The family told the council they want mediation, and on what: mediation is arranged within 30 days
    (by the ICB when only health provision is in dispute; the council tells each ICB first)."""
    require(actor, PERM)
    mediation = _after_contact(notice, "record_mediation_request", "requested_on", requested_on,
                               "Enter the date the council was told")
    if not issues.strip():
        raise ValidationError({"issues": "Say what the family want to mediate about"})
    if health_only and not health_in_dispute:
        raise ValidationError({"health_only": "Health-only mediation needs health provision to be in dispute"})
    mediation.stage, mediation.requested_on, mediation.issues = "requested", requested_on, issues
    mediation.health_in_dispute, mediation.health_only = health_in_dispute, health_only
    mediation.arranged_by = "icb" if health_only else "council"
    return _save_mediation(actor, mediation, "dispute.mediation.requested",
                           {"requested_on": requested_on, "health_in_dispute": health_in_dispute,
                            "health_only": health_only})


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
def record_mediation_arranged(*, actor, notice: DecisionNotice, arranged_on: date, mediation_on: date,
                              mediator: str = "") -> Mediation:
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
    return _save_mediation(actor, mediation, "dispute.mediation.arranged",
                           {"arranged_on": arranged_on, "mediation_on": mediation_on})


@service
def record_mediation_held(*, actor, notice: DecisionNotice, held_on: date, outcome: str,
                          agreement: str = "") -> Mediation:
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
    _not_before("issued_on", issued_on, mediation.held_on or mediation.declined_on or mediation.requested_on,
                "the step before it")
    mediation.stage, mediation.certificate_on = "certificate", issued_on
    return _save_mediation(actor, mediation, "dispute.mediation.certificate", {"issued_on": issued_on})


# ---------------------------------------------------------------------------------------------
# Tribunal appeals and orders


@service
def lodge_appeal(*, actor, notice: DecisionNotice, matters: list[str], lodged_on: date, tribunal_reference: str = "",
                 response_due: date | None = None) -> Appeal:
    """The tribunal registered an appeal against this notice. An appeal against a cessation holds it."""
    require(actor, PERM)
    allowed = MATTERS_FOR_NOTICE[notice.matter]
    if not matters:
        raise ValidationError({"matters": "Choose what is appealed"})
    wrong = [m for m in matters if m not in allowed]
    if wrong:
        raise ValidationError({"matters": f"{MATTERS.get(wrong[0], wrong[0])} cannot be appealed against a "
                                          f"{notice.get_matter_display().lower()}"})
    if all(m in RECOMMENDATION_ONLY for m in matters):
        raise ValidationError({"matters": "Health and social care can only be appealed alongside sections B, F or I "
                                          "(the tribunal can only recommend on them)"})
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
    appeal = Appeal.objects.create(notice=notice, child=notice.child, matters=list(matters), lodged_on=lodged_on,
                                   tribunal_reference=tribunal_reference, response_due=response_due,
                                   recorded_by=_actor_or_none(actor))
    clock.refresh(notice)
    held = Cessation.objects.filter(notice=notice, status__in=CESSATION.steps["hold_for_appeal"].sources).update(
        status="held")
    log.record(actor=actor, action="dispute.appeal.lodge", obj=appeal, child=notice.child_id,
               after={"matters": matters, "lodged_on": lodged_on, "response_due": response_due,
                      "late": bool(notice.due("appeal_deadline") and lodged_on > notice.due("appeal_deadline")),
                      "holds_cessation": bool(held)})
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
    log.record(actor=actor, action="dispute.appeal.response", obj=appeal, child=appeal.child_id,
               after={"sent_on": sent_on, "on_time": sent_on <= appeal.response_due})
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
    log.record(actor=actor, action="dispute.appeal.hearing", obj=appeal, child=appeal.child_id,
               before={"hearing_on": before}, after={"hearing_on": hearing_on})
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
    log.record(actor=actor, action="dispute.appeal.outcome", obj=appeal, child=appeal.child_id,
               after={"outcome": outcome, "outcome_on": outcome_on, "cessation": cessation_status})
    return appeal


@service
def add_order(*, actor, appeal: Appeal, kind: str, made_on: date, text: str = "",
              due_on: date | None = None) -> TribunalOrder:
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
    order = TribunalOrder.objects.create(appeal=appeal, kind=kind, text=text, made_on=made_on, due_on=due_on,
                                         binding=kind != "recommendation")
    log.record(actor=actor, action="dispute.order.create", obj=order, child=appeal.child_id,
               after={"kind": kind, "made_on": made_on, "due_on": due_on})
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
    log.record(actor=actor, action="dispute.order.complied", obj=order, child=order.appeal.child_id,
               after={"complied_on": complied_on, "on_time": complied_on <= order.due_on})
    return order


# ---------------------------------------------------------------------------------------------
# Complaints and the Ombudsman

_NEXT_STAGE = {"stage1": "stage2", "stage2": "ombudsman"}


def _response_due(stage: str, received_on: date) -> date:
    rules = DisputeSettings.current()
    days = {"stage1": rules.complaint_stage1_working_days, "stage2": rules.complaint_stage2_working_days,
            "ombudsman": rules.ombudsman_working_days}[stage]
    return queries.working_days_after(received_on, days)


@service
def record_complaint(*, actor, child, stage: str, received_on: date, complainant: str, subject: str,
                     reference: str = "", response_due: date | None = None, escalated_from=None) -> Complaint:
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
    complaint = Complaint.objects.create(child=child, stage=stage, received_on=received_on, complainant=complainant,
                                         subject=subject, reference=reference, response_due=response_due,
                                         escalated_from=escalated_from, recorded_by=_actor_or_none(actor))
    log.record(actor=actor, action="dispute.complaint.create", obj=complaint, child=child,
               after={"stage": stage, "received_on": received_on, "response_due": response_due,
                      "escalated_from": getattr(escalated_from, "pk", None)})
    return complaint


@service
def record_complaint_response(*, actor, complaint: Complaint, responded_on: date, outcome: str, findings: str = "",
                              remedies: str = "", learning: str = "") -> Complaint:
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
    log.record(actor=actor, action="dispute.complaint.response", obj=complaint, child=complaint.child_id,
               after={"responded_on": responded_on, "outcome": outcome, "on_time": responded_on <= complaint.response_due})
    return complaint


@service
def escalate_complaint(*, actor, complaint: Complaint, received_on: date, reference: str = "",
                       response_due: date | None = None) -> Complaint:
    """The complainant took it to the next stage (stage 2, then the Ombudsman)."""
    require(actor, PERM)
    stage = _NEXT_STAGE.get(complaint.stage)
    if stage is None:
        raise ValidationError({"__all__": "An Ombudsman case is the last stage"})
    if Complaint.objects.filter(escalated_from=complaint).exists():
        raise ValidationError({"__all__": "This complaint has already been escalated"})
    if received_on is not None:
        _not_before("received_on", received_on, complaint.received_on, "the complaint was received")
    return record_complaint(actor=actor, child=complaint.child, stage=stage, received_on=received_on,
                            complainant=complaint.complainant, subject=complaint.subject, reference=reference,
                            response_due=response_due, escalated_from=complaint)


# ---------------------------------------------------------------------------------------------
# Cessation


def _letter_context(cessation: Cessation, *, recipient: str, **extra) -> dict:
    """The cessation letters' plain fields (letters.fields)."""
    return {**letter_context.base(cessation.child, recipient),
            "cessation": {"reason_detail": cessation.reason_detail, "decision_reasons": cessation.decision_reasons,
                          "takes_effect_on": cessation.takes_effect_on,
                          "setting": letter_context.establishment(cessation.setting)},
            "reason": CEASE_REASONS.get(cessation.reason, cessation.reason), **extra}


def _named_setting(plan):
    """The setting whose head or principal is consulted: section I of the plan in force, else where the
    child is on roll now."""
    from highneeds.plans.queries import latest_issued

    latest = latest_issued(plan)
    if latest is not None and latest.establishment_id:
        return latest.establishment
    placement = (plan.child.placements.filter(end_date__isnull=True).exclude(placement_type="DUAL")
                 .select_related("establishment").order_by("-start_date").first())
    return placement.establishment if placement else None


@service
def start_cessation(*, actor, plan, proposed_on: date, reason: str, review=None, reason_detail: str = "",
                    outcomes_achieved: bool | None = None) -> Cessation:
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
        child=plan.child, plan=plan, review=review, reason=reason, reason_detail=reason_detail,
        outcomes_achieved=outcomes_achieved, proposed_on=proposed_on,
        setting=setting, recorded_by=_actor_or_none(actor))
    log.record(actor=actor, action="dispute.cessation.start", obj=cessation, child=plan.child_id,
               after={"plan": plan.pk, "reason": reason, "proposed_on": proposed_on,
                      "review": getattr(review, "pk", None)})
    return cessation


def _cessation_step(cessation: Cessation, step: str) -> None:
    enforce(CESSATION, cessation.status, step)


@service
def record_cessation_consultation(*, actor, cessation: Cessation, who: str, consulted_on: date,
                                  setting=None) -> Cessation:
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
        for name in _family_recipients(cessation.child):
            generate_letter(actor=actor, code="cessation_proposal", child=cessation.child, recipient=name,
                            context=_letter_context(cessation, recipient=name, consulted_on=consulted_on))
    else:
        if setting is not None:
            cessation.setting = setting
        if cessation.setting is None:
            raise ValidationError({"urn": "Give the school or college consulted"})
        cessation.setting_consulted_on = consulted_on
    cessation.save()
    log.record(actor=actor, action="dispute.cessation.consult", obj=cessation, child=cessation.child_id,
               after={"who": who, "consulted_on": consulted_on, "setting": cessation.setting_id})
    return cessation


@service
def record_cessation_response(*, actor, cessation: Cessation, who: str, response_on: date,
                              response: str) -> Cessation:
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
    log.record(actor=actor, action="dispute.cessation.response", obj=cessation, child=cessation.child_id,
               after={"who": who, "response_on": response_on})
    return cessation


@service
def decide_cessation(*, actor, cessation: Cessation, decided_on: date, cease: bool, reasons: str,
                     takes_effect_on: date | None = None, outcomes_achieved: bool | None = None) -> Cessation:
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
        raise ValidationError({"__all__": "Consult the head or principal of the setting before deciding (regulation 31)"})
    _not_before("decided_on", decided_on, max(d for d in (cessation.family_consulted_on, cessation.setting_consulted_on)
                                              if d), "the last consultation")
    if outcomes_achieved is not None:
        cessation.outcomes_achieved = outcomes_achieved
    if cease and cessation.child.age(decided_on) >= 19 and cessation.reason not in ("5", "7", "8") \
            and cessation.outcomes_achieved is None:
        raise ValidationError({"outcomes_achieved": "For a young person aged 19 or over, say whether the education or "
                                                    "training outcomes have been achieved"})
    cessation.decided_on, cessation.decision_reasons = decided_on, reasons
    if not cease:
        cessation.status = "not_ceasing"
        cessation.save()
        for name in _family_recipients(cessation.child):
            generate_letter(actor=actor, code="cessation_not_ceasing", child=cessation.child, recipient=name,
                            context=_letter_context(cessation, recipient=name))
        log.record(actor=actor, action="dispute.cessation.decide", obj=cessation, child=cessation.child_id,
                   after={"cease": False, "decided_on": decided_on})
        return cessation
    takes_effect_on = takes_effect_on or queries.suggested_cease_date(decided_on)
    _not_before("takes_effect_on", takes_effect_on, decided_on, "the decision")
    cessation.takes_effect_on = takes_effect_on
    letters = []
    for name in _family_recipients(cessation.child):
        letters.append(generate_letter(actor=actor, code="cessation_notice", child=cessation.child, recipient=name,
                                       context=_letter_context(cessation, recipient=name)))
    if cessation.setting_id:
        generate_letter(actor=actor, code="cessation_notice", child=cessation.child,
                        recipient=f"The head or principal, {cessation.setting.name}", family_can_see=False,
                        context=_letter_context(cessation, recipient=f"Head or principal of {cessation.setting.name}"))
    cessation.notice = record_decision_notice(actor=actor, child=cessation.child, matter="cessation",
                                              sent_on=decided_on, letter=letters[0],
                                              summary=f"Cease the plan: {CEASE_REASONS[cessation.reason]}")
    cessation.status = "notice_sent"
    cessation.save()
    log.record(actor=actor, action="dispute.cessation.decide", obj=cessation, child=cessation.child_id,
               after={"cease": True, "decided_on": decided_on, "takes_effect_on": takes_effect_on,
                      "notice": cessation.notice_id})
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
    log.record(actor=actor, action="dispute.cessation.no_appeal", obj=cessation, child=cessation.child_id,
               after={"confirmed_on": confirmed_on})
    return cessation


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
        raise ValidationError({"ceased_on": f"The plan stays in force: it cannot cease before {effective.on:%-d %B %Y} "
                                            f"({effective.why.split(': ', 1)[-1]})"})
    _not_future("ceased_on", ceased_on, "The date the plan ceases")
    from highneeds.plans import services as plans

    plans.mark_ceased(actor=actor, plan=cessation.plan, ceased_on=ceased_on, reason=cessation.reason)
    cessation.status, cessation.ceased_on = "ceased", ceased_on
    cessation.save(update_fields=["status", "ceased_on"])
    log.record(actor=actor, action="dispute.cessation.apply", obj=cessation, child=cessation.child_id,
               after={"ceased_on": ceased_on, "plan": cessation.plan_id})
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
    cessation.decision_reasons = (cessation.decision_reasons + "\n\n" if cessation.decision_reasons else "") + \
        f"Withdrawn {withdrawn_on:%-d %B %Y}: {reason}"
    cessation.save(update_fields=["status", "decision_reasons"])
    log.record(actor=actor, action="dispute.cessation.withdraw", obj=cessation, child=cessation.child_id,
               after={"withdrawn_on": withdrawn_on, "reason": reason})
    return cessation


@service
def update_settings(*, actor, values: dict) -> DisputeSettings:
    require(actor, PERM)
    current = DisputeSettings.current()
    before = {k: getattr(current, k) for k in values}
    for name, value in values.items():
        if name == "order_days":
            if not all(k in TribunalOrder.KINDS and isinstance(v, int) and 0 <= v <= 365 for k, v in value.items()):
                raise ValidationError({"order_days": "Give whole numbers of days (0 to 365) for known kinds of order"})
        elif not isinstance(value, int) or not 1 <= value <= 120:
            raise ValidationError({name: "Enter a whole number of working days from 1 to 120"})
        setattr(current, name, value)
    current.save()
    log.record(actor=actor, action="dispute.settings.update", obj=current, before=before, after=values)
    return current
