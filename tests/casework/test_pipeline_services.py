"""The assessment pipeline through its services: each step is checked, audited, clocked and lettered."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from highneeds.audit.models import AuditEvent
from highneeds.casework import flows as cw_flows
from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest
from highneeds.jobs.queue import run_pending  # emails are sent by the task worker
from highneeds.letters.models import Letter
from highneeds.people import services as people

D0 = date(2024, 1, 10)


@pytest.fixture
def case(make_child, make_user):
    from highneeds.accounts.roles import SYSTEM

    child = make_child(sen_status="K")
    people.add_parent(actor=SYSTEM, child=child, first_name="Pat", last_name="Samplefield", email="pat@example.org")
    worker = make_user("caseworker", email="cw@example.gov.uk")
    request = cw.submit_request(actor=worker, child=child, received_on=D0, source="1", caseworker=worker)
    return request, worker


def test_request_starts_the_clock_and_acknowledges(case, django_capture_on_commit_callbacks):
    request, _ = case
    assert request.status == "pending"
    assert (request.next_step, request.next_due) == ("decide_whether_to_assess", D0 + timedelta(weeks=6))
    letter = Letter.objects.get(request=request)
    assert letter.template_code == "request_acknowledgement" and "21 February 2024" in letter.body
    assert letter.recipient == "Pat Samplefield"


def test_second_open_request_is_linked_as_duplicate(case):
    request, worker = case
    again = cw.submit_request(actor=worker, child=request.child, received_on=D0 + timedelta(days=3), source="2")
    assert again.duplicate_of == request and again.status == "withdrawn"
    assert AuditEvent.objects.filter(action="request.duplicate", object_id=str(again.pk)).exists()


def test_request_to_final_plan(case, make_user, make_establishment, fill_plan):
    request, worker = case
    ep = make_user("professional", email="ep@example.org")
    school = make_establishment(name="Special Example School", establishment_type="SP_LA", urn=777001)
    cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=True,
        decided_on=date(2024, 2, 14),
        reasons="Evidence of needs beyond SEN support",
    )
    advice = cw.request_advice(
        actor=worker, request=request, adviser_type="educational_psychology", requested_on=date(2024, 2, 15), adviser=ep
    )
    assert advice.due_on == date(2024, 3, 28)
    assert ep.has_perm("people.view_child", request.child)
    cw.submit_advice(
        actor=ep, advice=advice, text="Needs in communication and interaction", received_on=date(2024, 3, 20)
    )
    cw.decide_whether_to_issue(
        actor=worker,
        request=request,
        issue=True,
        decided_on=date(2024, 4, 20),
        reasons="Provision beyond what the school can make",
    )
    cw_flows.send_draft_plan(actor=worker, request=request, sent_on=date(2024, 5, 1))
    cw.consult_school(actor=worker, request=request, establishment=school, sent_on=date(2024, 5, 2))
    with pytest.raises(ValidationError, match="from 16 May 2024"):
        cw_flows.issue_final_plan(actor=worker, request=request, issued_on=date(2024, 5, 10), establishment=school)
    from highneeds.plans.queries import current_plan

    fill_plan(current_plan(request.child).versions.get(), worker)
    cw_flows.issue_final_plan(actor=worker, request=request, issued_on=date(2024, 5, 28), establishment=school)
    request.refresh_from_db()
    assert request.status == "plan_issued" and request.next_due is None
    statuses = {d["step"]: d["status"] for d in request.deadlines}
    assert statuses["final_plan"] == "met" and statuses["decide_whether_to_assess"] == "met"
    assert statuses["advice:educational_psychology"] == "met"
    request.child.refresh_from_db()
    assert request.child.sen_status == "E"
    assert request.child.placements.filter(establishment=school, end_date__isnull=True).exists()
    assert set(Letter.objects.filter(request=request).values_list("template_code", flat=True)) >= {
        "request_acknowledgement",
        "decision_to_assess_yes",
        "advice_request",
        "draft_plan",
        "school_consultation",
        "final_plan",
    }


def test_refusal_notice_carries_appeal_mediation_and_iass(case):
    request, worker = case
    cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=False,
        decided_on=date(2024, 2, 1),
        reasons="Needs can be met at SEN support",
    )
    letter = Letter.objects.get(request=request, template_code="decision_to_assess_no")
    for words in ("appeal", "within 2 months", "mediation adviser", "certificate", "information, advice and support"):
        assert words in letter.body.lower() or words in letter.body
    request.refresh_from_db()
    assert request.status == "not_assess" and request.next_due is None


def test_impossible_order_is_refused_with_the_clock_message(case):
    request, worker = case
    with pytest.raises(ValidationError, match="before"):
        cw.decide_whether_to_assess(
            actor=worker, request=request, assess=True, decided_on=date(2024, 1, 5), reasons="x"
        )
    request.refresh_from_db()
    assert request.status == "pending" and not request.decisions.exists()
    with pytest.raises(ValidationError, match="not possible now"):
        cw.request_advice(actor=worker, request=request, adviser_type="health", requested_on=date(2024, 1, 15))


def test_exception_marks_missed_step_excepted(case):
    request, worker = case
    cw.record_exception(
        actor=worker,
        request=request,
        code="PERSONAL_CIRCS",
        date_from=date(2024, 2, 1),
        date_to=date(2024, 2, 28),
        reason="Family bereavement",
    )
    cw.decide_whether_to_assess(actor=worker, request=request, assess=True, decided_on=date(2024, 3, 1), reasons="x")
    request.refresh_from_db()
    step = next(d for d in request.deadlines if d["step"] == "decide_whether_to_assess")
    assert step["status"] == "excepted" and step["exceptions"] == ["PERSONAL_CIRCS"]


def test_panel_departure_needs_reasons(case, make_user):
    from highneeds.panels.models import AgendaItem, Panel, PanelMeeting, Recommendation

    request, worker = case
    panel = Panel.objects.create(name="Assessment panel", panel_type="assess")
    meeting = PanelMeeting.objects.create(panel=panel, meets_on=date(2024, 2, 8))
    item = AgendaItem.objects.create(meeting=meeting, request=request)
    rec = Recommendation.objects.create(item=item, outcome="not_assess", reasons="Not enough evidence")
    with pytest.raises(ValidationError, match="differs from the panel"):
        cw.decide_whether_to_assess(
            actor=worker,
            request=request,
            assess=True,
            decided_on=date(2024, 2, 9),
            reasons="Parent evidence",
            recommendation=rec,
        )
    decision = cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=True,
        decided_on=date(2024, 2, 9),
        reasons="Parent evidence",
        recommendation=rec,
        departure_reasons="New report from the paediatrician after panel",
    )
    assert decision.recommendation == rec


def test_family_is_emailed_what_changed(case, django_capture_on_commit_callbacks):
    request, worker = case
    with django_capture_on_commit_callbacks(execute=True):
        cw.decide_whether_to_assess(
            actor=worker, request=request, assess=True, decided_on=date(2024, 2, 1), reasons="x"
        )
    run_pending()
    assert any("pat@example.org" in m.to for m in mail.outbox)


def test_portal_request_without_account_is_held_as_a_possible_match(make_child):
    child = make_child(first_name="Rowan", last_name="Testworth")
    request = cw.submit_portal_request(
        child_data={"first_name": "rowan", "last_name": "TESTWORTH", "date_of_birth": child.date_of_birth, "sex": "F"},
        parent_data={"first_name": "Jo", "last_name": "Testworth", "email": "jo@example.org"},
        received_on=date.today(),
        reason="Struggling at school",
        requester_relationship="Mother",
    )
    assert request.child != child and request.submitted_via == "portal"
    assert request.possible_match == child and request.match_status == "possible"


def test_withdrawal_closes_the_clock(case):
    request, worker = case
    cw.withdraw_request(actor=worker, request=request, withdrawn_on=date(2024, 1, 20), reason="Family moved away")
    request.refresh_from_db()
    assert request.status == "withdrawn" and request.next_due is None
    assert AssessmentRequest.objects.filter(status__in=AssessmentRequest.OPEN).count() == 0


def test_portal_duplicate_sends_the_same_email_as_a_new_request(make_child, django_capture_on_commit_callbacks):
    child = make_child(first_name="Sky", last_name="Testworth")

    def ask(email):
        with django_capture_on_commit_callbacks(execute=True):
            cw.submit_portal_request(
                child_data={
                    "first_name": "Sky",
                    "last_name": "Testworth",
                    "date_of_birth": child.date_of_birth,
                    "sex": "F",
                },
                parent_data={"first_name": "Jo", "last_name": "Testworth", "email": email},
                received_on=date.today(),
                reason="x",
                requester_relationship="Mother",
            )
        run_pending()
        return [(m.subject, m.body) for m in mail.outbox if email in m.to]

    first, second = ask("first@example.org"), ask("second@example.org")
    assert first and first == second


def test_young_person_responds_to_their_own_draft(make_child, make_user):
    from highneeds.accounts.roles import SYSTEM

    today = date.today()
    child = make_child(dob=today.replace(year=today.year - 17) - timedelta(days=2))
    yp = make_user("young_person", child=child)
    request = cw.submit_request(actor=SYSTEM, child=child, received_on=today - timedelta(days=100), source="1")
    cw.decide_whether_to_assess(
        actor=SYSTEM, request=request, assess=True, decided_on=today - timedelta(days=60), reasons="x"
    )
    cw.decide_whether_to_issue(
        actor=SYSTEM, request=request, issue=True, decided_on=today - timedelta(days=5), reasons="x"
    )
    cw_flows.send_draft_plan(actor=SYSTEM, request=request, sent_on=today - timedelta(days=2))
    rep = cw.record_representation(actor=yp, request=request, received_on=today, text="I want college")
    assert rep.submitted_by == yp
    stranger = make_user("young_person", child=make_child(dob=today.replace(year=today.year - 18)))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        cw.record_representation(actor=stranger, request=request, received_on=today, text="x")


def test_recalculate_clocks_turns_pending_into_overdue_as_days_pass(case):
    from django.core.management import call_command

    request, worker = case
    step = next(d for d in request.deadlines if d["step"] == "decide_whether_to_assess")
    assert step["status"] == "overdue"  # received in January 2024, judged today
    call_command("recalculate_clocks", "--today", "2024-01-20", stdout=__import__("io").StringIO())
    request.refresh_from_db()
    step = next(d for d in request.deadlines if d["step"] == "decide_whether_to_assess")
    assert step["status"] == "pending" and request.next_due == date(2024, 2, 21)
    assert AuditEvent.objects.filter(action="clock.recalculate").exists()


def test_a_decision_is_audited_with_what_was_decided_and_why(case):
    request, worker = case
    decision = cw.decide_whether_to_assess(
        actor=worker, request=request, assess=False, decided_on=date(2024, 2, 1), reasons="Met at SEN support"
    )
    event = AuditEvent.objects.filter(action="request.decide_assess").latest("seq")
    assert (event.actor_id, event.child_id, event.object_id) == (worker.pk, request.child_id, str(decision.pk))
    assert event.after == {
        "assess": False,
        "reasons": "Met at SEN support",
        "recommendation": None,
        "departure_reasons": "",
    }
