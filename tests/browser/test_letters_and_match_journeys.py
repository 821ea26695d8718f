"""A manager edits a letter (a misspelt field refused with its line, a preview, a restore); a caseworker
checks an online request's possible match. Every page passes axe. Screenshots go to HIGHNEEDS_SCREENSHOTS
when it is set (for reviewing the pages by eye)."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from django.test import Client
from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.casework.models import AssessmentRequest
from highneeds.letters.models import LetterTemplate
from highneeds.people import services as people

from .axe import assert_accessible


def _shot(page, name: str) -> None:
    folder = os.environ.get("HIGHNEEDS_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_a_manager_edits_previews_and_restores_a_letter(page, live_server, signed_in, role):
    signed_in(role)
    page.goto(f"{live_server.url}/letters/request_withdrawn/")
    expect(page.get_by_text("{{ child.full_name }}", exact=True)).to_be_visible()
    body = page.get_by_label("Letter")
    original = body.input_value()
    body.fill("Dear {{ recipient }},\n\n{{ chlid.name }}")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("link", name=re.compile("line 3: 'chlid' is undefined"))).to_be_visible()
    _shot(page, f"letter-editor-error-{role}")
    assert_accessible(page)
    body.fill(original + "\nWith best wishes")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text(re.compile("Alex Sample"))).not_to_have_count(0)
    expect(page.get_by_text("With best wishes", exact=False)).not_to_have_count(0)
    _shot(page, f"letter-editor-preview-{role}")
    assert_accessible(page)
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters and notices")
    page.goto(f"{live_server.url}/letters/request_withdrawn/")
    page.get_by_role("button", name="Restore this version (as supplied)").click()
    expect(page.get_by_text("Restored")).to_be_visible()
    _shot(page, f"letter-editor-history-{role}")
    assert_accessible(page)
    assert "With best wishes" not in LetterTemplate.objects.get(code="request_withdrawn").body


def test_a_caseworker_checks_a_possible_match(page, live_server, signed_in, make_child):
    known = make_child(first_name="Rowan", last_name="Testworth", dob=date(2015, 5, 3))
    people.add_parent(
        actor=SYSTEM,
        child=known,
        first_name="Pat",
        last_name="Testworth",
        email="pat@example.org",
        parental_responsibility=True,
    )
    Client().post(
        "/request-an-assessment/",
        {
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
            "last_name": "Stranger",
            "relationship": "Mother",
            "email": "jo@example.org",
            "phone": "",
            "reason": "Struggling at school despite SEN support.",
            "confirm": "on",
        },
    )
    request = AssessmentRequest.objects.get(match_status="possible")
    signed_in("caseworker")
    page.goto(f"{live_server.url}/cases/{request.pk}/")
    _shot(page, "case-possible-match")
    page.get_by_role("link", name="Check the possible match").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the possible match")
    expect(page.get_by_role("cell", name="Pat Testworth")).to_be_visible()
    _shot(page, "match-page")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Select whether this is the same child")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("is now on Rowan Testworth's record"))).to_be_visible()
    _shot(page, "match-confirmed")
    request.refresh_from_db()
    assert request.child_id == known.pk
