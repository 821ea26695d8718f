"""Family portal access: invitation to the email on the child's record, acceptance, ending, the decision at 16."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.accounts import family
from highneeds.accounts.models import AccessReview, User
from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.people import services as people

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a much longer pass phrase 42"


def sign_in(client, username, password=PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def add_parent(child, email="mum@example.org", responsibility=True):
    return people.add_parent(
        actor=SYSTEM,
        child=child,
        first_name="Pam",
        last_name="Parent",
        relationship="Mother",
        email=email,
        parental_responsibility=responsibility,
    )


@pytest.fixture
def child(make_child):
    return make_child(first_name="Tia", dob=date(2015, 3, 1))


def test_a_parent_is_invited_to_the_email_on_the_record_and_accepts(
    client, make_user, child, django_capture_on_commit_callbacks
):
    parent = add_parent(child)
    worker = make_user("caseworker")
    sign_in(client, worker.username)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/children/{child.pk}/portal-access/", {"action": "invite_parent", "parent": parent.pk})
    assert mail.outbox[0].to == ["mum@example.org"]
    path = re.search(r"http://testserver(/account/join/[\w-]+/)", mail.outbox[0].body).group(1)
    client.post("/sign-out/")
    assert "Tia&#39;s EHC needs assessment" in client.get(path).content.decode()
    response = client.post(
        path, {"first_name": "Pam", "last_name": "Parent", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.user.username == "mum@example.org" and parent.user.role == "parent"
    assert sign_in(client, "mum@example.org", NEW_PASSWORD).status_code == 302
    assert client.get(f"/children/{child.pk}/").status_code == 200  # the rule now lets her see Tia
    assert "This link has expired" in client.get(path).content.decode()
    assert AuditEvent.objects.filter(action="family.accept", child_id=child.pk).exists()


def test_a_parent_of_another_child_cannot_be_invited_through_this_child(client, make_user, child, make_child):
    other = add_parent(make_child(first_name="Zed"), email="other@example.org")
    sign_in(client, make_user("caseworker").username)
    response = client.post(f"/children/{child.pk}/portal-access/", {"action": "invite_parent", "parent": other.pk})
    assert response.status_code == 403
    response = client.post(f"/children/{child.pk}/portal-access/", {"action": "invite_parent", "parent": "abc"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="family.invite").exists()


def test_refusals_name_the_reason(make_user, child):
    worker = make_user("caseworker")
    with pytest.raises(ValidationError, match="no email address"):
        family.invite_parent(actor=worker, parent=add_parent(child, email=""), link_base="http://x/")
    with pytest.raises(ValidationError, match="parental responsibility"):
        family.invite_parent(actor=worker, parent=add_parent(child, responsibility=False), link_base="http://x/")
    with pytest.raises(ValidationError, match="under 16"):
        family.invite_young_person(actor=worker, child=child, email="tia@example.org", link_base="http://x/")
    for role in ("professional", "parent", "admin", "finance"):
        with pytest.raises(PermissionDenied):
            family.invite_parent(actor=make_user(role), parent=add_parent(child), link_base="http://x/")


def test_ending_a_parents_access_signs_them_out(client, make_user, child):
    parent = add_parent(child)
    mum = make_user("parent")
    parent.user = mum
    parent.save()
    from django.test import Client

    theirs = Client()
    sign_in(theirs, mum.username)
    assert theirs.get(f"/children/{child.pk}/").status_code == 200
    sign_in(client, make_user("caseworker").username)
    body = client.post(
        f"/children/{child.pk}/portal-access/",
        {"action": "end_parent", "parent": parent.pk, f"end{parent.pk}-reason": ""},
    ).content.decode()
    assert "Enter why access is ending" in body
    client.post(
        f"/children/{child.pk}/portal-access/",
        {"action": "end_parent", "parent": parent.pk, f"end{parent.pk}-reason": "Court order"},
    )
    assert theirs.get(f"/children/{child.pk}/").status_code == 302  # signed out: account closed
    mum.refresh_from_db()
    assert not mum.is_active
    assert AuditEvent.objects.get(action="family.access_end").after["reason"] == "Court order"


def test_at_16_the_young_person_is_offered_access_and_the_parents_access_is_decided(
    client, make_user, make_child, django_capture_on_commit_callbacks
):
    teen = make_child(first_name="Sol", dob=date(2008, 1, 10))
    parent = add_parent(teen)
    parent.user = make_user("parent")
    parent.save()
    worker = make_user("caseworker")
    sign_in(client, worker.username)
    page = client.get(f"/children/{teen.pk}/portal-access/").content.decode()
    assert "is 16 or over: offer them their own access" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/children/{teen.pk}/portal-access/", {"action": "invite_young_person", "yp-email": "sol@example.org"}
        )
    path = re.search(r"http://testserver(/account/join/[\w-]+/)", mail.outbox[0].body).group(1)
    client.post(
        f"/children/{teen.pk}/portal-access/",
        {"action": "review", "review-decision": "end", "review-note": "Sol asked for this"},
    )
    assert AccessReview.objects.get(child=teen).decision == AccessReview.END
    parent.refresh_from_db()
    assert parent.user is None
    client.post("/sign-out/")
    client.post(
        path, {"first_name": "Sol", "last_name": "X", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    sol = User.objects.get(username="sol@example.org")
    assert sol.role == "young_person" and sol.child_id == teen.pk
    assert sign_in(client, "sol@example.org", NEW_PASSWORD).status_code == 302
    assert client.get(f"/children/{teen.pk}/").status_code == 200
    review = AuditEvent.objects.get(action="family.access_review")
    assert review.child_id == teen.pk and review.after["parents_ended"] == [parent.pk]


def test_a_parent_with_an_account_adds_a_second_child_to_it(
    client, make_user, make_child, django_capture_on_commit_callbacks
):
    first, second = make_child(first_name="Ann"), make_child(first_name="Ben")
    mum = make_user("parent", email="mum@example.org")
    linked = add_parent(first)
    linked.user = mum
    linked.save()
    parent = add_parent(second)
    with django_capture_on_commit_callbacks(execute=True):
        family.invite_parent(actor=make_user("caseworker"), parent=parent, link_base="http://testserver/")
    path = re.search(r"http://testserver(/account/join/[\w-]+/)", mail.outbox[0].body).group(1)
    assert f"the username <strong>{mum.username}</strong>" in client.get(path).content.decode()
    client.post(path)
    parent.refresh_from_db()
    assert parent.user == mum and User.objects.filter(role="parent").count() == 1
    sign_in(client, mum.username)
    assert client.get(f"/children/{second.pk}/").status_code == 200


def test_a_young_person_whose_old_account_was_closed_can_be_invited_again(make_user, make_child):
    teen = make_child(first_name="Cal", dob=date(2008, 1, 10))
    old = make_user("young_person", child=teen)
    worker = make_user("caseworker")
    from highneeds.accounts.services import deactivate_user

    deactivate_user(actor=make_user("admin"), user=old)
    family.invite_young_person(actor=worker, child=teen, email="cal@example.org", link_base="http://x/")
    from highneeds.accounts.models import OneTimeLink

    new = family.accept_invitation(link=OneTimeLink.objects.get(child=teen), password=NEW_PASSWORD)
    old.refresh_from_db()
    assert new.child_id == teen.pk and old.child_id is None


def test_the_caseworker_home_counts_the_young_people_whose_access_needs_a_decision(client, make_user, make_child):
    teen, younger = make_child(first_name="Dee", dob=date(2008, 1, 10)), make_child(first_name="Eli")
    for kid in (teen, younger):
        parent = add_parent(kid)
        parent.user = make_user("parent")
        parent.save()
    make_child(first_name="Fay", dob=date(2007, 2, 2))  # 16 or over, but no parent on the portal
    worker = make_user("caseworker")
    sign_in(client, worker.username)
    assert "<strong>1</strong> young person has turned 16" in client.get("/").content.decode()
    listed = client.get("/children/portal-access-at-16/").content.decode()
    assert "Dee" in listed and "Eli" not in listed and "Fay" not in listed
    assert list(family.reviews_due(worker)) == [teen]
    family.record_access_review(actor=worker, child=teen, decision=AccessReview.KEEP)
    assert not family.reviews_due(worker).exists()
    assert "turned 16" not in client.get("/").content.decode()
