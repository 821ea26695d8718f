"""A caseworker uploads a report, adds a note and a task, logs a call, sends a letter and finds its PDF filed on
the record; the parent sees only what is shared; the SENCO sees what is shared with professionals; an
administrator sets the letterhead. Every page passes axe. Screenshots go to HIGHNEEDS_SCREENSHOTS when set."""

from __future__ import annotations

import base64
import os
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.people import services as people
from highneeds.records import services as records
from highneeds.records.models import Document

from .axe import assert_accessible
from .helpers import sign_in
from .screens import look

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# A real 1x1 PNG, so WeasyPrint draws it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.HIGHNEEDS_VIRUS_SCANNER = "none"


def _shot(page, name: str) -> None:
    folder = os.environ.get("HIGHNEEDS_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _check(page, name: str) -> None:
    _shot(page, name)
    assert_accessible(page)


def test_case_file_journey(page, context, live_server, make_user, make_child, make_establishment):
    school = make_establishment(name="Brookside Primary")
    child = make_child(first_name="Robin", last_name="Testworth", establishment=school)
    other = make_child(first_name="Other", last_name="Family")
    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    parent = make_user("parent", first_name="Pat", last_name="Testworth")
    senco = make_user("senco", first_name="Sam", last_name="Senco", establishment=school)
    admin = make_user("admin", first_name="Ada", last_name="Admin")
    people.add_parent(
        actor=SYSTEM,
        child=child,
        first_name="Pat",
        last_name="Testworth",
        user=parent,
        address="1 Example Street, Sampletown",
        postcode="ZZ1 1ZZ",
    )
    base = live_server.url

    # An administrator sets the letterhead, with a logo.
    sign_in(page, live_server, admin.username)
    page.goto(f"{base}/records/letterhead/")
    page.get_by_label("Logo (PNG or JPEG, up to 1 MB)").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_label("Postal address, one line each").fill("County Hall\nSampletown\nZZ9 9ZZ")
    page.get_by_label("Web address of this service (links in letters start with it)").fill(
        "https://send.example.gov.uk"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Letterhead saved")).to_be_visible()
    _check(page, "records-letterhead-admin")
    context.clear_cookies()

    # The caseworker's case file; a disguised file is refused beside the field.
    sign_in(page, live_server, worker.username)
    page.goto(f"{base}/children/{child.pk}/")
    page.get_by_role("link", name=re.compile("Case file")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case file")
    _check(page, "records-case-file-empty-caseworker")
    page.get_by_role("link", name="Add a document").click()
    expect(page.get_by_text("not checked for viruses")).to_be_visible()
    page.get_by_label("Choose a file").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"MZ this is a program"}
    )
    page.get_by_label("Title").fill("Educational psychology report")
    page.get_by_label("Report").check()
    page.get_by_label("Shared with the family too").check()
    page.get_by_role("button", name="Add document").click()
    expect(page.get_by_role("link", name=re.compile("must be a PDF"))).to_be_visible()
    _check(page, "records-upload-error-caseworker")
    page.get_by_label("Choose a file").set_input_files(
        {"name": "ep-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Add document").click()
    expect(page.get_by_text("added to Robin Testworth's record")).to_be_visible()
    records.upload_document(
        actor=worker,
        child=child,
        name="internal.pdf",
        data=PDF,
        title="Council-only minutes",
        category="evidence",
        audience="council",
    )

    # A note, an overdue task and a call.
    page.get_by_role("link", name="Add a case note").click()
    page.get_by_label("Note").fill("Spoke to the SENCO about the reading assessment.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Set a task").click()
    due = date.today() - timedelta(days=1)
    page.get_by_label("What needs doing").fill("Chase the health advice")
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_label("Assigned to").select_option(label="Casey Worker")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Log a call, email, meeting or letter").click()
    page.get_by_label("Phone call").check()
    page.get_by_label("Who with").fill("Pat Testworth (parent)")
    today = date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Summary").fill("Asked when the assessment decision will be made.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Overdue")).to_be_visible()
    _check(page, "records-case-file-caseworker")
    page.set_viewport_size({"width": 375, "height": 800})
    _shot(page, "records-case-file-caseworker-375px")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A request recorded sends the acknowledgement letter; its PDF is filed on the record.
    page.goto(f"{base}/cases/new/?child={child.pk}")
    page.get_by_label("Day").first.fill(str(today.day))
    page.get_by_label("Month").first.fill(str(today.month))
    page.get_by_label("Year").first.fill(str(today.year))
    page.get_by_label("Name of the person who asked").fill("Pat Testworth")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("Request .* recorded"))).to_be_visible()
    page.get_by_role("link", name="Case file: documents, notes, tasks and contacts").click()
    filed = page.get_by_role("link", name=re.compile("^Letter: We have received a request"))
    expect(filed.first).to_be_visible()
    letter_doc = Document.objects.filter(letter__isnull=False).first()
    assert letter_doc is not None and letter_doc.audience == "family"
    assert page.request.get(f"{base}/records/documents/{letter_doc.pk}/").body().startswith(b"%PDF-")
    _check(page, "records-case-file-with-letter-caseworker")
    page.get_by_role("link", name="Case history: who did what").click()
    expect(page.get_by_text("Phone call with Pat Testworth (parent)")).to_be_visible()
    expect(page.get_by_text("Casey Worker").first).to_be_visible()
    _check(page, "records-history-caseworker")
    page.goto(f"{base}/")
    expect(page.get_by_text("1 overdue")).to_be_visible()
    page.get_by_role("link", name=re.compile("task to do")).click()
    expect(page.get_by_role("cell", name="Chase the health advice", exact=True)).to_be_visible()
    _check(page, "records-my-tasks-caseworker")
    context.clear_cookies()

    # The parent sees the shared report and the letter, nothing else, and not another family's record.
    sign_in(page, live_server, parent.username)
    page.goto(f"{base}/children/{child.pk}/")
    page.get_by_role("link", name="Documents").click()
    expect(page.get_by_role("link", name=re.compile("Educational psychology report"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Letter: "))).not_to_have_count(0)
    expect(page.get_by_text("Council-only minutes")).to_have_count(0)
    expect(page.get_by_text("Case notes")).to_have_count(0)
    _check(page, "records-documents-parent")
    assert page.request.get(f"{base}/records/children/{other.pk}/").status == 403
    hidden = Document.objects.get(title="Council-only minutes")
    assert page.request.get(f"{base}/records/documents/{hidden.pk}/").status == 403
    context.clear_cookies()

    # The SENCO sees the documents shared with the school, and may add one.
    sign_in(page, live_server, senco.username)
    page.goto(f"{base}/records/children/{child.pk}/")
    expect(page.get_by_role("link", name=re.compile("Educational psychology report"))).to_be_visible()
    expect(page.get_by_text("Council-only minutes")).to_have_count(0)
    expect(page.get_by_role("link", name="Add a document")).to_be_visible()
    _check(page, "records-documents-senco")


def test_a_senco_deletes_their_upload_and_the_send_team_sees_why(
    page, live_server, make_user, make_child, make_establishment
):
    school = make_establishment(name="Brookside Primary")
    child = make_child(first_name="Robin", last_name="Testworth", establishment=school)
    senco = make_user("senco", first_name="Sam", last_name="Senco", establishment=school)
    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    records.upload_document(
        actor=senco,
        child=child,
        name="plan.pdf",
        data=PDF,
        title="SEN support plan",
        category="evidence",
        audience="professionals",
    )
    base = live_server.url
    sign_in(page, live_server, senco.username)
    page.goto(f"{base}/records/children/{child.pk}/")
    look(page, "senco", "case-file-own-upload")
    page.get_by_role("link", name="Delete SEN support plan").click()
    page.get_by_role("button", name="Delete document").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why you are deleting the document")
    look(page, "senco", "delete-document-errors")
    page.get_by_label("Why are you deleting it?").fill("Uploaded last year's plan by mistake")
    page.get_by_role("button", name="Delete document").click()
    expect(page.get_by_text("'SEN support plan' deleted")).to_be_visible()
    expect(page.get_by_text("No documents have been shared with you")).to_be_visible()
    look(page, "senco", "case-file-after-delete")
    page.context.clear_cookies()
    sign_in(page, live_server, worker.username)
    page.goto(f"{base}/records/children/{child.pk}/")
    expect(
        page.get_by_text(re.compile("Deleted by Sam Senco on .*Reason: Uploaded last year's plan by mistake"))
    ).to_be_visible()
    look(page, "caseworker", "case-file-deleted-document")
    assert Document.objects.get().deleted_by == senco
    assert [p for p in page.problems if "400" not in p] == [], page.problems  # 400: the form sent back with errors
