"""Finding 4: sign-in throttling and lockout (django-axes), audited failures, unlocking, the second factor for staff
(django-otp TOTP), and refused access audited with the user."""

from __future__ import annotations

import re
import time

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from highneeds.accounts.roles import SYSTEM
from highneeds.accounts.services import reset_second_factor
from highneeds.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/sign-in/", {"username": username, "password": password, **extra})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- throttling and lockout ---------------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(client, make_user):
    """Regression: 30 wrong passwords, then success."""
    user = make_user("caseworker")
    for _ in range(30):
        sign_in(client, user.username, "wrong password guess")
    response = sign_in(client, user.username)
    assert response.status_code == 429 and not signed_in(client)


def test_the_limit_is_the_setting_and_the_lockout_page_says_what_to_do(client, make_user, settings):
    user = make_user("caseworker")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, user.username, f"wrong {attempt}")
        assert response.status_code == 200 and "Enter a correct username and password" in response.content.decode()
    response = sign_in(client, user.username, "wrong again")
    body = response.content.decode()
    assert response.status_code == 429
    assert '<h1 class="govuk-heading-l">Sign-in locked</h1>' in body and "15 minutes" in body
    assert "<title>Sign-in locked" in body


def test_lockout_is_per_username_so_others_still_sign_in(client, make_user, settings):
    victim, other = make_user("caseworker"), make_user("caseworker")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, victim.username, "nope nope nope")
    assert sign_in(client, other.username).status_code == 302 and signed_in(client)


def test_a_correct_password_before_the_limit_clears_the_count(client, make_user, settings):
    user = make_user("caseworker")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "wrong")
    assert sign_in(client, user.username).status_code == 302
    client.post("/sign-out/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "wrong")
    assert sign_in(client, user.username).status_code == 302


def test_every_failure_and_the_lockout_are_audited_without_what_was_typed(client, make_user, settings):
    user = make_user("caseworker")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, "wrong password")
    failures = AuditEvent.objects.filter(action="auth.sign_in_failed").order_by("seq")
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    assert all(e.object_id == str(user.pk) and e.after["username"] == user.username for e in failures)
    assert all(e.actor_id is None and e.actor_label == "anonymous" for e in failures)
    assert AuditEvent.objects.filter(action="auth.locked_out", object_id=str(user.pk)).count() == 1
    # a password typed into the username box is never stored
    sign_in(client, "Tr0ub4dor&3-secret", "whatever")
    event = AuditEvent.objects.filter(action="auth.sign_in_failed").latest("seq")
    assert event.after == {"username": None, "known_user": False, "locked_out": False, "ip_address": "127.0.0.1"}
    assert "Tr0ub4dor" not in str(AuditEvent.objects.values_list("after", flat=True))


@pytest.mark.parametrize("who, status", [("manager", 200), ("admin", 200), ("caseworker", 403), ("parent", 403)])
def test_who_may_see_locked_sign_ins(client, make_user, who, status):
    client.force_login(make_user(who))
    assert client.get("/users/locked/").status_code == status


def test_a_manager_unlocks_a_username_and_it_is_audited(client, make_user, settings):
    user, manager = make_user("caseworker"), make_user("manager")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, "wrong")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "no-such-person", "wrong")
    assert sign_in(client, user.username).status_code == 429
    client.force_login(manager)
    page = client.get("/users/locked/").content.decode()
    assert user.username in page and "no-such-person" not in page and "1 locked username match no account" in page
    response = client.post("/users/locked/", {"username": user.username}, follow=True)
    assert f"{user.username} can sign in again" in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.unlock").get()
    assert event.actor_id == manager.pk and event.object_id == str(user.pk)
    client.post("/sign-out/")
    assert sign_in(client, user.username).status_code == 302 and signed_in(client)


def test_unlocking_a_username_that_is_not_locked_is_a_message_not_an_error(client, make_user):
    client.force_login(make_user("manager"))
    response = client.post("/users/locked/", {"username": "nobody"}, follow=True)
    assert "nobody is not locked out" in response.content.decode()
    assert not AuditEvent.objects.filter(action="auth.unlock").exists()


# --- second factor -------------------------------------------------------------------------------------------


def code_for(key: str, offset: int = 0) -> str:
    """The code an authenticator app shows now (offset: that many 30-second steps later)."""
    device = TOTP(bytes.fromhex(key))
    device.time = time.time() + offset * 30
    return f"{device.token():06d}"


def set_up(client, next_url="/"):
    """Follow the set-up page and enter the right code; returns the final response."""
    client.get(f"/sign-in/authenticator/?next={next_url}")
    key = client.session["hn_totp_key"]
    return client.post("/sign-in/authenticator/", {"code": code_for(key), "next": next_url}), key


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_staff_are_sent_to_set_up_an_authenticator_and_cannot_skip_it(client, make_user, make_child):
    user, child = make_user("caseworker"), make_child()
    response = sign_in(client, user.username, next=f"/children/{child.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/authenticator/?next=")
    # a password alone reaches nothing with personal data
    for path in ("/", f"/children/{child.pk}/", "/children/?q=a", "/cases/"):
        skipped = client.get(path)
        assert skipped.status_code == 302 and skipped["Location"].startswith("/sign-in/authenticator/"), path
    page = client.get("/sign-in/authenticator/").content.decode()
    key = client.session["hn_totp_key"]
    assert re.search(r'<svg width="220" height="220" role="img" aria-labelledby="qr-title"', page)
    from base64 import b32encode

    assert " ".join(re.findall(".{1,4}", b32encode(bytes.fromhex(key)).decode())) in page
    assert not client.post("/sign-in/authenticator/", {"code": "000000"}).status_code == 302
    assert not TOTPDevice.objects.exists()
    response = client.post("/sign-in/authenticator/", {"code": code_for(key), "next": f"/children/{child.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/children/{child.pk}/"
    assert client.get(f"/children/{child.pk}/").status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and AuditEvent.objects.filter(action="auth.second_factor.enrol", actor_id=user.pk).exists()


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_at_the_next_sign_in_the_code_is_asked_for_after_the_password(client, make_user):
    user = make_user("manager")
    sign_in(client, user.username)
    _, key = set_up(client)
    client.post("/sign-out/")
    response = sign_in(client, user.username)
    assert response["Location"].startswith("/sign-in/code/")
    assert client.get("/").status_code == 302
    wrong = client.post("/sign-in/code/", {"code": "12345"})
    assert "Enter the 6 digits" in wrong.content.decode()
    # the code just used at set-up cannot be replayed; the next one works
    response = client.post("/sign-in/code/", {"code": code_for(key, offset=1), "next": "/users/locked/"})
    assert response.status_code == 302 and response["Location"] == "/users/locked/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.second_factor.verified", actor_id=user.pk).exists()


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_wrong_codes_are_audited_and_slow_down(client, make_user):
    user = make_user("finance")
    sign_in(client, user.username)
    _, key = set_up(client)
    client.post("/sign-out/")
    sign_in(client, user.username)
    for _ in range(3):
        client.post("/sign-in/code/", {"code": "000000"})
    # throttled: even the right code is refused straight after several wrong ones
    assert client.post("/sign-in/code/", {"code": code_for(key, offset=1)}).status_code == 200
    assert client.get("/").status_code == 302
    events = AuditEvent.objects.filter(action="auth.second_factor.failed", actor_id=user.pk)
    assert events.count() == 4 and events.latest("seq").after == {"throttled": True}


@override_settings(TWO_FACTOR_REQUIRED=True)
@pytest.mark.parametrize("role", ["parent", "young_person"])
def test_families_are_not_forced(client, make_user, make_child, role):
    fields = {"child": make_child(dob=__import__("datetime").date(2005, 1, 1))} if role == "young_person" else {}
    user = make_user(role, **fields)
    response = sign_in(client, user.username)
    assert response["Location"] == "/" and client.get("/").status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=False)
def test_off_by_default_without_secure_so_the_demo_signs_in_with_a_password(client, make_user, settings):
    user = make_user("caseworker")
    assert sign_in(client, user.username)["Location"] == "/"
    assert client.get("/").status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=False)
def test_anyone_who_enrolled_is_asked_for_a_code_even_when_not_required(client, make_user):
    user = make_user("parent")
    sign_in(client, user.username)
    client.get("/sign-in/authenticator/")
    client.post("/sign-in/authenticator/", {"code": code_for(client.session["hn_totp_key"])})
    client.post("/sign-out/")
    assert sign_in(client, user.username)["Location"].startswith("/sign-in/code/")


def test_the_setting_follows_highneeds_secure(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    def required(env):
        code = "import django,os;django.setup();from django.conf import settings;print(settings.TWO_FACTOR_REQUIRED)"
        full = {
            "PATH": "/usr/bin:/bin",
            "HIGHNEEDS_SECRET_KEY": "x" * 50,
            "HIGHNEEDS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "DJANGO_SETTINGS_MODULE": "highneeds.settings",
            **env,
        }
        out = subprocess.run(
            [sys.executable, "-c", code], env=full, capture_output=True, text=True, cwd=settings.PROJECT_DIR, timeout=60
        )
        return out.stdout.strip()

    assert required({"HIGHNEEDS_SECURE": "1"}) == "True"
    assert required({}) == "False"
    assert required({"HIGHNEEDS_SECURE": "1", "HIGHNEEDS_2FA": "0"}) == "False"
    assert required({"HIGHNEEDS_2FA": "1"}) == "True"


def test_an_administrator_resets_a_lost_authenticator(client, make_user):
    user, admin = make_user("caseworker"), make_user("admin")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with pytest.raises(Exception):
        reset_second_factor(actor=make_user("manager"), user=user)
    assert reset_second_factor(actor=admin, user=user) == 1
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="auth.second_factor.reset", actor_id=admin.pk).exists()


# --- refused access is audited with the user -------------------------------------------------------------------


def test_a_refused_child_record_is_audited_against_the_child(client, make_user, make_child, make_establishment):
    school = make_establishment()
    senco, child = make_user("senco", establishment=school), make_child()
    client.force_login(senco)
    assert client.get(f"/children/{child.pk}/").status_code == 403
    event = AuditEvent.objects.filter(action="child.view_refused").get()
    assert (event.actor_id, event.child_id) == (senco.pk, child.pk)
    assert client.get("/children/999999/").status_code == 403
    missing = AuditEvent.objects.filter(action="child.view_refused").latest("seq")
    assert missing.child_id is None and missing.after["child_id"] == 999999
    assert not AuditEvent.objects.filter(action="access.refused").exists()  # once, not twice


def test_a_refused_page_is_audited_with_the_user_and_path_not_the_query(client, make_user):
    user = make_user("parent")
    client.force_login(user)
    assert client.get("/users/?q=Smith").status_code == 403
    event = AuditEvent.objects.filter(action="access.refused").get()
    assert event.actor_id == user.pk
    assert event.after == {"path": "/users/", "method": "GET", "permission": "accounts.view_users"}


def test_refused_api_calls_are_audited_with_the_token_user(client, make_user, make_child):
    from highneeds.accounts.services import issue_api_token

    lead, child = make_user("strategic_lead"), make_child()
    _, key = issue_api_token(actor=SYSTEM, user=lead, name="t")
    response = client.get(f"/api/v1/children/{child.pk}", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 403
    event = AuditEvent.objects.filter(action="access.refused").get()
    assert event.actor_id == lead.pk and event.after["path"] == f"/api/v1/children/{child.pk}"
    _, key = issue_api_token(actor=SYSTEM, user=make_user("parent"), name="t")
    assert client.get(f"/api/v1/children/{child.pk}", headers={"Authorization": f"Bearer {key}"}).status_code == 404
    assert AuditEvent.objects.filter(action="child.view_refused", child_id=child.pk).exists()


# --- no caching of signed-in pages --------------------------------------------------------------------------


def test_signed_in_pages_and_the_api_are_never_cached(client, make_user, make_child):
    user, child = make_user("caseworker"), make_child()
    client.force_login(user)
    for path in ("/", f"/children/{child.pk}/", "/children/?q=a", "/establishments/", "/no-such-page/"):
        assert client.get(path)["Cache-Control"] == "no-store", path
    assert client.get("/api/v1/children")["Cache-Control"] == "no-store"


def test_the_users_page_resets_an_authenticator_for_administrators_only(client, make_user):
    user, admin = make_user("caseworker"), make_user("admin")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(make_user("manager"))
    assert client.post(f"/users/{user.pk}/reset-authenticator/").status_code == 403
    client.force_login(admin)
    page = client.get(f"/users/{user.pk}/").content.decode()
    assert "Reset their authenticator app" in page
    response = client.post(f"/users/{user.pk}/reset-authenticator/", follow=True)
    assert f"{user.username}&#39;s authenticator was reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(f"/users/{user.pk}/reset-authenticator/").status_code == 405


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_with_only_the_password_no_one_can_add_a_second_authenticator(client, make_user):
    """Attacker: a session that still holds a set-up key from before the owner enrolled, then the password."""
    user = make_user("caseworker")
    sign_in(client, user.username)
    client.get("/sign-in/authenticator/")
    attacker_key = client.session["hn_totp_key"]
    TOTPDevice.objects.create(user=user, name="owner's phone", confirmed=True)  # the owner enrols elsewhere
    client.post("/sign-out/")
    sign_in(client, user.username)
    session = client.session
    session["hn_totp_key"] = attacker_key
    session.save()
    response = client.post("/sign-in/authenticator/", {"code": code_for(attacker_key)})
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/code/")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.get("/").status_code == 302


def test_the_enrolment_service_refuses_a_second_device(rf, make_user):
    from django.core.exceptions import PermissionDenied

    from highneeds.accounts.services import enrol_authenticator

    user = make_user("caseworker")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with pytest.raises(PermissionDenied):
        enrol_authenticator(actor=user, request=rf.post("/"), key="00" * 20, code="123456")


def test_sign_ins_from_code_without_a_request_still_work_and_http_stays_locked(client, make_user, settings):
    """django-axes refuses authenticate() without a request; the test client's login() (and a shell) has none."""
    user = make_user("caseworker")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, "wrong")
    assert sign_in(client, user.username).status_code == 429
    assert client.login(username=user.username, password=PASSWORD)
