"""A caseworker records a family's request for mediation and the certificate, then an appeal with an
order, and sees the order's deadline on the disagreements overview. Every page passes axe."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from highneeds.disputes.models import TribunalOrder

from .axe import assert_accessible


def fill_date(page, field: str, day: date) -> None:
    page.locator(f"#id_{field}_day").fill(str(day.day))
    page.locator(f"#id_{field}_month").fill(str(day.month))
    page.locator(f"#id_{field}_year").fill(str(day.year))


def save(page) -> None:
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")


def test_mediation_certificate_appeal_and_order(page, live_server, signed_in, make_child):
    make_child(first_name="Rowan", last_name="Testley", sen_status="E")
    today = date.today()
    signed_in("caseworker")

    page.goto(f"{live_server.url}/disputes/")
    assert_accessible(page)
    page.get_by_label("Find a child to record a notice, appeal, complaint or cessation").fill("Rowan")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Rowan Testley").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disagreements and cessation")
    assert_accessible(page)

    page.get_by_role("link", name="Record a notice of an appealable decision").click()
    page.get_by_label("What the decision was about").select_option("plan_content")
    fill_date(page, "sent_on", today - timedelta(days=60))
    save(page)
    assert_accessible(page)

    page.get_by_role("link", name="Record the family's contact with the mediation adviser").click()
    save(page)  # nothing entered: the error is shown on the field
    expect(page.get_by_role("alert")).to_contain_text("Enter the date the family contacted the mediation adviser")
    assert_accessible(page)
    fill_date(page, "contacted_on", today - timedelta(days=55))
    save(page)

    page.get_by_role("link", name="Record the family's request for mediation").click()
    fill_date(page, "requested_on", today - timedelta(days=54))
    page.get_by_label("What the family want to mediate about").fill("Section F: therapy hours")
    assert_accessible(page)
    save(page)
    expect(page.get_by_text("Arrange mediation (30 days from the request)")).to_be_visible()

    page.get_by_role("link", name="Record the mediation certificate").click()
    fill_date(page, "issued_on", today - timedelta(days=40))
    save(page)
    expect(page.get_by_role("term").filter(has_text="Certificate issued")).to_be_visible()

    page.get_by_role("link", name="Record an appeal to the tribunal").click()
    expect(page.get_by_text("No mediation certificate is needed for an appeal only about section I")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Section F: special educational provision").check()
    fill_date(page, "lodged_on", today - timedelta(days=30))
    page.get_by_label("Tribunal reference (optional)").fill("EH999/26/00777")
    save(page)

    page.get_by_role("link", name="Record the appeal's outcome").click()
    page.get_by_label("Outcome").select_option("allowed")
    fill_date(page, "outcome_on", today - timedelta(days=3))
    save(page)

    page.get_by_role("link", name="Record an order").click()
    page.get_by_label("Kind of order").select_option("amend_plan")
    page.get_by_label("What was ordered").fill("Amend section F: weekly speech and language therapy")
    fill_date(page, "made_on", today - timedelta(days=3))
    assert_accessible(page)
    save(page)
    order = TribunalOrder.objects.get()
    assert_accessible(page)

    page.get_by_role("link", name="Disagreements", exact=True).first.click()
    table = page.locator("table", has=page.get_by_text("Tribunal orders to comply with"))
    expect(table).to_contain_text("Rowan Testley")
    expect(table).to_contain_text(f"{order.due_on:%-d %B %Y}")
    assert_accessible(page)
    assert page.problems == [], page.problems
