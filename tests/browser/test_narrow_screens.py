"""Every role's main pages work at 375px wide (issue 11): the page never scrolls sideways (a wide table scrolls in
its own focusable region, highneeds/web/scss/app.scss) and passes axe. The pages are the ones in each role's menu,
plus the family's own pages, with records on them so the tables have rows."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import Role
from highneeds.casework import services as cw
from highneeds.web.navigation import ITEMS
from tests.portal.conftest import build_family_world

from . import screens
from .helpers import sign_in

NARROW = {"width": 375, "height": 800}
STAFF = sorted(set(Role.LABELS) - Role.FAMILY)


def overflow(page) -> list[str]:
    """What sticks out past the right edge, for a readable failure."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .filter(e => !e.parentElement.closest('.hn-table-scroll'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ' + (e.textContent || '').trim().slice(0, 30))"""
    )


def check_narrow(page, role: str, paths: list[str], base: str) -> None:
    page.set_viewport_size(NARROW)
    failures = []
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            failures.append(f"{path}: {width}px {overflow(page)}")
        name = re.sub(r"\d+", "id", path.strip("/").replace("/", "-")) or "home"
        screens.look(page, role, f"{name}-375")
    assert failures == [], failures


@pytest.fixture
def records(make_user, make_child, make_establishment):
    """A family with history, and a request on a caseworker's list, so lists have rows."""
    world = build_family_world(make_user, make_child)
    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    cw.submit_request(
        actor=worker,
        child=world.child,
        received_on=date.today() - timedelta(days=40),
        source="1",
        caseworker=worker,
    )
    make_establishment(name="Hillside Academy with a rather long name for a narrow screen")
    return world, worker


@pytest.mark.parametrize("role", STAFF)
def test_staff_menus_fit_375px(page, live_server, make_user, make_establishment, records, role):
    fields = {"establishment": make_establishment(name="Our School")} if role == Role.SENCO else {}
    user = records[1] if role == Role.CASEWORKER else make_user(role, **fields)
    sign_in(page, live_server, user.username)
    paths = [href for _, href, perm in ITEMS if user.has_perm(perm)]
    if user.has_perm("people.view_child", records[0].child):  # the record page everyone on a case reads most
        paths.append(f"/children/{records[0].child.pk}/")
    check_narrow(page, role.replace("_", "-"), paths, live_server.url)


@pytest.mark.parametrize("role", ["parent", "young_person"])
def test_family_pages_fit_375px(page, live_server, records, role):
    world, _ = records
    user, child = (world.parent, world.child) if role == "parent" else (world.young_person, world.own)
    sign_in(page, live_server, user.username)
    paths = [
        "/",
        "/portal/requests/",
        "/portal/plans/",
        f"/portal/plans/{child.pk}/",
        "/reviews/family/",
        f"/portal/children/{child.pk}/letters/",
        f"/portal/children/{child.pk}/disagreements/",
    ]
    check_narrow(page, role.replace("_", "-"), paths, live_server.url)


def test_public_pages_fit_375px(page, live_server, db):
    check_narrow(page, "public", ["/sign-in/", "/request-an-assessment/", "/accessibility/"], live_server.url)


def test_without_javascript_a_wide_table_still_scrolls_inside_itself(browser, live_server, records):
    """The fallback in app.scss: with no script to wrap it, the table itself scrolls and the page does not."""
    context = browser.new_context(java_script_enabled=False, viewport=NARROW)
    try:
        page = context.new_page()
        sign_in(page, live_server, records[1].username)
        page.goto(f"{live_server.url}/cases/")
        assert page.locator(".hn-table-scroll").count() == 0
        assert page.evaluate("document.querySelector('table.govuk-table').scrollWidth") > NARROW["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    finally:
        context.close()
