"""Day one for advice: a professional saves a draft with their report, comes back, submits and opens My
deadlines; a SENCO gives the school's advice; the caseworker sees both on the case and the report on the case
file. `screens.look` checks axe and keeps a screenshot of each page a person reads."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from highneeds.casework import services as cw
from highneeds.casework.models import AdviceRequest

from .helpers import sign_in
from .screens import look

TODAY = date.today()
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DRAFT = "Amara reads two years below her age and needs a daily phonics group."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.HIGHNEEDS_VIRUS_SCANNER = "none"


def _file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": data}


def test_advice_day_one(page, context, live_server, make_user, make_child, make_establishment):
    school = make_establishment(name="Brookside Primary")
    child = make_child(first_name="Amara", last_name="Testworth", establishment=school)
    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    ep = make_user("professional", first_name="Edna", last_name="Psych")
    make_user("senco", first_name="Sam", last_name="Senco", establishment=school, username="sam")
    received = TODAY - timedelta(days=40)
    case = cw.submit_request(actor=worker, child=child, received_on=received, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker, request=case, assess=True, decided_on=received + timedelta(days=5), reasons="x"
    )
    asked = received + timedelta(days=6)
    cw.request_advice(actor=worker, request=case, adviser_type="educational_psychology", requested_on=asked, adviser=ep)
    school_advice = cw.request_advice(actor=worker, request=case, adviser_type="setting", requested_on=asked)

    # The professional: home page figures, My deadlines, a wrong file, a draft with a report, then submit.
    sign_in(page, live_server, ep.username)
    expect(page.locator("#advice-counts")).to_contain_text("1 piece of advice to give")
    look(page, "professional", "home")
    page.get_by_role("link", name="My deadlines").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My deadlines")
    expect(page.get_by_role("cell", name="Not started")).to_be_visible()
    look(page, "professional", "my-deadlines")
    page.get_by_role("link", name="Amara Testworth").click()
    expect(page.get_by_role("button", name="Save as draft")).to_be_visible()
    look(page, "professional", "advice-form")

    page.get_by_label(re.compile("Needs: what")).fill(DRAFT)
    page.get_by_label("Attach your report (optional)").set_input_files(_file("virus.exe", b"MZ\x90\x00"))
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("#id_report-error")).to_contain_text("must be a PDF")
    look(page, "professional", "advice-wrong-file")
    page.get_by_label(re.compile("Needs: what")).fill(DRAFT)
    page.get_by_label("Attach your report (optional)").set_input_files(_file("ep-report.pdf", PDF))
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Your draft is saved")).to_be_visible()
    expect(page.get_by_text("Report attached: ep-report.pdf")).to_be_visible()
    expect(page.get_by_label(re.compile("Needs: what"))).to_have_value(DRAFT)  # back later: carry on
    look(page, "professional", "advice-draft-saved")

    page.get_by_label(re.compile("Provision: what")).fill("Daily 20-minute phonics group with a trained assistant.")
    page.get_by_role("button", name="Submit advice").click()
    expect(page.get_by_text("has been sent to the SEND team")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Submitted"))).to_be_visible()
    look(page, "professional", "my-deadlines-submitted")
    page.get_by_role("link", name="Amara Testworth").click()
    expect(page.get_by_role("link", name="ep-report.pdf")).to_be_visible()
    expect(page.get_by_role("button", name="Submit advice")).to_have_count(0)
    look(page, "professional", "advice-submitted")

    # The SENCO gives the school's advice through the same pages.
    context.clear_cookies()
    sign_in(page, live_server, "sam")
    look(page, "senco", "home")
    page.get_by_role("link", name="My deadlines").first.click()
    expect(page.get_by_role("cell", name="School or setting")).to_be_visible()
    look(page, "senco", "my-deadlines")
    page.get_by_role("link", name="Amara Testworth").click()
    page.get_by_role("button", name="Submit advice").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your advice")
    look(page, "senco", "advice-empty-submit")
    page.get_by_label(re.compile("Summary of your advice")).fill(
        "Attainment below age-related expectations; attendance 96%."
    )
    page.get_by_label("Attach your report (optional)").set_input_files(_file("school-report.pdf", PDF))
    page.get_by_role("button", name="Submit advice").click()
    expect(page.get_by_text("has been sent to the SEND team")).to_be_visible()
    look(page, "senco", "my-deadlines-submitted")
    assert AdviceRequest.objects.get(pk=school_advice.pk).report.original_name == "school-report.pdf"

    # The caseworker sees both on the case, with their reports, and the reports on the case file.
    context.clear_cookies()
    sign_in(page, live_server, worker.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("cell", name=re.compile("^Received"))).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("^Report"))).to_have_count(2)
    look(page, "caseworker", "case-with-advice")
    page.goto(f"{live_server.url}/records/children/{child.pk}/")
    for title in ("Educational psychology advice: report", "School or setting advice: report"):
        # Exactly the download link: the Delete link beside it names the title too (visually hidden).
        expect(page.get_by_role("link", name=f"{title} (download)", exact=True)).to_have_count(1)
    look(page, "caseworker", "case-file-advice-reports")
    assert page.problems == [], page.problems


def test_the_caseworker_sees_a_draft_only_as_in_progress(page, live_server, make_user, make_child):
    child = make_child(first_name="Robin", last_name="Testworth")
    worker = make_user("caseworker")
    ep = make_user("professional")
    case = cw.submit_request(
        actor=worker, child=child, received_on=TODAY - timedelta(days=30), source="1", caseworker=worker
    )
    cw.decide_whether_to_assess(
        actor=worker, request=case, assess=True, decided_on=TODAY - timedelta(days=25), reasons="x"
    )
    advice = cw.request_advice(
        actor=worker, request=case, adviser_type="health", requested_on=TODAY - timedelta(days=20), adviser=ep
    )
    cw.save_advice_draft(actor=ep, advice=advice, parts={"needs": DRAFT})
    sign_in(page, live_server, worker.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("cell", name="In progress (draft saved)")).to_be_visible()
    expect(page.get_by_text(DRAFT)).to_have_count(0)
    look(page, "caseworker", "case-with-draft-advice")
