"""A caseworker signs in, finds a child and opens the record; each page passes axe."""

from __future__ import annotations

from playwright.sync_api import expect

from highneeds.audit.models import AuditEvent

from .axe import assert_accessible


def test_caseworker_finds_a_child_and_opens_the_record(page, live_server, signed_in, make_child, make_establishment):
    school = make_establishment(name="Testbrook Academy", establishment_type="MS_ACADEMY")
    child = make_child(first_name="Amara", last_name="Testworth", establishment=school, needs=("ASD", "SLCN"))
    make_child(first_name="Amari", last_name="Samplefield")
    user = signed_in("caseworker")
    assert_accessible(page)

    page.get_by_label("Find a child by name or UPN").fill("Amara")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    assert_accessible(page)

    # Narrow by date of birth using the GOV.UK date pattern, with no JavaScript needed.
    page.get_by_label("Day").fill(str(child.date_of_birth.day))
    page.get_by_label("Month").fill(str(child.date_of_birth.month))
    page.get_by_label("Year").fill(str(child.date_of_birth.year))
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Amara Testworth").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Amara Testworth")
    expect(page.get_by_text("Autistic spectrum disorder (ASD)")).to_be_visible()
    expect(page.get_by_role("link", name="Testbrook Academy")).to_be_visible()
    assert_accessible(page)
    assert AuditEvent.objects.filter(action="child.view", child_id=child.pk, actor_id=user.pk).exists()

    page.get_by_role("link", name="Testbrook Academy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testbrook Academy")
    assert_accessible(page)
    page.get_by_role("link", name="Establishments", exact=True).click()
    assert_accessible(page)
    assert page.problems == [], page.problems


def test_bad_search_date_is_reported_accessibly(page, live_server, signed_in):
    signed_in("caseworker")
    page.goto(f"{live_server.url}/children/")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("Date of birth must be a real date")
    assert_accessible(page)


def test_family_and_leaders_pages_pass_axe(page, live_server, signed_in, make_child):
    make_child(sen_status="E", needs=("SEMH",))
    signed_in("strategic_lead")
    page.goto(f"{live_server.url}/insight/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Local area figures")
    assert_accessible(page)
