"""Passwords follow docs/security.md (Django's validators) and names refuse control and text-direction characters,
at every place a name enters: the child form, API and CSV (clean_child), parents, users and establishments."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from highneeds.accounts.models import User
from highneeds.accounts.roles import SYSTEM
from highneeds.accounts.services import create_user
from highneeds.people import services as people
from highneeds.people.validation import clean_child

RLO = "\u202e"


@pytest.mark.parametrize(
    "password, why",
    [
        ("password1234", "common"),
        ("829301746528", "entirely numeric"),
        ("short1!", "too short"),
        ("j.bloggs-caseworker", "similar"),
    ],
)
def test_weak_passwords_are_refused(db, password, why):
    with pytest.raises(ValidationError) as err:
        create_user(
            actor=SYSTEM,
            username="j.bloggs-caseworker",
            password=password,
            role="caseworker",
            first_name="Jo",
            last_name="Bloggs",
        )
    assert why in " ".join(err.value.message_dict["password"])
    assert not User.objects.exists()


def test_a_strong_password_is_accepted(db):
    user = create_user(actor=SYSTEM, username="jo", password="plum orbit lantern sixty", role="caseworker")
    assert user.check_password("plum orbit lantern sixty")


def test_the_password_page_shows_the_password_rule_beside_the_field(client, make_user):
    """Accounts get their password through a link or the change-password page (never typed by an
    administrator): the validators' message is shown against the field."""
    user = make_user("caseworker")
    client.force_login(user)
    response = client.post(
        "/account/password/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "This password is too common." in body
    user.refresh_from_db()
    assert user.check_password("correct horse battery staple")


def test_child_name_with_a_bidi_override_is_refused_regression():
    """Regression: "Sam\u202ehtimS" was saved and displayed as another name."""
    with pytest.raises(ValidationError) as err:
        clean_child(
            {
                "first_name": f"Sam{RLO}htimS",
                "last_name": "Smith",
                "date_of_birth": "2014-05-03",
                "sex": "F",
                "responsible_la": "383",
            }
        )
    assert "U+202E" in err.value.message_dict["first_name"][0]


@pytest.mark.parametrize("field", ["first_name", "last_name", "preferred_name", "preferred_language"])
@pytest.mark.parametrize("hidden", [RLO, "\u2066", "\x00", "\n", "\x1b", "\u200b"])
def test_every_child_name_field_refuses_hidden_characters(field, hidden):
    data = {
        "first_name": "Sam",
        "last_name": "Smith",
        "date_of_birth": "2014-05-03",
        "sex": "F",
        "responsible_la": "383",
        field: f"Ab{hidden}cd",
    }
    with pytest.raises(ValidationError) as err:
        clean_child(data, today=date(2024, 1, 1))
    assert set(err.value.message_dict) == {field}


def test_parent_names_refuse_hidden_characters(make_child):
    child = make_child()
    with pytest.raises(ValidationError) as err:
        people.add_parent(actor=SYSTEM, child=child, first_name=f"Pat{RLO}", last_name="Smith\x07")
    assert set(err.value.message_dict) == {"first_name", "last_name"}
    assert not child.parents.exists()


@pytest.mark.parametrize("field", ["username", "first_name", "last_name", "agency"])
def test_user_names_refuse_hidden_characters(db, field):
    fields = {"username": "jo", "first_name": "Jo", "last_name": "Bloggs", "agency": "NHS", field: f"x{RLO}y"}
    with pytest.raises(ValidationError) as err:
        create_user(actor=SYSTEM, password=None, role="professional", **fields)
    assert field in err.value.message_dict


def test_establishment_name_refuses_hidden_characters(make_establishment):
    with pytest.raises(ValidationError) as err:
        make_establishment(name=f"Oak{RLO}loohcS")
    assert "name" in err.value.message_dict


def test_panel_names_refuse_hidden_characters(make_user):
    from highneeds.panels.services import create_panel

    with pytest.raises(ValidationError) as err:
        create_panel(actor=make_user("manager"), name="Assessment\u2066 panel", panel_type="assess")
    assert "name" in err.value.message_dict


def test_requester_and_contributor_names_refuse_hidden_characters(make_user, make_child, make_establishment):
    """The last person-name fields: who asked for an assessment or a reassessment, and who contributed to a
    review, are names a family or colleague later reads, so the same rule applies."""
    from highneeds.casework import services as cw
    from highneeds.reviews import services as reviews
    from tests.conftest import issue_plan_through_assessment

    worker = make_user("caseworker")
    with pytest.raises(ValidationError) as err:
        cw.submit_request(
            actor=worker, child=make_child(), received_on=date.today(), source="1", requester_name=f"Sam{RLO}htimS"
        )
    assert "requester_name" in err.value.message_dict
    child = make_child(sen_status="K")
    plan = issue_plan_through_assessment(worker, child, make_establishment()).plan
    with pytest.raises(ValidationError) as err:
        reviews.request_reassessment(
            actor=worker, plan=plan, received_on=date.today(), requested_by="parent", requester_name="Pat\x1b[2J"
        )
    assert "requester_name" in err.value.message_dict
    review = reviews.schedule_review(actor=worker, plan=plan)
    parent = make_user("parent")
    people.add_parent(actor=SYSTEM, child=child, first_name="Pat", last_name="Example", user=parent)
    with pytest.raises(ValidationError) as err:
        reviews.contribute(actor=parent, review=review, text="Views", author_name="Jo\u2066e")
    assert "author_name" in err.value.message_dict
