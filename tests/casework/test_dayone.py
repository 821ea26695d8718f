"""Issue 11, caseworkers' day one: a request started from the work queue, errors beside the right field in plain
English, and the panel's recommendation preselected on the decision form."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from highneeds.casework.models import AssessmentRequest

PASSWORD = "correct horse battery staple"


def d(prefix, day):
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


@pytest.fixture
def worker_client(client, make_user):
    worker = make_user("caseworker")
    client.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    return client, worker


def test_the_queue_starts_a_request_and_the_request_leads_to_its_case(worker_client, make_child):
    client, worker = worker_client
    child = make_child(first_name="Quinn", last_name="Queuetest")
    queue = client.get("/cases/").content.decode()
    assert 'href="/cases/new/"' in queue and "Start a new request" in queue

    chooser = client.get("/cases/new/").content.decode()
    assert "Find the child or young person" in chooser and "Quinn" not in chooser
    found = client.get("/cases/new/", {"q": "queuetest"}).content.decode()
    assert f'href="/cases/new/?child={child.pk}"' in found

    form = client.get(f"/cases/new/?child={child.pk}").content.decode()
    assert "Record a request for an EHC needs assessment" in form
    response = client.post(
        "/cases/new/", {"child": child.pk, "source": "1", **d("received_on", date.today()), "caseworker": worker.pk}
    )
    case = AssessmentRequest.objects.get(child=child)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"


def test_an_empty_search_names_the_field(worker_client):
    client, _ = worker_client
    page = client.get("/cases/new/", {"q": ""}).content.decode()
    assert "There is a problem" in page and "enter the child or young person&#39;s name or upn" in page.lower()


@pytest.mark.parametrize("raw", ["abc", "-1", "0", "1.5", "%00", "٣", "9" * 40])
def test_a_bad_child_id_is_a_404_not_a_500(worker_client, raw):
    client, _ = worker_client
    assert client.get("/cases/new/", {"child": raw}).status_code == 404


def _new_case(client, worker, child, received):
    client.post(
        "/cases/new/", {"child": child.pk, "source": "1", **d("received_on", received), "caseworker": worker.pk}
    )
    return AssessmentRequest.objects.get(child=child)


def test_a_decision_dated_wrongly_is_told_in_plain_english_beside_the_date(worker_client, make_child):
    client, worker = worker_client
    received = date.today() - timedelta(days=20)
    case = _new_case(client, worker, make_child(), received)
    url = f"/cases/{case.pk}/decide-assess/"

    future = client.post(url, {"outcome": "yes", "reasons": "R", **d("decided_on", date.today() + timedelta(days=3))})
    body = future.content.decode()
    assert "events[" not in body and "decision_to_assess" not in body
    assert 'id="id_decided_on-error"' in body and "The decision date cannot be in the future" in body
    assert 'href="#id_decided_on_day"' in body  # the error summary links to the field

    early = client.post(url, {"outcome": "yes", "reasons": "R", **d("decided_on", received - timedelta(days=2))})
    assert f"The date must be on or after {received:%-d %B %Y}, when the request was received" in early.content.decode()
    assert not case.decisions.exists()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(-3000, 3000), step=st.sampled_from(["decide-assess", "withdraw", "exception"]))
def test_no_clock_message_reaches_a_step_page_raw(worker_client, make_child, offset, step):
    client, worker = worker_client
    case = AssessmentRequest.objects.filter(caseworker=worker).first() or _new_case(
        client, worker, make_child(), date.today() - timedelta(days=30)
    )
    on = date.today() + timedelta(days=offset)
    data = {
        "outcome": "yes",
        "reasons": "R",
        "reason": "R",
        "code": "SCHOOL_CLOSURE",
        **d("decided_on", on),
        **d("on", on),
        **d("date_from", on),
        **d("date_to", on - timedelta(days=3)),
    }
    response = client.post(f"/cases/{case.pk}/{step}/", data)
    assert response.status_code in (200, 302)
    body = response.content.decode()
    assert not re.search(r"events\[|exceptions\[|\b\d{4}-\d\d-\d\d\b|request_received|decision_to_assess", body)
