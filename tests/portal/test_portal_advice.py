"""Advisers sign in, see the advice asked of them with due dates, and give advice through the portal."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.people.models import CaseAccess
from tests.conftest import allow_writes

PASSWORD = "correct horse battery staple"
TODAY = date.today()
D0 = TODAY - timedelta(days=40)


def sign_in(client, user):
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def asked(make_user, make_child):
    worker = make_user("caseworker")
    ep = make_user("professional", first_name="Edna", last_name="Psych", agency="Educational psychology service")
    child = make_child(first_name="Amara", last_name="Testworth", needs=("SLCN",))
    request = cw.submit_request(actor=worker, child=child, received_on=D0, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker, request=request, assess=True, decided_on=D0 + timedelta(days=5), reasons="x"
    )
    advice = cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=D0 + timedelta(days=6),
        adviser=ep,
    )
    return {"worker": worker, "ep": ep, "child": child, "request": request, "advice": advice}


def test_adviser_sees_their_requests_with_due_dates(client, asked, make_user, make_child):
    other_ep = make_user("professional")
    other_child = make_child(first_name="Notmine")
    other_request = cw.submit_request(actor=asked["worker"], child=other_child, received_on=D0, source="1")
    cw.decide_whether_to_assess(
        actor=asked["worker"], request=other_request, assess=True, decided_on=D0 + timedelta(days=5), reasons="x"
    )
    cw.request_advice(
        actor=asked["worker"],
        request=other_request,
        adviser_type="educational_psychology",
        requested_on=D0 + timedelta(days=6),
        adviser=other_ep,
    )
    sign_in(client, asked["ep"])
    page = text(client.get("/portal/advice/"))
    due = D0 + timedelta(days=6) + timedelta(weeks=6)
    assert asked["advice"].due_on == due
    assert "Amara Testworth" in page and "Notmine" not in page
    assert due == TODAY + timedelta(days=8)
    assert due.strftime("%-d %B %Y") in page and "Not started" in page
    assert f'href="/portal/advice/{asked["advice"].pk}/"' in client.get("/portal/advice/").content.decode()


def test_adviser_gives_advice(client, asked):
    sign_in(client, asked["ep"])
    url = f"/portal/advice/{asked['advice'].pk}/"
    page = text(client.get(url))
    assert "Advice about Amara Testworth" in page and "Speech, language and communication" in page
    assert AuditEvent.objects.filter(
        action="portal.advice.view", actor_id=asked["ep"].pk, child_id=asked["child"].pk
    ).exists()
    assert "Enter your advice" in text(client.post(url, {"text": "   "}))
    assert "Summary of your advice must be 50,000 characters or fewer" in text(client.post(url, {"text": "a" * 50_001}))
    response = client.post(url, {"text": "Amara needs daily speech and language therapy input."})
    assert response.status_code == 302 and response["Location"] == "/portal/advice/"
    advice = asked["advice"]
    advice.refresh_from_db()
    assert advice.received_on == TODAY and advice.advice.startswith("Amara needs daily")
    assert AuditEvent.objects.filter(action="advice.submit", actor_id=asked["ep"].pk).exists()
    asked["request"].refresh_from_db()
    step = next(s for s in asked["request"].deadlines if s["step"] == "advice:educational_psychology")
    assert step["done"] == TODAY.isoformat() and step["status"] == "met"
    # Given once: the page now shows it, and a second post changes nothing.
    page = text(client.get(url))
    assert "Your advice, submitted" in page and "Submit advice" not in page and "Save as draft" not in page
    client.post(url, {"text": "Second thoughts"})
    advice.refresh_from_db()
    assert advice.advice.startswith("Amara needs daily")
    assert "Submitted" in text(client.get("/portal/advice/"))


def test_no_advice_on_a_closed_request(client, asked):
    cw.withdraw_request(actor=asked["worker"], request=asked["request"], withdrawn_on=TODAY, reason="Moved away")
    sign_in(client, asked["ep"])
    url = f"/portal/advice/{asked['advice'].pk}/"
    assert "This request is closed" in text(client.get(url))
    client.post(url, {"text": "Late advice"})
    asked["advice"].refresh_from_db()
    assert asked["advice"].received_on is None


def test_other_advisers_and_ended_invitations_are_refused(client, asked, make_user):
    url = f"/portal/advice/{asked['advice'].pk}/"
    stranger = make_user("professional")
    sign_in(client, stranger)
    assert client.get(url).status_code == 403 and client.post(url, {"text": "x"}).status_code == 403
    assert client.get("/portal/advice/999999/").status_code == 403
    client.logout()
    CaseAccess.objects.filter(user=asked["ep"]).update(expires_on=TODAY - timedelta(days=1))
    sign_in(client, asked["ep"])
    assert "Amara" not in text(client.get("/portal/advice/"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "role,status",
    [
        ("professional", 200),
        ("senco", 200),
        ("caseworker", 403),
        ("manager", 403),
        ("parent", 403),
        ("panel_member", 403),
        ("finance", 403),
        ("strategic_lead", 403),
        ("admin", 403),
    ],
)
def test_adviser_pages_permission_matrix(client, make_user, make_establishment, role, status):
    sign_in(client, make_user(role, **({"establishment": make_establishment()} if role == "senco" else {})))
    assert client.get("/portal/advice/").status_code == status


def test_adviser_pages_are_in_the_navigation(client, asked):
    sign_in(client, asked["ep"])
    assert 'href="/portal/advice/"' in client.get("/").content.decode()


def test_advice_received_without_its_text_shows_no_empty_box(client, asked):
    """Advice the council holds only as a date (the demo's history; advice that came on paper) says it was
    submitted, with no empty inset where the text would be."""
    with allow_writes():
        type(asked["advice"]).objects.filter(pk=asked["advice"].pk).update(received_on=TODAY, advice="")
    sign_in(client, asked["ep"])
    body = client.get(f"/portal/advice/{asked['advice'].pk}/").content.decode()
    empty_insets = [m for m in re.findall(r'govuk-inset-text">(.*?)</div>', body, re.S) if not text_of(m)]
    assert "Your advice, submitted" in body and not empty_insets


def text_of(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment).strip()
