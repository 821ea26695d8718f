"""A caseworker sees who receives the family's letters, and a warning when nobody on the record can."""

import os
from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.casework import services as cw
from highneeds.people import services as people

from .axe import assert_accessible

pytestmark = pytest.mark.browser


def test_the_case_page_names_the_recipients_or_warns(page, live_server, signed_in, make_child):
    worker = signed_in("caseworker")
    child = make_child()
    request = cw.submit_request(
        actor=worker,
        child=child,
        received_on=date.today() - timedelta(days=3),
        source="2",
        requester_name="Ms Head",
        caseworker=worker,
    )
    page.goto(f"{live_server.url}/cases/{request.pk}/")
    warning = page.locator(".govuk-warning-text")
    assert "Nobody on this record can receive family letters" in warning.inner_text()
    assert_accessible(page)
    if os.environ.get("HIGHNEEDS_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['HIGHNEEDS_SCREENSHOTS']}/case-nobody.png", full_page=True)
    page.locator("a[href*='/letters/']").first.click()
    assert "Nobody on this record can receive family letters" in page.content()

    people.add_parent(actor=SYSTEM, child=child, first_name="Ada", last_name="Samplefield", relationship="Mother")
    page.goto(f"{live_server.url}/cases/{request.pk}/")
    assert page.get_by_test_id("letter-recipients").inner_text().startswith("Family letters go to: Ada Samplefield.")
    assert_accessible(page)
    if os.environ.get("HIGHNEEDS_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['HIGHNEEDS_SCREENSHOTS']}/case-recipients.png", full_page=True)
