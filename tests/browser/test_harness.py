"""The browser harness end to end: Chromium reaches the live server, the council-branded assets load,
axe passes on the sign-in page, and the sign-in form rejects a wrong password and accepts a right one."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from highneeds.council.models import CouncilSettings

from .axe import assert_accessible
from .helpers import PASSWORD, sign_in


def test_sign_in_page_is_branded_and_accessible(page, live_server):
    council = CouncilSettings.current()
    page.goto(f"{live_server.url}/sign-in/")

    expect(page).to_have_title(re.compile("Sign in"))
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.locator(".hn-header")).to_contain_text(council.name)

    # The compiled CSS loaded: header in the brand colour, Arial (never GDS Transport) for body text.
    header_bg = page.locator(".hn-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header_bg == "rgb(29, 79, 110)", header_bg  # #1d4f6e, the default brand colour
    font = page.locator("h1").evaluate("el => getComputedStyle(el).fontFamily")
    assert font.lower().startswith("arial"), font
    # The GOV.UK Frontend ES module loaded and initAll() ran (it marks each component it starts).
    expect(page.locator('[data-module="govuk-button"]')).to_have_attribute("data-govuk-button-init", "")

    assert_accessible(page)
    assert page.problems == [], page.problems


def test_wrong_password_shows_an_error_then_right_password_reaches_home(page, live_server, make_user):
    user = make_user("caseworker")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/sign-in/"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)  # the error state too

    sign_in(page, live_server, user.username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(user.get_full_name() or user.username)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    assert page.problems == [], page.problems


def test_axe_check_reports_serious_violations_readably(page):
    """The harness itself: a page with known failures must fail, naming the rule, impact and element."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
        '<h1>Broken</h1><img src="data:," id="no-alt">'
        '<p id="faint" style="color:#aaa;background:#fff">Too faint to read</p>'
        "</main></body></html>"
    )
    try:
        assert_accessible(page)
    except AssertionError as exc:
        message = str(exc)
    else:  # pragma: no cover - the point of the test
        raise AssertionError("axe found nothing on a page with known violations")
    assert "image-alt [critical]" in message, message
    assert "color-contrast [serious]" in message, message
    assert "#no-alt" in message and "#faint" in message, message
