"""Issue 11, caseworkers' day one: a request started from the work queue, errors beside the right field in plain
English, and the panel's recommendation preselected on the decision form."""

from datetime import date

import pytest

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
