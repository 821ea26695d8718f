"""The disagreement pages by role, the forms with errors on the right fields, and 404s for missing records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.audit.models import AuditEvent
from highneeds.disputes.models import Appeal, Cessation, DecisionNotice, DisputeSettings, TribunalOrder

from .conftest import ago

PASSWORD = "correct horse battery staple"
pytestmark = pytest.mark.django_db


def d(prefix, day):
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def signed_in(client, user):
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    return client


@pytest.mark.parametrize("role", ["parent", "young_person", "finance", "professional", "strategic_lead"])
def test_families_and_other_roles_cannot_see_the_disputes_pages(client, make_user, child, role):
    user = make_user(role, child=child) if role == "young_person" else make_user(role)
    if role == "parent":
        from highneeds.accounts.roles import SYSTEM
        from highneeds.people.services import add_parent

        add_parent(
            actor=SYSTEM,
            child=child,
            first_name="Own",
            last_name="Parent",
            relationship="Father",
            parental_responsibility=True,
            user=user,
        )
    signed_in(client, user)
    for path in ("/disputes/", f"/disputes/child/{child.pk}/", f"/disputes/child/{child.pk}/notice/"):
        assert client.get(path).status_code == 403, path


def test_missing_records_are_404(client, caseworker):
    signed_in(client, caseworker)
    for path in (
        "/disputes/child/999999/",
        "/disputes/notice/999999/contact/",
        "/disputes/appeal/999999/outcome/",
        "/disputes/cessation/999999/apply/",
        "/disputes/complaint/999999/respond/",
        "/disputes/order/999999/comply/",
        "/disputes/child/999999/letters/1/",
    ):
        assert client.get(path).status_code == 404, path


def test_the_overview_finds_a_child(client, caseworker, child):
    signed_in(client, caseworker)
    body = client.get("/disputes/", {"name": child.first_name}).content.decode()
    assert "1 child found" in body and f'href="/disputes/child/{child.pk}/"' in body


def test_unknown_step_is_404(client, caseworker, notice):
    signed_in(client, caseworker)
    assert client.get(f"/disputes/notice/{notice.pk}/no-such-step/").status_code == 404


def test_a_caseworker_records_a_notice_mediation_and_appeal_through_the_forms(client, caseworker, child):
    signed_in(client, caseworker)
    response = client.post(f"/disputes/child/{child.pk}/notice/", {"matter": "plan_content", **d("sent_on", ago(50))})
    assert response.status_code == 302 and response["Location"] == f"/disputes/child/{child.pk}/"
    notice = DecisionNotice.objects.get(child=child)
    assert AuditEvent.objects.filter(action="dispute.view", child_id=child.pk).count() == 0  # no reads yet
    page = client.get(f"/disputes/child/{child.pk}/").content.decode()
    assert "Family&#39;s last day to appeal" in page or "Family's last day to appeal" in page
    assert "Record the family&#39;s contact with the mediation adviser" in page
    assert AuditEvent.objects.filter(action="dispute.view", child_id=child.pk).count() == 1

    # Field-level errors: a missing date and an empty issues box.
    response = client.post(f"/disputes/notice/{notice.pk}/contact/", {"contacted_on-day": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and 'href="#id_contacted_on_day"' in body
    client.post(f"/disputes/notice/{notice.pk}/contact/", d("contacted_on", ago(45)))
    response = client.post(f"/disputes/notice/{notice.pk}/requested/", {**d("requested_on", ago(44)), "issues": ""})
    assert "govuk-error-message" in response.content.decode()
    # A service error goes on its field: a request dated before the contact with the adviser.
    response = client.post(f"/disputes/notice/{notice.pk}/requested/", {**d("requested_on", ago(49)), "issues": "F"})
    assert "cannot be before the family contacted the adviser" in response.content.decode()
    client.post(f"/disputes/notice/{notice.pk}/requested/", {**d("requested_on", ago(44)), "issues": "Section F"})
    client.post(f"/disputes/notice/{notice.pk}/held/", {**d("held_on", ago(30)), "outcome": "not_agreed"})
    client.post(f"/disputes/notice/{notice.pk}/certificate/", d("issued_on", ago(28)))
    response = client.post(
        f"/disputes/notice/{notice.pk}/appeal/",
        {"matters": ["section_i"], **d("lodged_on", ago(20)), "tribunal_reference": "EH999/26/00042"},
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(notice=notice)
    assert appeal.matters == ["section_i"]
    client.post(f"/disputes/appeal/{appeal.pk}/outcome/", {"outcome": "allowed", **d("outcome_on", ago(10))})
    client.post(
        f"/disputes/appeal/{appeal.pk}/order/",
        {"kind": "name_setting", **d("made_on", ago(10)), "text": "Name the school"},
    )
    order = appeal.orders.get()
    overview = client.get("/disputes/").content.decode()
    assert "Tribunal orders to comply with" in overview and f"{order.due_on:%-d %B %Y}" in overview
    assert child.full_name in overview


def test_the_appeal_form_says_no_certificate_is_needed_for_section_i(client, caseworker, notice):
    signed_in(client, caseworker)
    body = client.get(f"/disputes/notice/{notice.pk}/appeal/").content.decode()
    assert "No mediation certificate is needed for an appeal only about section I" in body


def test_cessation_through_the_pages(client, caseworker, plan):
    signed_in(client, caseworker)
    child = plan.child
    assert "Propose to cease the plan" in client.get(f"/disputes/child/{child.pk}/").content.decode()
    client.post(f"/disputes/child/{child.pk}/cessation/", {"reason": "4", **d("proposed_on", ago(60))})
    cessation = Cessation.objects.get(plan=plan)
    client.post(f"/disputes/cessation/{cessation.pk}/consult/", {"who": "family", **d("consulted_on", ago(55))})
    client.post(f"/disputes/cessation/{cessation.pk}/consult/", {"who": "setting", **d("consulted_on", ago(55))})
    client.post(
        f"/disputes/cessation/{cessation.pk}/decide/",
        {"outcome": "yes", "reasons": "Started a job", **d("decided_on", ago(20)), **d("takes_effect_on", ago(5))},
    )
    cessation.refresh_from_db()
    assert cessation.status == "notice_sent"
    response = client.post(f"/disputes/cessation/{cessation.pk}/apply/", d("ceased_on", ago(0)))
    assert "The plan stays in force: it cannot cease before" in response.content.decode()
    page = client.get(f"/disputes/child/{child.pk}/").content.decode()
    assert "the family&#39;s appeal deadline is" in page
    letter = child.letters.get(template_code="cessation_notice", family_can_see=True)
    assert client.get(f"/disputes/child/{child.pk}/letters/{letter.pk}/").status_code == 200
    assert "Cessations awaiting the appeal window" in client.get("/disputes/").content.decode()


def test_complaint_through_the_pages_and_settings(client, caseworker, child):
    signed_in(client, caseworker)
    client.post(
        f"/disputes/child/{child.pk}/complaint/",
        {"stage": "stage1", **d("received_on", ago(3)), "complainant": "Pat", "subject": "No reply to emails"},
    )
    complaint = child.complaints.get()
    assert "Complaints and Ombudsman cases awaiting a response" in client.get("/disputes/").content.decode()
    periods = {
        "icb_notice_working_days": "0",
        "appeal_response_working_days": "30",
        "complaint_stage1_working_days": "10",
        "complaint_stage2_working_days": "20",
        "ombudsman_working_days": "20",
        **{f"order_{kind}": "35" for kind in TribunalOrder.KINDS},
    }
    page = client.get("/disputes/settings/").content.decode()
    assert "Days to comply: conceded: tell the family the council will assess" in page and 'value="14"' in page
    response = client.post("/disputes/settings/", periods)
    assert "Enter a whole number of working days from 1 to 120" in response.content.decode()
    response = client.post("/disputes/settings/", {**periods, "icb_notice_working_days": "3", "order_amend_plan": "42"})
    assert response.status_code == 302
    assert DisputeSettings.current().days_for_order("amend_plan") == 42
    client.post(
        f"/disputes/complaint/{complaint.pk}/respond/",
        {**d("responded_on", ago(1)), "outcome": "upheld", "learning": "Answer emails within 5 days"},
    )
    complaint.refresh_from_db()
    assert complaint.outcome == "upheld" and complaint.learning == "Answer emails within 5 days"
    assert date.today() >= complaint.responded_on


def test_a_contact_dated_before_the_notice_is_told_in_plain_english_beside_the_date(client, caseworker, notice):
    """Issue 11: a contact dated before the notice it follows is refused in words, on the field."""
    signed_in(client, caseworker)
    before = notice.sent_on - timedelta(days=5)
    body = client.post(f"/disputes/notice/{notice.pk}/contact/", d("contacted_on", before)).content.decode()
    assert "There is a problem" in body and 'id="id_contacted_on-error"' in body
    assert "events[" not in body and "mediation_" not in body and "decision_notice" not in body
    assert f"{notice.sent_on:%-d %B %Y}" in body
