"""Managing users: invitation links, edits and role changes, a leaver's deactivation, resets, own password."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.accounts import services
from highneeds.accounts.models import OneTimeLink
from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.casework.models import AssessmentRequest

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a much longer pass phrase 42"


def sign_in(client, username, password=PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def link_in(message) -> str:
    return re.search(r"http://testserver(/account/[\w/-]+/)", message.body).group(1)


def test_an_invited_user_chooses_their_password_through_a_link_that_works_once(
    client, make_user, django_capture_on_commit_callbacks
):
    admin = make_user("admin")
    sign_in(client, admin.username)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/users/new/",
            {
                "username": "jbloggs",
                "first_name": "Jo",
                "last_name": "Bloggs",
                "email": "jo@example.org",
                "role": "caseworker",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jo@example.org"]
    path = link_in(mail.outbox[0])
    client.post("/sign-out/")
    assert sign_in(client, "jbloggs", "").status_code == 200  # no password yet
    page = client.get(path)
    assert "Your username is <strong>jbloggs</strong>" in page.content.decode()
    weak = client.post(path, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200 and "There is a problem" in weak.content.decode()
    assert client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    assert "This link has expired" in client.get(path).content.decode()  # used once
    assert sign_in(client, "jbloggs", NEW_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="user.invite").exists()
    assert AuditEvent.objects.filter(action="user.password_set", actor_label="jbloggs").exists()
    assert not OneTimeLink.objects.filter(token_hash=path.split("/")[-2]).exists()  # only the hash is stored


def test_a_bad_invitation_names_the_field_and_writes_nothing(client, make_user):
    admin = make_user("admin")
    sign_in(client, admin.username)
    body = client.post(
        "/users/new/",
        {
            "username": "x",
            "first_name": "A",
            "last_name": "B",
            "email": "not-an-email",
            "role": "senco",
            "establishment_urn": "999999",
        },
    ).content.decode()
    assert "Enter an email address in the correct format" in body
    body = client.post(
        "/users/new/",
        {
            "username": "x",
            "first_name": "A",
            "last_name": "B",
            "email": "a@b.org",
            "role": "senco",
            "establishment_urn": "999999",
        },
    ).content.decode()
    assert "No establishment has this URN" in body
    assert not services.User.objects.filter(username="x").exists()


def test_edit_and_role_change_are_audited_with_before_and_after(client, make_user):
    admin, worker = make_user("admin"), make_user("caseworker", first_name="Al", last_name="Old")
    sign_in(client, admin.username)
    client.post(
        f"/users/{worker.pk}/", {"first_name": "Al", "last_name": "New", "email": "al@example.org", "role": "manager"}
    )
    worker.refresh_from_db()
    assert (worker.last_name, worker.role) == ("New", "manager")
    event = AuditEvent.objects.get(action="user.role_change")
    assert event.before["role"] == "caseworker" and event.after["role"] == "manager"
    with pytest.raises(ValidationError):
        services.update_user(actor=admin, user=admin, first_name="", last_name="", email="", role="caseworker")


def test_a_leaver_loses_access_at_once_sessions_and_tokens_included(client, make_user, make_child):
    manager, leaver = make_user("manager"), make_user("caseworker", first_name="Lee", last_name="Ver")
    _, key = services.issue_api_token(actor=SYSTEM, user=leaver, name="script")
    child = make_child()
    AssessmentRequest.objects.create(child=child, caseworker=leaver, received_on="2026-11-01", status="pending")
    from django.test import Client

    theirs = Client()
    sign_in(theirs, leaver.username)
    assert theirs.get("/cases/").status_code == 200
    assert services.authenticate_token(key) == leaver
    sign_in(client, manager.username)
    page = client.get(f"/users/{leaver.pk}/deactivate/").content.decode()
    assert "They hold <strong>1</strong> open request" in page
    assert "Enter the reason" in client.post(f"/users/{leaver.pk}/deactivate/", {"reason": ""}).content.decode()
    response = client.post(f"/users/{leaver.pk}/deactivate/", {"reason": "Left the council"}, follow=True)
    assert "Reassign their 1 open request from the caseload page" in response.content.decode()
    assert theirs.get("/cases/").status_code == 302  # their live session is gone
    assert services.authenticate_token(key) is None
    assert sign_in(theirs, leaver.username).status_code == 200
    event = AuditEvent.objects.get(action="user.deactivate")
    assert (
        event.after["open_requests"] == 1 and event.after["sessions_ended"] == 1 and event.after["tokens_revoked"] == 1
    )
    # flagged for reassignment: the caseload page lists the leaver's requests under their name
    assert "Lee Ver (has left: reassign)" in client.get("/cases/caseload/").content.decode()
    assert "1 person who has left still holds 1 open request and 0 children" in client.get("/").content.decode()


def test_who_may_deactivate_whom(make_user):
    manager, admin, worker = make_user("manager"), make_user("admin"), make_user("caseworker")
    with pytest.raises(PermissionDenied):
        services.deactivate_user(actor=manager, user=admin)
    with pytest.raises(PermissionDenied):
        services.deactivate_user(actor=worker, user=manager)
    with pytest.raises(ValidationError):
        services.deactivate_user(actor=manager, user=manager)
    with pytest.raises(PermissionDenied):
        services.reactivate_user(actor=manager, user=worker)


def test_reactivation_and_a_password_reset_link(client, make_user, django_capture_on_commit_callbacks):
    admin, worker = make_user("admin"), make_user("caseworker", email="w@example.org")
    services.deactivate_user(actor=admin, user=worker, reason="long leave")
    sign_in(client, admin.username)
    assert "Reactivate the account" in client.post(f"/users/{worker.pk}/reset-password/", follow=True).content.decode()
    client.post(f"/users/{worker.pk}/reactivate/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/users/{worker.pk}/reset-password/")
        client.post(f"/users/{worker.pk}/reset-password/")  # a second link replaces the first
    first, second = link_in(mail.outbox[0]), link_in(mail.outbox[1])
    assert "This link has expired" in client.get(first).content.decode()
    client.post("/sign-out/")
    assert client.post(second, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    assert sign_in(client, worker.username, NEW_PASSWORD).status_code == 302


def test_changing_your_own_password_needs_the_current_one(client, make_user):
    user = make_user("parent")
    sign_in(client, user.username)
    wrong = client.post(
        "/account/password/", {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    done = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and client.get("/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action="user.password_change", actor_id=user.pk).exists()


def test_nonsense_and_unknown_ids_and_tokens(client, make_user):
    sign_in(client, make_user("admin").username)
    assert client.get("/users/999999/").status_code == 404
    assert "This link has expired" in client.get("/account/set-password/" + "x" * 43 + "/").content.decode()
    assert "This link has expired" in client.get("/account/join/abc/").content.decode()
    assert client.get("/users/?role=nonsense&status=%00&q=" + "a" * 500).status_code == 200


def test_an_invited_user_who_never_chose_a_password_gets_a_fresh_invitation(
    client, make_user, django_capture_on_commit_callbacks
):
    admin = make_user("admin")
    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_user(
            actor=admin,
            link_base="http://testserver/",
            username="late",
            role="finance",
            email="late@example.org",
            first_name="Lat",
            last_name="E",
        )
    sign_in(client, admin.username)
    assert "Invited: has not chosen a password yet" in client.get(f"/users/{user.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/users/{user.pk}/reset-password/")
    assert mail.outbox[-1].subject == "Your highneeds account"
    assert "This link has expired" in client.get(link_in(mail.outbox[0])).content.decode()  # the old one is replaced
    assert "Your username is" in client.get(link_in(mail.outbox[-1])).content.decode()


def test_a_forgotten_password_link_says_nothing_about_which_addresses_exist(
    client, make_user, django_capture_on_commit_callbacks
):
    user = make_user("parent", email="known@example.org")
    assert "Forgotten your password?" in client.get("/sign-in/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/account/forgotten-password/", {"email": "KNOWN@example.org"})
        unknown = client.post("/account/forgotten-password/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def masked(response, typed):  # the typed address and the CSP nonce are all that may differ
        return re.sub(r'nonce="[^"]*"', 'nonce=""', response.content.decode().replace(typed, "x"))

    assert masked(known, "KNOWN") == masked(unknown, "nobody")
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
    assert (
        client.post(link_in(mail.outbox[0]), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code
        == 302
    )
    assert sign_in(client, user.username, NEW_PASSWORD).status_code == 302
    body = client.post("/account/forgotten-password/", {"email": "not an email"}).content.decode()
    assert "Enter an email address in the correct format" in body


def test_forgotten_password_requests_are_rate_limited(client, db, settings):
    settings.PORTAL_RATE_LIMIT = (2, 60)
    statuses = [client.post("/account/forgotten-password/", {"email": "a@example.org"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_managers_and_others_cannot_edit_users_or_reach_family_access_they_lack(
    client, make_user, make_child, make_establishment
):
    worker, child = make_user("caseworker"), make_child()
    sign_in(client, make_user("manager").username)
    assert (
        client.post(
            f"/users/{worker.pk}/", {"first_name": "X", "last_name": "Y", "email": "x@example.org", "role": "admin"}
        ).status_code
        == 403
    )
    assert client.post(f"/users/{worker.pk}/reactivate/").status_code == 403
    assert client.post(f"/users/{worker.pk}/reset-password/").status_code == 403
    worker.refresh_from_db()
    assert worker.role == "caseworker"
    client.post("/sign-out/")
    sign_in(client, make_user("senco", establishment=make_establishment()).username)
    assert client.get(f"/children/{child.pk}/portal-access/").status_code == 403
    assert client.get(f"/users/{worker.pk}/").status_code == 403
