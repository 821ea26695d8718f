"""Demo disagreements for the synthetic council: a few mediations (declined, requested, held), tribunal
appeals (one allowed with orders, one overdue), a complaint, an Ombudsman case, and a cessation in its
appeal window. Made through the services, so every record is audited and clocked like real casework.
Idempotent: nothing is added when the council already has decision notices."""

from __future__ import annotations

from datetime import date, timedelta

from highneeds.plans.models import Plan

from . import services
from .models import DecisionNotice


def prepare(actor, progress=None) -> dict[str, int]:
    if DecisionNotice.objects.exists():
        return {}
    # Plans with no cessation under way (the reviews demo may have proposed some).
    plans = list(
        Plan.objects.filter(status="final").exclude(cessations__isnull=False).select_related("child").order_by("id")[:8]
    )
    if len(plans) < 6:
        return {}
    today = date.today()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    children = [p.child for p in plans]
    notice = services.record_decision_notice

    # Mediation declined: the certificate is due in 3 working days.
    declined = notice(
        actor=actor,
        child=children[0],
        matter="plan_content",
        sent_on=ago(20),
        summary="Amended plan issued after the annual review",
    )
    services.record_adviser_contact(actor=actor, notice=declined, contacted_on=ago(6))
    services.record_mediation_declined(actor=actor, notice=declined, declined_on=ago(1))

    # Mediation requested: to be arranged within 30 days.
    requested = notice(
        actor=actor,
        child=children[1],
        matter="refuse_amend",
        sent_on=ago(30),
        summary="Decision not to amend the plan after the annual review",
    )
    services.record_adviser_contact(actor=actor, notice=requested, contacted_on=ago(20))
    services.record_mediation_request(
        actor=actor,
        notice=requested,
        requested_on=ago(18),
        issues="Speech and language therapy hours in section F; health provision in G",
        health_in_dispute=True,
    )

    # Mediation held and certificate issued, then an appeal allowed with two orders (one overdue).
    held = notice(
        actor=actor,
        child=children[2],
        matter="plan_content",
        sent_on=ago(200),
        summary="Final plan naming a mainstream school",
    )
    services.record_adviser_contact(actor=actor, notice=held, contacted_on=ago(190))
    services.record_mediation_request(actor=actor, notice=held, requested_on=ago(188), issues="Section I: the school")
    services.record_mediation_arranged(actor=actor, notice=held, arranged_on=ago(180), mediation_on=ago(165))
    services.record_mediation_held(actor=actor, notice=held, held_on=ago(165), outcome="not_agreed")
    services.record_certificate(actor=actor, notice=held, issued_on=ago(163))
    appeal = services.lodge_appeal(
        actor=actor,
        notice=held,
        matters=["section_f", "section_i"],
        lodged_on=ago(150),
        tribunal_reference="EH999/26/00117",
    )
    services.record_appeal_response(actor=actor, appeal=appeal, sent_on=ago(110))
    services.set_hearing(actor=actor, appeal=appeal, hearing_on=ago(50))
    services.record_appeal_outcome(
        actor=actor,
        appeal=appeal,
        outcome="allowed_part",
        outcome_on=ago(45),
        notes="Section F amended; special school named",
    )
    services.add_order(
        actor=actor,
        appeal=appeal,
        kind="amend_plan",
        made_on=ago(45),
        text="Amend section F: 1 hour a week of speech and language therapy from a qualified SLT",
    )
    services.add_order(
        actor=actor,
        appeal=appeal,
        kind="name_setting",
        made_on=ago(45),
        due_on=today + timedelta(7),
        text="Name the special school in section I",
    )

    # An appeal against a refusal to assess, lodged recently: the council's response is due.
    refusal = notice(
        actor=actor,
        child=children[3],
        matter="refuse_assess",
        sent_on=ago(70),
        summary="Decision not to carry out an EHC needs assessment",
    )
    services.record_adviser_contact(actor=actor, notice=refusal, contacted_on=ago(60))
    services.record_mediation_declined(actor=actor, notice=refusal, declined_on=ago(58))
    services.record_certificate(actor=actor, notice=refusal, issued_on=ago(56))
    services.lodge_appeal(
        actor=actor, notice=refusal, matters=["refuse_assess"], lodged_on=ago(20), tribunal_reference="EH999/26/00152"
    )

    # A complaint answered and escalated to the Ombudsman.
    complaint = services.record_complaint(
        actor=actor,
        child=children[4],
        stage="stage1",
        received_on=ago(90),
        complainant="Parent",
        subject="The annual review decision came 3 weeks late",
    )
    services.record_complaint_response(
        actor=actor,
        complaint=complaint,
        responded_on=ago(80),
        outcome="partly",
        findings="The decision was sent 3 weeks after the 4-week limit",
        remedies="Apology",
        learning="Weekly check of review decisions due",
    )
    stage2 = services.escalate_complaint(actor=actor, complaint=complaint, received_on=ago(60))
    services.record_complaint_response(actor=actor, complaint=stage2, responded_on=ago(40), outcome="not_upheld")
    services.escalate_complaint(actor=actor, complaint=stage2, received_on=ago(10), reference="26 004 321")
    services.record_complaint(
        actor=actor,
        child=children[5],
        stage="stage1",
        received_on=ago(4),
        complainant="Parent",
        subject="No reply to emails about transport",
    )

    # A cessation in its appeal window: the plan stays in force.
    cessation = services.start_cessation(
        actor=actor,
        plan=plans[5],
        proposed_on=ago(60),
        reason="2",
        reason_detail="Needs met through SEN support for the past year",
    )
    services.record_cessation_consultation(actor=actor, cessation=cessation, who="family", consulted_on=ago(55))
    services.record_cessation_response(
        actor=actor,
        cessation=cessation,
        who="family",
        response_on=ago(40),
        response="We are worried about the move to secondary school",
    )
    if cessation.setting_id:
        services.record_cessation_consultation(actor=actor, cessation=cessation, who="setting", consulted_on=ago(55))
    services.decide_cessation(
        actor=actor,
        cessation=cessation,
        decided_on=ago(21),
        cease=True,
        reasons="Progress at SEN support; transition support agreed with the school",
        outcomes_achieved=True if plans[5].child.age() >= 19 else None,
    )
    return {"disagreement_notices": DecisionNotice.objects.count(), "disagreement_cessations": 1}
