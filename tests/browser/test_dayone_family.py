"""Day one for families: a parent follows the home page's links to the plan, the reviews (past reviews with their
dates and outcomes), the letters and the disagreements; a young person is spoken to ("your plan"); a visitor
without an account goes from the sign-in page to the request form. Each page is checked with axe and kept as a
screenshot (tests/browser/screens.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from highneeds.audit.models import AuditEvent
from tests.portal.conftest import build_family_world

from . import screens
from .helpers import sign_in


@pytest.fixture
def world(make_user, make_child):
    return build_family_world(make_user, make_child)


def d(value) -> str:
    return value.strftime("%-d %B %Y")


def test_a_parent_follows_the_home_links(page, live_server, world):
    sign_in(page, live_server, world.parent.username)
    expect(page.get_by_role("heading", name="Amara Testworth")).to_be_visible()
    expect(page.get_by_role("link", name="Amara Testworth")).to_have_attribute("href", f"/children/{world.child.pk}/")
    expect(page.get_by_text("Zed")).to_have_count(0)
    screens.look(page, "parent", "home")

    page.get_by_role("link", name="Amara's EHC plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara's EHC plan")
    screens.look(page, "parent", "plan")
    page.goto(f"{live_server.url}/")

    page.get_by_role("link", name="Amara's annual reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual reviews")
    past = page.get_by_role("table", name="Past reviews of Amara's plan")
    for review in world.reviews[:2]:
        row = past.get_by_role("row").filter(has_text=d(review.held_on))
        expect(row).to_contain_text(review.get_decision_display())
        expect(row).to_contain_text(d(review.decided_on))
    expect(page.get_by_text(f"Review due {d(world.reviews[2].due_on)}")).to_be_visible()
    screens.look(page, "parent", "reviews")
    past.get_by_role("link", name=re.compile(d(world.reviews[1].held_on))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara's annual review")
    expect(page.get_by_text(f"Amend the plan, {d(world.reviews[1].decided_on)}")).to_be_visible()
    screens.look(page, "parent", "past-review")
    page.goto(f"{live_server.url}/")

    page.get_by_role("link", name="Letters about Amara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters about Amara")
    expect(page.get_by_text("educational psychology")).to_have_count(0)
    screens.look(page, "parent", "letters")
    page.get_by_role("link", name="Amara's annual review decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara's annual review decision")
    screens.look(page, "parent", "letter")
    page.get_by_role("link", name="Back to letters").click()
    page.goto(f"{live_server.url}/")

    page.get_by_role("link", name=re.compile("Disagreements, appeals and complaints")).click()
    expect(page.get_by_text("EH999/25/00001")).to_be_visible()
    screens.look(page, "parent", "disagreements")

    # Another family's child: the same refusal as a child that does not exist.
    page.goto(f"{live_server.url}/portal/children/{world.other_child.pk}/letters/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    assert AuditEvent.objects.filter(action="child.view_refused", child_id=world.other_child.pk).exists()
    # Every page about Amara was an audited read of her record.
    reads = set(
        AuditEvent.objects.filter(actor_id=world.parent.pk, child_id=world.child.pk).values_list("action", flat=True)
    )
    assert {"portal.plan.view", "portal.review.view", "portal.letter.list", "portal.view_letter"} <= reads
    assert "portal.disagreement.view" in reads


def test_a_young_person_sees_your_plan(page, live_server, world):
    sign_in(page, live_server, world.young_person.username)
    screens.look(page, "young-person", "home")
    page.get_by_role("link", name="Your EHC plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your EHC plan")
    expect(page.get_by_text("Jordan's")).to_have_count(0)
    screens.look(page, "young-person", "plan")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Letters about you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters about you")
    screens.look(page, "young-person", "letters")


def test_a_visitor_goes_from_sign_in_to_the_request_form(page, live_server, db):
    page.goto(f"{live_server.url}/sign-in/")
    screens.look(page, "public", "sign-in")
    page.get_by_role("link", name="Request an EHC needs assessment without an account").click()
    expect(page).to_have_url(f"{live_server.url}/request-an-assessment/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screens.look(page, "public", "request-form")
