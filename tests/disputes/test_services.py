"""Disagreement services: permissions, audit, statutory deadlines from the clock, and the rule that a
plan stays in force until the appeal window has closed or an appeal is decided."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.audit.models import AuditEvent
from highneeds.disputes import flows, queries, services
from highneeds.disputes.models import Cessation, DisputeSettings, TribunalOrder
from highneeds.engine.calendar import add_months

from .conftest import ago

pytestmark = pytest.mark.django_db


def _decided_cessation(caseworker, plan, decided_on, takes_effect_on=None):
    cessation = services.start_cessation(
        actor=caseworker, plan=plan, proposed_on=decided_on - timedelta(days=30), reason="2"
    )
    services.record_cessation_consultation(
        actor=caseworker, cessation=cessation, who="family", consulted_on=decided_on - timedelta(days=28)
    )
    services.record_cessation_consultation(
        actor=caseworker, cessation=cessation, who="setting", consulted_on=decided_on - timedelta(days=28)
    )
    return services.decide_cessation(
        actor=caseworker,
        cessation=cessation,
        decided_on=decided_on,
        cease=True,
        reasons="Needs met at SEN support for a year",
        takes_effect_on=takes_effect_on or decided_on,
    )


# --- permissions and audit ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["parent", "finance", "professional", "strategic_lead", "panel_member"])
def test_only_casework_can_record_disagreements(make_user, child, plan, role):
    outsider = make_user(role)
    with pytest.raises(PermissionDenied):
        services.record_decision_notice(actor=outsider, child=child, matter="refuse_assess", sent_on=ago(5))
    with pytest.raises(PermissionDenied):
        services.start_cessation(actor=outsider, plan=plan, proposed_on=ago(5), reason="2")


def test_each_step_is_audited_against_the_child(caseworker, notice):
    services.record_adviser_contact(actor=caseworker, notice=notice, contacted_on=notice.sent_on + timedelta(days=3))
    event = AuditEvent.objects.filter(action="dispute.mediation.contact").get()
    assert event.child_id == notice.child_id and event.actor_id == caseworker.pk
    assert event.after["within_2_months"] is True
    assert AuditEvent.objects.filter(action="dispute.notice.create", child_id=notice.child_id).exists()


# --- mediation and the statutory clock ---------------------------------------------------------------


def test_certificate_is_due_3_working_days_after_declining_skipping_a_bank_holiday(caseworker, child):
    notice = services.record_decision_notice(
        actor=caseworker, child=child, matter="refuse_reassess", sent_on=date(2026, 8, 3)
    )
    services.record_adviser_contact(actor=caseworker, notice=notice, contacted_on=date(2026, 8, 20))
    # Friday 28 August 2026; Monday 31 August is the summer bank holiday.
    services.record_mediation_declined(actor=caseworker, notice=notice, declined_on=date(2026, 8, 28))
    notice.refresh_from_db()
    assert notice.due("mediation_certificate") == date(2026, 9, 3)
    assert notice.next_step == f"mediation_certificate:{notice.key}"


def test_mediation_is_arranged_within_30_days_and_the_appeal_deadline_moves_with_the_certificate(caseworker, child):
    notice = services.record_decision_notice(
        actor=caseworker, child=child, matter="plan_content", sent_on=date(2026, 6, 1)
    )
    assert notice.due("appeal_deadline") == date(2026, 8, 1)  # 2 months from the notice
    services.record_adviser_contact(actor=caseworker, notice=notice, contacted_on=date(2026, 6, 10))
    services.record_mediation_request(
        actor=caseworker,
        notice=notice,
        requested_on=date(2026, 6, 15),
        issues="Speech and language therapy hours in section F",
    )
    notice.refresh_from_db()
    assert notice.due("mediation_arranged") == date(2026, 7, 15)
    services.record_mediation_arranged(
        actor=caseworker, notice=notice, arranged_on=date(2026, 6, 20), mediation_on=date(2026, 7, 10)
    )
    services.record_mediation_held(actor=caseworker, notice=notice, held_on=date(2026, 7, 10), outcome="not_agreed")
    services.record_certificate(actor=caseworker, notice=notice, issued_on=date(2026, 7, 14))
    notice.refresh_from_db()
    assert notice.deadline("mediation_certificate")["status"] == "met"
    # 1 month from the certificate (14 August) is later than 2 months from the notice (1 August).
    assert notice.due("appeal_deadline") == date(2026, 8, 14)
    assert notice.mediation.stage == "certificate"


def test_health_only_mediation_is_for_the_icb_and_each_icb_is_told_within_the_configured_days(caseworker, notice):
    services.record_adviser_contact(actor=caseworker, notice=notice, contacted_on=notice.sent_on)
    mediation = services.record_mediation_request(
        actor=caseworker,
        notice=notice,
        requested_on=date(2026, 8, 28),
        issues="Physiotherapy in section G",
        health_in_dispute=True,
        health_only=True,
    )
    assert mediation.arranged_by == "icb"
    assert queries.icbs_told_by(mediation) == date(2026, 9, 3)
    settings = DisputeSettings.current()
    services.update_settings(actor=caseworker, values={"icb_notice_working_days": 5})
    assert queries.icbs_told_by(mediation) == date(2026, 9, 7)
    assert settings.icb_notice_working_days == 3  # the old copy; the saved one changed


def test_steps_out_of_order_are_refused_with_a_message(caseworker, notice):
    with pytest.raises(ValidationError) as exc:
        services.record_mediation_declined(actor=caseworker, notice=notice, declined_on=ago(5))
    assert "contact with the mediation adviser first" in str(exc.value)
    services.record_adviser_contact(actor=caseworker, notice=notice, contacted_on=notice.sent_on + timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.record_mediation_request(actor=caseworker, notice=notice, requested_on=notice.sent_on, issues="x")
    assert "cannot be before the family contacted the adviser" in exc.value.message_dict["requested_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_mediation_request(actor=caseworker, notice=notice, requested_on=ago(1), issues="  ")
    assert exc.value.message_dict == {"issues": ["Say what the family want to mediate about"]}
    with pytest.raises(ValidationError) as exc:
        services.record_certificate(actor=caseworker, notice=notice, issued_on=ago(1))
    assert "not possible now" in str(exc.value)


def test_future_dates_are_refused(caseworker, child):
    with pytest.raises(ValidationError) as exc:
        services.record_decision_notice(
            actor=caseworker, child=child, matter="not_issue", sent_on=date.today() + timedelta(days=1)
        )
    assert exc.value.message_dict["sent_on"] == ["The date the notice was sent cannot be in the future"]


# --- appeals and orders ----------------------------------------------------------------------------------


def test_appeal_matters_must_fit_the_decision(caseworker, notice):
    with pytest.raises(ValidationError) as exc:
        services.lodge_appeal(actor=caseworker, notice=notice, matters=["refuse_assess"], lodged_on=ago(10))
    assert "cannot be appealed against" in exc.value.message_dict["matters"][0]
    with pytest.raises(ValidationError) as exc:
        services.lodge_appeal(actor=caseworker, notice=notice, matters=["section_g"], lodged_on=ago(10))
    assert "recommend" in exc.value.message_dict["matters"][0]
    appeal = services.lodge_appeal(
        actor=caseworker, notice=notice, matters=["section_f", "section_g"], lodged_on=date(2026, 8, 28)
    )
    # Default response period: 30 working days from registration (31 August is a bank holiday).
    assert appeal.response_due == date(2026, 10, 12)
    notice.refresh_from_db()
    assert notice.deadline("appeal_deadline")["done"] == "2026-08-28"


def test_orders_take_the_configured_period_and_show_overdue(caseworker, notice):
    appeal = services.lodge_appeal(
        actor=caseworker, notice=notice, matters=["section_i"], lodged_on=ago(90), tribunal_reference="EH999/26/00001"
    )
    with pytest.raises(ValidationError):
        services.add_order(actor=caseworker, appeal=appeal, kind="name_setting", made_on=ago(40))
    services.record_appeal_outcome(actor=caseworker, appeal=appeal, outcome="allowed", outcome_on=ago(40))
    order = services.add_order(
        actor=caseworker,
        appeal=appeal,
        kind="name_setting",
        made_on=ago(40),
        text="Name Brookside Primary in section I",
    )
    assert order.due_on == ago(40) + timedelta(days=35) and order.binding
    assert order.overdue(date.today())
    with pytest.raises(ValidationError) as exc:
        services.add_order(actor=caseworker, appeal=appeal, kind="concede_content", made_on=ago(40))
    assert "Conceded" in exc.value.message_dict["kind"][0]
    recommendation = services.add_order(
        actor=caseworker, appeal=appeal, kind="recommendation", made_on=ago(40), due_on=ago(1)
    )
    assert recommendation.binding is False
    overview = queries.overview(date.today())
    assert overview["overdue_orders"] == [order, recommendation]
    services.record_compliance(actor=caseworker, order=order, complied_on=ago(2))
    assert TribunalOrder.objects.get(pk=order.pk).complied_on == ago(2)
    assert queries.overview(date.today())["overdue_orders"] == [recommendation]


def test_a_conceded_assessment_appeal_gives_two_weeks_to_tell_the_family(caseworker, child):
    notice = services.record_decision_notice(actor=caseworker, child=child, matter="refuse_assess", sent_on=ago(60))
    appeal = services.lodge_appeal(actor=caseworker, notice=notice, matters=["refuse_assess"], lodged_on=ago(30))
    services.record_appeal_outcome(actor=caseworker, appeal=appeal, outcome="conceded", outcome_on=ago(3))
    order = services.add_order(actor=caseworker, appeal=appeal, kind="concede_assess", made_on=ago(3))
    assert order.due_on == ago(3) + timedelta(weeks=2)


# --- complaints -------------------------------------------------------------------------------------------


def test_complaints_have_working_day_response_dates_and_escalate(caseworker, child):
    complaint = services.record_complaint(
        actor=caseworker,
        child=child,
        stage="stage2",
        received_on=date(2026, 8, 27),
        complainant="Pat Samplefield",
        subject="Delay in issuing the amended plan",
    )
    # 20 working days, skipping Monday 31 August 2026.
    assert complaint.response_due == date(2026, 9, 25)
    with pytest.raises(ValidationError) as exc:
        services.record_complaint_response(
            actor=caseworker, complaint=complaint, responded_on=date(2026, 9, 20), outcome=""
        )
    assert "outcome" in exc.value.message_dict
    services.record_complaint_response(
        actor=caseworker,
        complaint=complaint,
        responded_on=date(2026, 9, 20),
        outcome="partly",
        findings="Plan late by 3 weeks",
        remedies="Apology",
        learning="Track amendment deadlines weekly",
    )
    ombudsman = services.escalate_complaint(
        actor=caseworker, complaint=complaint, received_on=date(2026, 10, 5), reference="26 001 234"
    )
    assert ombudsman.stage == "ombudsman" and ombudsman.escalated_from == complaint
    with pytest.raises(ValidationError):
        services.escalate_complaint(actor=caseworker, complaint=ombudsman, received_on=ago(1))


# --- cessation ------------------------------------------------------------------------------------------


def test_start_cessation_checks_its_input(caseworker, plan):
    with pytest.raises(ValidationError) as exc:
        services.start_cessation(actor=caseworker, plan=plan, proposed_on=ago(1), reason="10")
    assert exc.value.message_dict == {"reason": ["Choose a reason from the SEN2 list"]}
    cessation = services.start_cessation(actor=caseworker, plan=plan, proposed_on=ago(1), reason="2")
    assert cessation.setting is not None and cessation.status == "consulting"
    with pytest.raises(ValidationError) as exc:
        services.start_cessation(actor=caseworker, plan=plan, proposed_on=ago(1), reason="2")
    assert "already under way" in str(exc.value)


def test_deciding_needs_both_consultations_and_sends_a_notice_with_appeal_rights(caseworker, plan):
    cessation = services.start_cessation(actor=caseworker, plan=plan, proposed_on=ago(40), reason="2")
    with pytest.raises(ValidationError) as exc:
        services.decide_cessation(actor=caseworker, cessation=cessation, decided_on=ago(5), cease=True, reasons="x")
    assert "regulation 31" in str(exc.value)
    services.record_cessation_consultation(actor=caseworker, cessation=cessation, who="family", consulted_on=ago(35))
    services.record_cessation_response(
        actor=caseworker, cessation=cessation, who="family", response_on=ago(30), response="We agree"
    )
    with pytest.raises(ValidationError) as exc:
        services.decide_cessation(actor=caseworker, cessation=cessation, decided_on=ago(5), cease=True, reasons="x")
    assert "head or principal" in str(exc.value)
    services.record_cessation_consultation(actor=caseworker, cessation=cessation, who="setting", consulted_on=ago(35))
    services.decide_cessation(actor=caseworker, cessation=cessation, decided_on=ago(5), cease=True, reasons="Needs met")
    cessation.refresh_from_db()
    assert cessation.status == "notice_sent"
    assert cessation.takes_effect_on == queries.suggested_cease_date(ago(5))
    assert cessation.takes_effect_on.month == 8 and cessation.takes_effect_on.day == 31
    assert cessation.notice.matter == "cessation" and cessation.notice.sent_on == ago(5)
    letter = cessation.notice.letter
    assert letter.template_code == "cessation_notice" and "Your right to appeal" in letter.body
    assert "stays in force" in letter.body
    plan.refresh_from_db()
    assert plan.status == "final"


def test_a_young_person_over_19_needs_the_outcomes_question_answered(caseworker, make_child, school):
    from highneeds.plans.models import Plan

    young_person = make_child(sen_status="E", dob=date(2005, 1, 10), establishment=school)
    plan = Plan.objects.create(child=young_person, status="final", first_issued_on=date(2020, 1, 1))
    cessation = services.start_cessation(actor=caseworker, plan=plan, proposed_on=ago(30), reason="6")
    assert cessation.setting == school  # no section I on record: the setting the young person is on roll at
    for who in ("family", "setting"):
        services.record_cessation_consultation(actor=caseworker, cessation=cessation, who=who, consulted_on=ago(20))
    with pytest.raises(ValidationError) as exc:
        services.decide_cessation(actor=caseworker, cessation=cessation, decided_on=ago(5), cease=True, reasons="x")
    assert "outcomes_achieved" in exc.value.message_dict
    services.decide_cessation(
        actor=caseworker, cessation=cessation, decided_on=ago(5), cease=True, reasons="x", outcomes_achieved=False
    )
    assert Cessation.objects.get(pk=cessation.pk).outcomes_achieved is False


def test_the_plan_stays_in_force_until_the_appeal_window_closes(caseworker, plan):
    cessation = _decided_cessation(caseworker, plan, decided_on=ago(20), takes_effect_on=ago(10))
    deadline = cessation.notice.due("appeal_deadline")
    assert deadline == add_months(ago(20), 2)
    with pytest.raises(ValidationError) as exc:
        flows.apply_cessation(actor=caseworker, cessation=cessation, ceased_on=ago(0))
    assert exc.value.message_dict["ceased_on"] == [
        f"The plan stays in force: it cannot cease before {deadline + timedelta(days=1):%-d %B %Y} "
        f"(the family's appeal deadline is {deadline:%-d %B %Y})"
    ]
    plan.refresh_from_db()
    assert plan.status == "final"
    # The family confirm they will not appeal: the cessation may take effect on the date decided.
    services.confirm_no_appeal(
        actor=caseworker, cessation=cessation, confirmed_on=ago(8), note="Parent confirmed by email to the caseworker"
    )
    with pytest.raises(ValidationError):
        flows.apply_cessation(actor=caseworker, cessation=cessation, ceased_on=ago(9))
    flows.apply_cessation(actor=caseworker, cessation=cessation, ceased_on=ago(8))
    plan.refresh_from_db()
    assert (plan.status, plan.ceased_on, plan.cease_reason) == ("ceased", ago(8), "2")
    plan.child.refresh_from_db()
    assert plan.child.sen_status == "K"


def test_a_lodged_appeal_holds_the_cessation_until_it_is_decided(caseworker, plan):
    cessation = _decided_cessation(caseworker, plan, decided_on=ago(120), takes_effect_on=ago(100))
    appeal = services.lodge_appeal(actor=caseworker, notice=cessation.notice, matters=["cessation"], lodged_on=ago(70))
    cessation.refresh_from_db()
    assert cessation.status == "held"
    with pytest.raises(ValidationError) as exc:
        flows.apply_cessation(actor=caseworker, cessation=cessation, ceased_on=ago(0))
    assert "appeal against the cessation is lodged" in str(exc.value)
    assert queries.cessations_due(date.today()) == []
    services.record_appeal_outcome(actor=caseworker, appeal=appeal, outcome="dismissed", outcome_on=ago(3))
    cessation.refresh_from_db()
    assert cessation.status == "notice_sent"
    assert queries.cessations_due(date.today()) == [(cessation, ago(3))]


def test_an_allowed_appeal_means_the_plan_continues(caseworker, plan):
    cessation = _decided_cessation(caseworker, plan, decided_on=ago(120))
    appeal = services.lodge_appeal(actor=caseworker, notice=cessation.notice, matters=["cessation"], lodged_on=ago(70))
    services.record_appeal_outcome(actor=caseworker, appeal=appeal, outcome="allowed", outcome_on=ago(3))
    cessation.refresh_from_db()
    assert cessation.status == "overturned"
    with pytest.raises(ValidationError):
        flows.apply_cessation(actor=caseworker, cessation=cessation, ceased_on=ago(0))


def test_start_cessation_from_an_annual_review_keeps_the_link(caseworker, plan):
    from highneeds.reviews.models import AnnualReview

    review = AnnualReview.objects.create(
        child=plan.child, plan=plan, counted_from=date(2025, 3, 1), meeting_on=ago(30), stage="decided"
    )
    cessation = services.start_cessation(actor=caseworker, plan=plan, proposed_on=ago(2), reason="2", review=review)
    assert cessation.review == review and list(review.cessations.all()) == [cessation]
    event = AuditEvent.objects.get(action="dispute.cessation.start")
    assert event.after["review"] == review.pk and event.child_id == plan.child_id


def test_only_a_plan_in_force_can_be_ceased(caseworker, plan):
    plan.status = "ceased"
    plan.save()
    with pytest.raises(ValidationError) as exc:
        services.start_cessation(actor=caseworker, plan=plan, proposed_on=ago(1), reason="8")
    assert exc.value.message_dict == {"__all__": ["Only a plan in force can be ceased"]}


def test_a_notice_may_carry_only_a_letter_on_the_same_childs_record(caseworker, child, make_child):
    from highneeds.letters.models import Letter

    other = make_child()
    stray = Letter.objects.create(
        child=other, template_code="decision_to_assess_no", subject="s", body="b", recipient="r"
    )
    with pytest.raises(ValidationError) as exc:
        services.record_decision_notice(
            actor=caseworker, child=child, matter="refuse_assess", sent_on=ago(3), letter=stray
        )
    assert exc.value.message_dict == {"letter": ["That letter is not on this child's record"]}
