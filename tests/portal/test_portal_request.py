"""The public request form: no account needed, CSRF-protected, length-limited, rate-limited, and it
never reveals whether the child is already known to the council."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest
from highneeds.people.models import Child, ParentCarer

URL = "/request-an-assessment/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the rate limit counts in the shared cache (rolled back with each test)
    yield
    cache.clear()


def answers(**overrides) -> dict:
    data = {
        "who": "parent",
        "child_first_name": "Rowan",
        "child_last_name": "Testworth",
        "child_date_of_birth-day": "3",
        "child_date_of_birth-month": "5",
        "child_date_of_birth-year": "2015",
        "child_sex": "F",
        "child_postcode": "",
        "child_setting": "Testbrook Primary",
        "first_name": "Jo",
        "last_name": "Testworth",
        "relationship": "Mother",
        "email": "jo@example.org",
        "phone": "",
        "reason": "Struggling to communicate at school despite SEN support for two years.",
        "confirm": "on",
    }
    data.update(overrides)
    return data


def sent_page(client, response) -> str:
    assert response.status_code == 302 and response["Location"] == "/request-an-assessment/sent/", response
    return client.get(response["Location"]).content.decode()


def reference_in(body: str) -> str:
    return re.search(r"EHC-\d{4}-\d{6}", body).group(0)


def test_the_form_is_public_and_explains_itself(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ask for an EHC needs assessment" in body and "You do not need an account" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_parent_asks_without_an_account(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, answers())
    body = sent_page(client, response)
    assert "Request sent" in body and "What happens next" in body
    made = AssessmentRequest.objects.get()
    assert reference_in(body) == made.reference
    assert made.submitted_via == "portal" and made.status == "pending" and made.received_on == date.today()
    assert made.requester_name == "Jo Testworth" and made.requester_relationship == "Mother"
    assert "School, nursery or college: Testbrook Primary" in made.reason
    child = made.child
    assert (child.first_name, child.last_name, child.date_of_birth) == ("Rowan", "Testworth", date(2015, 5, 3))
    parent = ParentCarer.objects.get(child=child)
    assert parent.email == "jo@example.org" and parent.relationship == "Mother" and parent.user is None
    assert AuditEvent.objects.filter(action="request.create", object_id=str(made.pk), actor_label="portal").exists()


def test_a_young_person_asks_for_themself(client, db):
    data = answers(
        who="young_person",
        first_name="",
        last_name="",
        relationship="",
        **{"child_date_of_birth-year": str(date.today().year - 17)},
    )
    sent_page(client, client.post(URL, data))
    made = AssessmentRequest.objects.get()
    assert made.requester_relationship == "Young person" and made.requester_name == "Rowan Testworth"
    contact = ParentCarer.objects.get(child=made.child)
    assert contact.parental_responsibility is False and contact.email == "jo@example.org"


def test_a_young_person_must_be_16(client, db):
    body = client.post(URL, answers(who="young_person", **{"child_date_of_birth-year": str(date.today().year - 12)}))
    assert "A young person can ask for themselves from age 16" in body.content.decode()
    assert not AssessmentRequest.objects.exists()


@pytest.mark.parametrize(
    "change,message",
    [
        ({"child_first_name": ""}, "Enter the child or young person's first name"),
        ({"child_date_of_birth-day": "31", "child_date_of_birth-month": "2"}, "Date of birth must be a real date"),
        ({"child_date_of_birth-year": "2150"}, "Date of birth must be in the past"),
        ({"child_date_of_birth-year": "1980"}, "aged 0 to 25"),
        ({"email": "", "phone": ""}, "Enter an email address or a phone number"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"first_name": ""}, "Enter your first name"),
        ({"confirm": ""}, "Confirm the information is correct"),
        ({"reason": ""}, "Enter why you are asking"),
        ({"child_postcode": "NOT A POSTCODE"}, "postcode"),
    ],
)
def test_mistakes_are_reported_on_the_page(client, db, change, message):
    response = client.post(URL, answers(**change))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "There is a problem" in body and message.lower() in body.lower()
    assert body.startswith("<!DOCTYPE html>") and "<title>Error: " in body
    assert not AssessmentRequest.objects.exists()


@pytest.mark.parametrize(
    "field,limit",
    [("reason", 5000), ("child_first_name", 100), ("relationship", 60), ("child_setting", 200), ("phone", 30)],
)
def test_every_text_field_is_length_limited(client, db, field, limit):
    body = client.post(URL, answers(**{field: "a" * (limit + 1)})).content.decode()
    assert f"must be {limit:,} characters or fewer" in html.unescape(body)  # named, in GOV.UK words
    assert not AssessmentRequest.objects.exists()


def test_an_oversized_post_is_refused(client, db):
    body = client.post(URL, answers(padding="x" * 70_000)).content.decode()
    assert "The request is too long" in body
    assert not AssessmentRequest.objects.exists()


def test_csrf_is_enforced(db):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, answers())
    assert response.status_code == 403
    assert not AssessmentRequest.objects.exists()
    page = strict.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert strict.post(URL, {**answers(), "csrfmiddlewaretoken": token}).status_code == 302


# ---------------------------------------------------------------------------------------------
# No disclosure


def _normalise(body: str) -> str:
    """The page with the only things that may differ, the reference and the CSP nonce, masked."""
    return re.sub(r'nonce="[^"]*"', 'nonce=""', re.sub(r"EHC-\d{4}-\d{6}", "EHC-REF", body))


def test_the_answer_is_the_same_for_a_known_child_an_open_request_and_a_new_child(make_child, make_user):
    known = make_child(first_name="Rowan", last_name="Testworth", dob=date(2015, 5, 3))
    open_child = make_child(first_name="Sky", last_name="Testworth", dob=date(2014, 1, 9))
    worker = make_user("caseworker", first_name="Secret", last_name="Caseworker")
    cw.submit_request(actor=worker, child=open_child, received_on=date(2024, 1, 10), source="2", caseworker=worker)

    pages = []
    for first, dob in (("rowan", ("3", "5", "2015")), ("SKY", ("9", "1", "2014")), ("Newby", ("1", "2", "2016"))):
        client = Client()
        data = answers(
            child_first_name=first,
            **{
                "child_date_of_birth-day": dob[0],
                "child_date_of_birth-month": dob[1],
                "child_date_of_birth-year": dob[2],
            },
        )
        response = client.post(URL, data)
        pages.append(sent_page(client, response))
    assert _normalise(pages[0]) == _normalise(pages[1]) == _normalise(pages[2])
    for body in pages:
        assert "Secret Caseworker" not in body and "already" not in body.lower() and "duplicate" not in body.lower()
    # Behind the scenes: never attached to a known child; held as a possible match for a caseworker instead.
    assert not AssessmentRequest.objects.filter(child__in=[known, open_child], submitted_via="portal").exists()
    held = AssessmentRequest.objects.filter(submitted_via="portal", match_status="possible")
    assert sorted(r.possible_match_id for r in held) == sorted([known.pk, open_child.pk])
    assert Child.objects.filter(first_name="Newby").count() == 1
    # The family's details are not attached to a record that already existed.
    assert not ParentCarer.objects.filter(child__in=[known, open_child]).exists()


def test_the_confirmation_page_needs_a_request_in_this_session(client, db):
    response = client.get("/request-an-assessment/sent/")
    assert response.status_code == 302 and response["Location"] == URL


# ---------------------------------------------------------------------------------------------
# Rate limiting


def test_rate_limited_per_session(db, settings):
    settings.PORTAL_RATE_LIMIT = (3, 3600)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert client.post(URL, answers(reason="")).status_code == 200  # invalid attempts count too
    response = client.post(URL, answers())
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600  # until the window ends
    assert "too many times" in response.content.decode()
    assert not AssessmentRequest.objects.exists()
    assert Client(REMOTE_ADDR="198.51.100.8").post(URL, answers()).status_code == 302  # others are unaffected


def test_rate_limited_per_address_when_cookies_are_dropped(db, settings):
    settings.PORTAL_RATE_LIMIT = (3, 3600)
    for _ in range(3):
        assert Client(REMOTE_ADDR="203.0.113.5").post(URL, answers(reason="")).status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.5").post(URL, answers()).status_code == 429


def test_reading_the_form_is_not_limited(client, db, settings):
    settings.PORTAL_RATE_LIMIT = (1, 3600)
    for _ in range(5):
        assert client.get(URL).status_code == 200


def test_existing_records_are_untouched_by_a_portal_request(make_child, client):
    child = make_child(first_name="Rowan", last_name="Testworth", dob=date(2015, 5, 3))
    before = child.snapshot()
    people_before = list(ParentCarer.objects.filter(child=child).values())
    sent_page(client, client.post(URL, answers()))
    child.refresh_from_db()
    assert child.snapshot() == before
    assert list(ParentCarer.objects.filter(child=child).values()) == people_before
