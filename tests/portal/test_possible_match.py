"""Finding 2: the public request form mailed strangers. Anyone knowing a child's name and date of birth could
file a request that was attached to the real child's record, emailed in one message to the real parents and
the requester, who then heard the council's later decisions. Now: never attached without a caseworker's
check, one recipient per email, and the requester hears only about their own submission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from test_portal_request import URL, answers  # same folder (tests/portal has no __init__)

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest
from highneeds.jobs.queue import run_pending  # emails are sent by the task worker
from highneeds.letters.models import Letter
from highneeds.people import services as people
from highneeds.people.models import Child

STRANGER = "stranger@example.org"


@pytest.fixture
def real_child(make_child):
    child = make_child(first_name="Rowan", last_name="Testworth", dob=date(2015, 5, 3))
    for first, email in (("Pat", "pat@example.org"), ("Sam", "sam@example.org")):
        people.add_parent(
            actor=SYSTEM,
            child=child,
            first_name=first,
            last_name="Testworth",
            email=email,
            parental_responsibility=True,
        )
    return child


@pytest.fixture
def worker(make_user):
    return make_user("caseworker", email="cw@example.gov.uk")


def _stranger_asks(capture) -> AssessmentRequest:
    with capture(execute=True):
        response = Client().post(URL, answers(email=STRANGER))
    assert response.status_code == 302
    run_pending()
    return AssessmentRequest.objects.get(requester_email=STRANGER)


def _addresses() -> list[str]:
    run_pending()
    return [address for m in mail.outbox for address in m.to + m.cc + m.bcc]


def test_a_stranger_knowing_name_and_birthday_is_not_attached_to_the_child(
    real_child, django_capture_on_commit_callbacks
):
    request = _stranger_asks(django_capture_on_commit_callbacks)
    assert request.child != real_child and request.possible_match == real_child
    assert request.match_status == "possible"
    assert not real_child.requests.exists() and not Letter.objects.filter(child=real_child).exists()
    # The real family hears nothing; the stranger hears only that their own request arrived.
    assert _addresses() == [STRANGER]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert AuditEvent.objects.filter(action="request.possible_match", object_id=str(request.pk)).exists()


def test_nothing_else_happens_until_a_caseworker_checks_the_match(
    real_child, worker, django_capture_on_commit_callbacks
):
    request = _stranger_asks(django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="possible match first"):
        cw.decide_whether_to_assess(actor=worker, request=request, assess=True, decided_on=date.today(), reasons="x")
    with pytest.raises(ValidationError, match="possible match first"):
        cw.withdraw_request(actor=worker, request=request, withdrawn_on=date.today(), reason="x")


def test_confirming_moves_the_request_and_tells_the_real_family_not_the_requester(
    real_child, worker, django_capture_on_commit_callbacks
):
    request = _stranger_asks(django_capture_on_commit_callbacks)
    provisional = request.child
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cw.confirm_match(actor=worker, request=request)
    request.refresh_from_db()
    assert request.child == real_child and request.match_status == "confirmed" and request.status == "pending"
    assert not Child.objects.filter(pk=provisional.pk).exists()
    assert request.events.filter(child=real_child).exists()
    # The requester's own letter is kept on the record for staff, not shown to the real family.
    moved = Letter.objects.get(request=request, recipient="Jo Testworth")
    assert moved.child == real_child and not moved.family_can_see
    assert sorted(Letter.objects.filter(request=request, family_can_see=True).values_list("recipient", flat=True)) == [
        "Pat Testworth",
        "Sam Testworth",
    ]
    assert sorted(_addresses()) == ["pat@example.org", "sam@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # one message each
    assert not real_child.parents.filter(email=STRANGER).exists()  # the requester is not added to the record
    assert AuditEvent.objects.filter(action="request.match_confirm", object_id=str(request.pk)).exists()

    # Later decisions about the real child never reach the requester.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cw.decide_whether_to_assess(
            actor=worker, request=request, assess=False, decided_on=date.today(), reasons="Needs met at SEN support"
        )
    assert STRANGER not in _addresses() and sorted(_addresses()) == ["pat@example.org", "sam@example.org"]


def test_confirming_onto_a_child_with_an_open_request_links_it_as_a_duplicate(
    real_child, worker, django_capture_on_commit_callbacks
):
    existing = cw.submit_request(
        actor=worker, child=real_child, received_on=date.today() - timedelta(days=5), source="2", caseworker=worker
    )
    request = _stranger_asks(django_capture_on_commit_callbacks)
    cw.confirm_match(actor=worker, request=request)
    request.refresh_from_db()
    assert request.duplicate_of == existing and request.status == "withdrawn"


def test_rejecting_keeps_the_new_record_and_needs_a_reason(real_child, worker, django_capture_on_commit_callbacks):
    request = _stranger_asks(django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="Say why"):
        cw.reject_match(actor=worker, request=request, reason=" ")
    cw.reject_match(actor=worker, request=request, reason="Different school and parents")
    request.refresh_from_db()
    assert request.match_status == "rejected" and request.child != real_child
    assert AuditEvent.objects.filter(action="request.match_reject", object_id=str(request.pk)).exists()
    with pytest.raises(ValidationError, match="no possible match"):
        cw.confirm_match(actor=worker, request=request)  # decided already: steps out of order are refused
    cw.decide_whether_to_assess(actor=worker, request=request, assess=True, decided_on=date.today(), reasons="x")


def test_only_casework_may_decide_a_match(
    real_child, make_user, make_establishment, django_capture_on_commit_callbacks
):
    request = _stranger_asks(django_capture_on_commit_callbacks)
    outsiders = [make_user(role) for role in ("parent", "admin", "panel_member")]
    outsiders.append(make_user("senco", establishment=make_establishment()))
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            cw.confirm_match(actor=user, request=request)
        with pytest.raises(PermissionDenied):
            cw.reject_match(actor=user, request=request, reason="x")


def test_the_match_page_compares_and_decides(real_child, worker, client, django_capture_on_commit_callbacks):
    request = _stranger_asks(django_capture_on_commit_callbacks)
    client.force_login(worker)
    case_page = client.get(f"/cases/{request.pk}/").content.decode()
    assert "Check the possible match" in case_page
    page = client.get(f"/cases/{request.pk}/match/").content.decode()
    assert "On our record" in page and "Pat Testworth, Sam Testworth" in page and "Jo Testworth (Mother)" in page
    assert AuditEvent.objects.filter(action="case.check_match", child_id=real_child.pk, actor_id=worker.pk).exists()
    response = client.post(f"/cases/{request.pk}/match/", {"outcome": ""})
    assert "Select whether this is the same child" in response.content.decode()
    response = client.post(f"/cases/{request.pk}/match/", {"outcome": "yes"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.child == real_child
    # Now decided, the step is closed.
    assert client.get(f"/cases/{request.pk}/match/").status_code == 302


def test_another_familys_request_id_is_refused_on_the_match_page(
    real_child, make_user, client, django_capture_on_commit_callbacks
):
    request = _stranger_asks(django_capture_on_commit_callbacks)
    parent = make_user("parent")
    client.force_login(parent)
    assert client.get(f"/cases/{request.pk}/match/").status_code == 403
    assert client.post(f"/cases/{request.pk}/match/", {"outcome": "yes"}).status_code == 403
    request.refresh_from_db()
    assert request.match_status == "possible"


def test_the_case_page_offers_only_the_match_check_until_it_is_decided(
    real_child, worker, client, django_capture_on_commit_callbacks
):
    request = _stranger_asks(django_capture_on_commit_callbacks)
    client.force_login(worker)
    page = client.get(f"/cases/{request.pk}/").content.decode()
    assert "Check the possible match" in page and "Record the decision whether to assess" not in page
    assert client.get(f"/cases/{request.pk}/decide-assess/").status_code == 200  # the form shows; saving is refused
    response = client.post(
        f"/cases/{request.pk}/decide-assess/",
        {"outcome": "yes", "decided_on-day": "1", "decided_on-month": "1", "decided_on-year": "2026", "reasons": "x"},
    )
    assert "possible match first" in response.content.decode()


def test_the_work_queue_marks_a_possible_match(real_child, make_user, client, django_capture_on_commit_callbacks):
    _stranger_asks(django_capture_on_commit_callbacks)
    client.force_login(make_user("manager"))
    assert "Possible match" in client.get("/cases/").content.decode()
