"""A caseworker takes a request to a final plan through the pages, with errors on the right fields."""

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


def test_request_to_final_plan_through_the_pages(worker_client, make_child, make_establishment, make_user, fill_plan):
    client, worker = worker_client
    child = make_child()
    school = make_establishment(name="Example Special", establishment_type="SP_LA", urn=654321)
    ep = make_user("professional", first_name="Erin", last_name="Psych")
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "Record a request for an EHC needs assessment" in page

    response = client.post(
        f"/cases/new/?child={child.pk}",
        {
            "child": child.pk,
            "source": "1",
            **d("received_on", date(2024, 1, 10)),
            "requester_name": "Pat",
            "caseworker": worker.pk,
        },
    )
    case = AssessmentRequest.objects.get(child=child)
    assert response["Location"] == f"/cases/{case.pk}/"
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert (
        "Decide whether to assess" in body
        and "21 February 2024" in body
        and "Record the decision whether to assess" in body
    )

    response = client.post(f"/cases/{case.pk}/decide-assess/", {"outcome": "yes", **d("decided_on", date(2024, 2, 14))})
    assert "Enter" in response.content.decode() or "required" in response.content.decode()
    client.post(
        f"/cases/{case.pk}/decide-assess/",
        {"outcome": "yes", "reasons": "Needs evidence", **d("decided_on", date(2024, 2, 14))},
    )
    client.post(
        f"/cases/{case.pk}/ask-advice/",
        {"adviser_type": "educational_psychology", "adviser": ep.pk, **d("requested_on", date(2024, 2, 15))},
    )
    case.refresh_from_db()
    advice = case.advice_requests.get()
    client.post(
        f"/cases/{case.pk}/advice-received/",
        {"advice": advice.pk, "text": "EP advice", **d("received_on", date(2024, 3, 20))},
    )
    client.post(
        f"/cases/{case.pk}/decide-issue/",
        {"outcome": "yes", "reasons": "Plan needed", **d("decided_on", date(2024, 4, 20))},
    )
    client.post(f"/cases/{case.pk}/draft/", d("on", date(2024, 5, 1)))
    response = client.post(f"/cases/{case.pk}/final/", {"urn": "654321", **d("on", date(2024, 5, 10))})
    assert "can be finalised from 16 May 2024" in response.content.decode()
    # An empty draft cannot become the final plan: the page says what is missing.
    response = client.post(f"/cases/{case.pk}/final/", {"urn": "654321", **d("on", date(2024, 5, 28))})
    assert "Section B must describe at least one special educational need" in response.content.decode()
    from highneeds.plans.queries import current_plan

    fill_plan(current_plan(child).versions.get(), worker)
    response = client.post(f"/cases/{case.pk}/final/", {"urn": "654321", **d("on", date(2024, 5, 28))})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "plan_issued"
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Send the final plan" in body and "Met" in body and "Final EHC plan for" in body
    letter = case.letters.get(template_code="final_plan")
    assert "First-tier Tribunal" in client.get(f"/cases/{case.pk}/letters/{letter.pk}/").content.decode()
    assert school.placements.filter(child=child).exists()


def test_step_not_open_redirects_with_a_message(worker_client, make_child):
    client, worker = worker_client
    child = make_child()
    client.post(
        f"/cases/new/?child={child.pk}", {"child": child.pk, "source": "2", **d("received_on", date(2024, 1, 10))}
    )
    case = AssessmentRequest.objects.get(child=child)
    response = client.get(f"/cases/{case.pk}/final/", follow=True)
    assert "That step is not open for this request now" in response.content.decode()


@pytest.mark.parametrize("role", ["senco", "parent", "strategic_lead", "professional", "panel_member", "finance"])
def test_case_pages_are_for_casework_only(client, make_user, make_child, make_establishment, role):
    child = make_child()
    from highneeds.accounts.roles import SYSTEM
    from highneeds.casework.services import submit_request

    case = submit_request(actor=SYSTEM, child=child, received_on=date(2024, 1, 10), source="1")
    extra = {"establishment": make_establishment()} if role == "senco" else {}
    user = make_user(role, **extra)
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert client.get(f"/cases/{case.pk}/").status_code == 403
    assert client.post(f"/cases/{case.pk}/withdraw/", {"reason": "x", **d("on", date(2024, 1, 11))}).status_code == 403
