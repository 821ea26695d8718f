"""Administration and access journeys in Chromium, with axe on every page: an administrator invites a user who
sets a password through the emailed link; a manager deactivates a leaver; a caseworker invites a parent who
accepts; the data protection officer searches the audit log. Screenshots go to SCREENSHOTS (printed)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.audit import log
from highneeds.casework.models import AssessmentRequest
from highneeds.people import services as people

from .axe import assert_accessible
from .helpers import sign_in

SCREENSHOTS = Path(os.environ.get("HIGHNEEDS_SCREENSHOTS", "/tmp/highneeds-screenshots")) / "admin"
NEW_PASSWORD = "a much longer pass phrase 42"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    print(f"screenshot: {SCREENSHOTS / name}.png")


def emailed_path(live_server) -> str:
    return re.search(re.escape(live_server.url) + r"(/account/[\w/-]+/)", mail.outbox[-1].body).group(1)


def test_an_administrator_invites_a_user_who_sets_a_password(page, live_server, signed_in):
    signed_in("admin", first_name="Alex", last_name="Admin")
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a username")
    assert_accessible(page)
    page.get_by_label("Username").fill("rkhan")
    page.get_by_label("First name").fill("Rina")
    page.get_by_label("Last name").fill("Khan")
    page.get_by_label("Email address").fill("rina@example.org")
    page.get_by_label("SEND caseworker").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rina Khan")
    expect(page.get_by_text("has been invited")).to_be_visible()
    assert_accessible(page)
    shot(page, "admin-user-detail")

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + emailed_path(live_server))
    expect(page.get_by_text("Your username is rkhan")).to_be_visible()
    assert_accessible(page)
    shot(page, "invited-user-set-password")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password has been set")).to_be_visible()
    sign_in(page, live_server, "rkhan", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rina Khan")
    page.get_by_role("link", name="Change password").click()
    assert_accessible(page)
    shot(page, "caseworker-change-password")
    assert page.problems == [], page.problems


def test_a_manager_deactivates_a_leaver(page, live_server, signed_in, make_user, make_child):
    leaver = make_user("caseworker", first_name="Lou", last_name="Leaving")
    AssessmentRequest.objects.create(child=make_child(), caseworker=leaver, received_on=date.today(), status="pending")
    signed_in("manager", first_name="Mo", last_name="Manager")
    page.get_by_role("link", name="Users", exact=True).click()
    assert_accessible(page)
    shot(page, "manager-users")
    page.get_by_role("link", name="Lou Leaving").click()
    page.get_by_role("link", name="Deactivate").click()
    expect(page.get_by_text("They hold 1 open request")).to_be_visible()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the reason")
    assert_accessible(page)
    page.get_by_label("Reason").fill("Left the council")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("can no longer sign in")).to_be_visible()
    expect(page.get_by_text("This person has left but still holds cases")).to_be_visible()
    assert_accessible(page)
    shot(page, "manager-leaver-deactivated")
    page.get_by_role("link", name="Reassign their open requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work queue")
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text("1 person who has left still holds 1 open request")).to_be_visible()
    assert_accessible(page)
    shot(page, "manager-home-leaver-flagged")
    leaver.refresh_from_db()
    assert not leaver.is_active


def test_a_caseworker_invites_a_parent_who_accepts(page, live_server, signed_in, make_child):
    child = make_child(first_name="Nia", last_name="Example", dob=date(2016, 4, 2))
    people.add_parent(
        actor=SYSTEM,
        child=child,
        first_name="Pat",
        last_name="Example",
        relationship="Father",
        email="pat@example.org",
        parental_responsibility=True,
    )
    signed_in("caseworker")
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Family portal access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family portal access")
    assert_accessible(page)
    page.get_by_role("button", name="Invite to the portal").click()
    expect(page.get_by_text("Invitation sent to pat@example.org")).to_be_visible()
    expect(page.get_by_text(re.compile("Invited: the link works until"))).to_be_visible()
    assert_accessible(page)
    shot(page, "caseworker-family-access")

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + emailed_path(live_server))
    expect(page.get_by_text("Nia's EHC needs assessment")).to_be_visible()
    assert_accessible(page)
    shot(page, "parent-join")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    sign_in(page, live_server, "pat@example.org", NEW_PASSWORD)
    expect(page.get_by_role("link", name="Nia Example")).to_be_visible()
    assert_accessible(page)
    shot(page, "parent-home-after-joining")
    assert page.problems == [], page.problems


def test_the_dpo_searches_the_audit_log(page, live_server, signed_in, make_user, make_child):
    child = make_child(first_name="Ola", last_name="Record")
    reader = make_user("caseworker", first_name="Ray", last_name="Reader")
    log.record_read(actor=reader, child=child)
    log.record(actor=reader, action="access.denied", child=child)
    signed_in("admin", first_name="Dee", last_name="Pio")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    assert_accessible(page)
    page.get_by_label("Child's record number").fill(str(child.pk))
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Opened the child's record")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Refused"))).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Ray Reader")).first).to_be_visible()
    assert_accessible(page)
    shot(page, "dpo-audit-log")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text()
    assert "Ray Reader" in text and "Tried to open something without permission" in text
    page.get_by_label("Child's record number").fill("abc")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("must be a number")
    assert_accessible(page)


def test_at_16_a_caseworker_invites_the_young_person_and_records_the_parents_access(
    page, live_server, signed_in, make_user, make_child
):
    teen = make_child(first_name="Remy", last_name="Sixteen", dob=date(date.today().year - 17, 1, 5))
    parent = people.add_parent(
        actor=SYSTEM,
        child=teen,
        first_name="Kim",
        last_name="Sixteen",
        relationship="Mother",
        email="kim@example.org",
        parental_responsibility=True,
    )
    parent.user = make_user("parent")
    parent.save()
    signed_in("caseworker", first_name="Cas", last_name="Worker")
    page.goto(f"{live_server.url}/children/{teen.pk}/portal-access/")
    expect(page.get_by_text("offer them their own access")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Invite Remy").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the young person's email address")
    assert_accessible(page)
    page.get_by_label("Their own email address").fill("remy@example.org")
    page.get_by_role("button", name="Invite Remy").click()
    expect(page.get_by_text("Invitation sent to remy@example.org")).to_be_visible()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Select whether the parents keep access")
    page.get_by_label(re.compile("Parents keep access")).check()
    page.get_by_label("Note (optional)").fill("Remy wants Kim to stay involved")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Remy wants Kim to stay involved")).to_be_visible()
    assert_accessible(page)
    shot(page, "caseworker-access-at-16")
    assert page.problems == [], page.problems
