"""Sign-in security in Chromium: the lockout page, setting up and giving a second factor, unlocking a username.
Each page passes axe and runs under the Content-Security-Policy without a console error."""

from __future__ import annotations

import os
import re
import time
from base64 import b32decode
from pathlib import Path

from django_otp.oath import TOTP
from playwright.sync_api import expect

from .axe import assert_accessible
from .helpers import PASSWORD

SHOTS = os.environ.get("HIGHNEEDS_SCREENSHOTS")  # a folder, to look at the pages as each role


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def password_step(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def code_from(secret_text: str, steps_ahead: int = 0) -> str:
    key = b32decode(secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def test_lockout_page_and_a_manager_unlocking(page, live_server, make_user, settings):
    user, manager = make_user("caseworker"), make_user("manager")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(page, live_server, user.username, "wrong password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")
    expect(page).to_have_title(re.compile("^Sign-in locked"))
    assert_accessible(page)
    shot(page, "anonymous-lockout")
    assert [p for p in page.problems if " 429 " not in p and "429" not in p] == [], page.problems
    page.problems.clear()

    password_step(page, live_server, manager.username)
    page.get_by_role("link", name="Locked sign-ins").click()
    shot(page, "manager-locked-sign-ins")
    expect(page.get_by_role("cell", name=user.username, exact=True)).to_be_visible()
    assert_accessible(page)
    shot(page, "manager-locked-sign-ins")
    page.get_by_role("button", name=f"Unlock {user.username}").click()
    expect(page.locator(".govuk-notification-banner, .govuk-body").first).to_be_visible()
    expect(page.get_by_text(f"{user.username} can sign in again")).to_be_visible()
    assert page.problems == [], page.problems


def test_a_caseworker_sets_up_an_authenticator_then_gives_a_code_at_the_next_sign_in(
    page, live_server, make_user, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    user = make_user("caseworker")
    password_step(page, live_server, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 200
    assert_accessible(page)
    shot(page, "caseworker-set-up-authenticator")
    secret = page.locator("code.app-secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ?)+", secret), secret

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)
    shot(page, "caseworker-set-up-wrong-code")

    page.get_by_label("Code from your authenticator app").fill(code_from(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Your authenticator app is set up")).to_be_visible()

    page.get_by_role("button", name="Sign out").first.click()
    password_step(page, live_server, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page)
    shot(page, "caseworker-enter-code")
    page.get_by_label("Code from your authenticator app").fill(code_from(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert page.problems == [], page.problems


def test_a_parent_is_not_asked_for_a_code(page, live_server, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = True
    parent = make_user("parent")
    password_step(page, live_server, parent.username)
    expect(page).to_have_url(f"{live_server.url}/")
    shot(page, "parent-home-no-code")
    assert page.problems == [], page.problems


def test_api_docs_work_under_the_content_security_policy(page, live_server, make_user):
    user = make_user("caseworker")
    password_step(page, live_server, user.username)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui")).to_be_visible()
    page.wait_for_load_state("networkidle")
    shot(page, "caseworker-api-docs")
    assert page.problems == [], page.problems
