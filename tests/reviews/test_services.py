"""Annual reviews, phase transfers and reassessments through the services: rules, letters, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.audit.models import AuditEvent
from highneeds.engine.calendar import add_months
from highneeds.engine.schoolyear import academic_year_start
from highneeds.letters.models import Letter
from highneeds.reviews import flows as review_flows
from highneeds.reviews import services
from highneeds.reviews.models import AnnualReview

from .conftest import days, send_amendments

CONSIDERED = {
    "step_down_considered": True,
    "step_down_reason": "Needs still need the provision in F",
    "cessation_considered": False,
    "cessation_reason": "Outcomes not yet met",
}


def dob_in_year(year_group: int) -> date:
    """A date of birth putting a child in this year group now."""
    return date(academic_year_start(date.today()) - 5 - year_group, 10, 1)


def held_review(user, plan, *, held=-70, **meeting) -> AnnualReview:
    """A review whose meeting took place `held` days from today, invited with 25 days' notice."""
    review = services.schedule_review(actor=user, plan=plan)
    services.arrange_meeting(
        actor=user,
        review=review,
        meeting_on=days(held),
        arranged_on=days(held - 30),
        invitees=[{"role": r} for r in ("parent", "setting", "la_officer", "health", "social_care")],
    )
    services.send_invitations(actor=user, review=review, sent_on=days(held - 25))
    services.circulate_advice(actor=user, review=review, circulated_on=days(held - 15))
    fields = {
        "attendees": "Parent, SENCO, caseworker",
        "outcomes_met": "partly",
        "adulthood_considered": True,
        **meeting,
    }
    services.record_meeting(actor=user, review=review, held_on=days(held), **fields)
    return services.send_report(actor=user, review=review, sent_on=days(held + 7))


def test_scheduling_counts_12_months_from_the_plan_and_is_audited(caseworker, make_plan):
    plan = make_plan(issued_on=date(2025, 12, 10))
    review = services.schedule_review(actor=caseworker, plan=plan)
    assert review.due_on == date(2026, 12, 10)
    assert review.next_step == "review_due" and review.next_due == date(2026, 12, 10)
    assert AuditEvent.objects.filter(action="review.schedule", object_id=str(review.pk)).exists()
    with pytest.raises(ValidationError):
        services.schedule_review(actor=caseworker, plan=plan)  # one open review at a time


def test_only_casework_can_manage_reviews(make_user, make_plan):
    plan = make_plan()
    for role in ("parent", "professional", "finance"):
        with pytest.raises(PermissionDenied):
            services.schedule_review(actor=make_user(role), plan=plan)


def test_the_next_review_counts_from_the_last_meeting(caseworker, make_plan):
    plan = make_plan(issued_on=days(-400))
    review = held_review(caseworker, plan)
    review_flows.decide(
        actor=caseworker, review=review, decision="maintain", decided_on=days(-60), reasons="Working well", **CONSIDERED
    )
    following = services.schedule_review(actor=caseworker, plan=plan)
    assert following.counted_from == days(-70)
    assert following.due_on == add_months(days(-70), 12)


def test_invitations_need_two_weeks_notice(caseworker, make_plan):
    review = services.schedule_review(actor=caseworker, plan=make_plan())
    invitees = [{"role": "parent"}, {"role": "setting"}]
    services.arrange_meeting(actor=caseworker, review=review, meeting_on=days(13), invitees=invitees)
    with pytest.raises(ValidationError) as refused:
        services.send_invitations(actor=caseworker, review=review, sent_on=date.today())
    assert "2 weeks" in refused.value.message_dict["sent_on"][0]
    services.arrange_meeting(actor=caseworker, review=review, meeting_on=days(14), invitees=invitees)
    services.send_invitations(actor=caseworker, review=review, sent_on=date.today())
    assert review.invitations_sent_on == date.today()
    assert Letter.objects.filter(child=review.child, template_code="review_invitation").exists()


def test_invitees_follow_regulations_20_and_21(caseworker, make_plan):
    review = services.schedule_review(actor=caseworker, plan=make_plan())
    with pytest.raises(ValidationError, match="parent"):
        services.arrange_meeting(actor=caseworker, review=review, meeting_on=days(30), invitees=[{"role": "setting"}])
    with pytest.raises(ValidationError, match="head teacher"):
        services.arrange_meeting(actor=caseworker, review=review, meeting_on=days(30), invitees=[{"role": "parent"}])
    services.arrange_meeting(
        actor=caseworker,
        review=review,
        meeting_on=days(30),
        in_setting=False,
        invitees=[{"role": "parent"}, {"role": "other", "name": "Youth worker"}],
    )
    assert review.stage == "arranged" and review.in_setting is False


def test_year_9_reviews_must_consider_adulthood(caseworker, make_plan):
    plan = make_plan(dob=dob_in_year(10), issued_on=days(-400))
    with pytest.raises(ValidationError) as refused:
        held_review(caseworker, plan, adulthood_considered=False)
    assert "adulthood_considered" in refused.value.message_dict


def test_a_decision_needs_step_down_and_cessation_considered(caseworker, make_plan):
    review = held_review(caseworker, make_plan(issued_on=days(-400)))
    with pytest.raises(ValidationError) as refused:
        review_flows.decide(actor=caseworker, review=review, decision="maintain", decided_on=days(-60), reasons="Fine")
    assert {"step_down_considered", "step_down_reason", "cessation_considered", "cessation_reason"} <= set(
        refused.value.message_dict
    )
    review.refresh_from_db()
    assert review.stage == "held" and not review.decision


def test_maintain_sends_a_notice_with_appeal_rights(caseworker, family):
    review = held_review(caseworker, family["plan"])
    review_flows.decide(
        actor=caseworker,
        review=review,
        decision="maintain",
        decided_on=days(-60),
        reasons="Outcomes are being met with the current provision",
        **CONSIDERED,
    )
    review.refresh_from_db()
    assert review.stage == "closed" and review.next_step == ""
    letter = review.decision_letter
    assert letter.template_code == "review_decision_maintain" and letter.family_can_see
    assert "appeal" in letter.body.lower() and "mediation" in letter.body.lower()
    steps = {d["step"]: d["status"] for d in review.deadlines}
    assert steps["review_decision"] == "met" and steps["review_invitations"] == "met"


def test_amend_sends_the_proposed_amendments_with_the_notice_then_issues_the_plan(caseworker, family):
    plan = family["plan"]
    review = held_review(caseworker, plan)
    review_flows.decide(
        actor=caseworker,
        review=review,
        decision="amend",
        decided_on=days(-50),
        reasons="Speech and language outcomes need updating",
        **CONSIDERED,
    )
    review.refresh_from_db()
    version = review.amendment
    assert review.stage == "amending" and review.amendments_sent_on == days(-50)
    assert version.kind == "proposed_amendment" and version.state == "sent" and version.sent_on == days(-50)
    assert version.source == "annual_review"
    assert review.next_step == "amended_plan" and review.next_due == days(-50) + timedelta(weeks=8)
    assert review.decision_letter.template_code == "review_decision_amend"
    assert "15 days" in review.decision_letter.body

    with pytest.raises(ValidationError, match="15 days"):
        review_flows.issue_amended_plan(actor=caseworker, review=review, issued_on=days(-40))
    review_flows.issue_amended_plan(actor=caseworker, review=review, issued_on=days(-20))
    version.refresh_from_db()
    assert version.state == "issued" and version.kind == "amended_final"
    review.refresh_from_db()
    assert review.stage == "closed" and review.amended_plan_issued_on == days(-20)
    assert {d["step"]: d["status"] for d in review.deadlines}["amended_plan"] == "met"


def test_cease_hands_over_to_the_disputes_app(caseworker, family):
    from highneeds.disputes.models import Cessation

    review = held_review(caseworker, family["plan"])
    review_flows.decide(
        actor=caseworker,
        review=review,
        decision="cease",
        decided_on=days(-60),
        cease_reason="2",
        reasons="Outcomes met; needs can be met at SEN support",
        **CONSIDERED,
    )
    review.refresh_from_db()
    assert review.stage == "closed" and review.cease_reason == "2"
    assert "appeal" in review.decision_letter.body.lower()
    cessation = Cessation.objects.get(plan=family["plan"])
    assert cessation.review_id == review.pk and cessation.reason == "2"
    family["plan"].refresh_from_db()
    assert family["plan"].status == "final"  # the plan stays in force until the appeal window closes


def test_cease_needs_a_sen2_reason(caseworker, family):
    review = held_review(caseworker, family["plan"])
    with pytest.raises(ValidationError) as refused:
        review_flows.decide(
            actor=caseworker, review=review, decision="cease", decided_on=days(-60), reasons="x", **CONSIDERED
        )
    assert "cease_reason" in refused.value.message_dict


def test_family_contribute_before_the_meeting_only(caseworker, family, make_user):
    review = services.schedule_review(actor=caseworker, plan=family["plan"])
    item = services.contribute(actor=family["parent"], review=review, text="She is happier at school this year")
    assert item.author_name and AuditEvent.objects.filter(action="review.contribute").exists()
    with pytest.raises(PermissionDenied):
        services.contribute(actor=make_user("parent"), review=review, text="Not my child")


# ---------------------------------------------------------------------------------------------
# Phase transfer


def test_phase_transfers_are_listed_with_their_deadlines(caseworker, make_plan, make_establishment):
    secondary = make_establishment(name="Testbrook High", phase="SECONDARY", age_low=11, age_high=16)
    college = make_establishment(
        name="Testbrook College", establishment_type="FE", phase="POST16", age_low=16, age_high=18
    )
    infant = make_establishment(name="Testbrook Infants", age_low=4, age_high=7)
    through = make_establishment(name="Testbrook All-through", phase="ALL_THROUGH", age_low=4, age_high=18)
    year6 = make_plan(dob=dob_in_year(6))
    year11 = make_plan(dob=dob_in_year(11), establishment=secondary)
    year2 = make_plan(dob=dob_in_year(2), establishment=infant)
    year13 = make_plan(dob=dob_in_year(13), establishment=college)
    staying = make_plan(dob=dob_in_year(6), establishment=through)
    year4 = make_plan(dob=dob_in_year(4))
    assert services.identify_phase_transfers(actor=caseworker) == 4
    assert services.identify_phase_transfers(actor=caseworker) == 0  # idempotent
    september = date(academic_year_start(date.today()) + 1, 9, 1)
    found = {t.plan_id: t for t in year6.child.phase_transfers.model.objects.all()}
    assert found[year6.pk].kind == "school" and found[year6.pk].deadline == date(september.year, 2, 15)
    assert found[year11.pk].kind == "secondary_to_post16" and found[year11.pk].deadline == date(september.year, 3, 31)
    assert found[year2.pk].kind == "school"
    assert found[year13.pk].kind == "post16" and found[year13.pk].deadline == add_months(september, -5)
    assert staying.pk not in found and year4.pk not in found
    assert found[year6.pk].next_step == "phase_transfer"


def test_a_transfer_ends_with_the_plan_naming_the_new_setting(caseworker, make_plan, make_establishment):
    plan = make_plan(dob=dob_in_year(6))
    services.identify_phase_transfers(actor=caseworker)
    transfer = plan.phase_transfers.get()
    first, second = make_establishment(name="Hill High"), make_establishment(name="Vale High")
    services.record_preferences(
        actor=caseworker, transfer=transfer, establishments=[first, second], gathered_on=date.today()
    )
    assert [p.establishment for p in transfer.preferences.all()] == [first, second]
    consultation = services.consult_setting(
        actor=caseworker, transfer=transfer, establishment=first, sent_on=date.today()
    )
    services.record_consultation_reply(
        actor=caseworker, consultation=consultation, reply_on=date.today(), outcome="can_meet"
    )
    with pytest.raises(ValidationError, match="Send the proposed amendments"):
        review_flows.amend_for_transfer(
            actor=caseworker, transfer=transfer, establishment=first, amended_on=date.today()
        )
    send_amendments(caseworker, plan, "phase_transfer", days(-15))
    review_flows.amend_for_transfer(actor=caseworker, transfer=transfer, establishment=first, amended_on=date.today())
    transfer.refresh_from_db()
    assert transfer.stage == "amended" and transfer.version.establishment == first
    assert transfer.version.state == "issued" and transfer.version.sections["I"]["name"] == "Hill High"
    assert {d["step"]: d["status"] for d in transfer.deadlines}["phase_transfer"] == "met"


# ---------------------------------------------------------------------------------------------
# Reassessment


def test_reassessment_decision_in_15_days_and_plan_in_14_weeks(caseworker, family):
    item = services.request_reassessment(
        actor=caseworker,
        plan=family["plan"],
        received_on=days(-40),
        requested_by="parent",
        requester_name="Pat Reviewer",
    )
    assert item.next_step == "reassessment_decision" and item.next_due == days(-25)
    services.decide_reassessment(
        actor=caseworker, reassessment=item, decision="reassess", decided_on=days(-30), reasons="Needs have changed"
    )
    assert item.next_step == "reassessed_plan" and item.next_due == days(-30) + timedelta(weeks=14)
    assert item.decision_letter.template_code == "reassessment_reassess"
    send_amendments(caseworker, family["plan"], "reassessment", days(-20))
    with pytest.raises(ValidationError, match="to comment"):
        review_flows.issue_reassessed_plan(actor=caseworker, reassessment=item, issued_on=days(-10))
    review_flows.issue_reassessed_plan(actor=caseworker, reassessment=item, issued_on=date.today())
    assert item.stage == "done" and item.version.source == "reassessment" and item.version.state == "issued"


def test_a_refusal_to_reassess_carries_appeal_rights(caseworker, family):
    item = services.request_reassessment(
        actor=caseworker, plan=family["plan"], received_on=days(-5), requested_by="setting"
    )
    services.decide_reassessment(
        actor=caseworker,
        reassessment=item,
        decision="refuse",
        decided_on=date.today(),
        reasons="Assessed recently; no change in needs",
    )
    assert item.stage == "refused" and "appeal" in item.decision_letter.body.lower()
    assert AuditEvent.objects.filter(action="reassessment.decide", object_id=str(item.pk)).exists()


def test_recalculate_refreshes_every_open_record(caseworker, make_plan):
    plan = make_plan(issued_on=date(2025, 12, 10))
    review = services.schedule_review(actor=caseworker, plan=plan)
    AnnualReview.objects.filter(pk=review.pk).update(next_due=None, next_step="", phase="")
    counts = services.recalculate_reviews(actor=caseworker)
    review.refresh_from_db()
    assert counts["reviews"] == 1 and counts["unreadable"] == 0
    assert review.next_due == date(2026, 12, 10) and review.phase == "secondary"  # born 2014: Year 7 or later
