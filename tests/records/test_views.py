"""The case file pages over HTTP: uploads with errors beside the field, downloads, another family's ids, letters."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from highneeds.accounts.roles import SYSTEM
from highneeds.letters.services import generate_letter
from highneeds.records import printing, services
from highneeds.records.models import FAMILY, Document, Letterhead, Task

from .conftest import PDF, PNG

PASSWORD = "correct horse battery staple"


def signed_in(client, user):
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    return client


def test_caseworker_uploads_and_downloads(client, world):
    child = world["child"]
    signed_in(client, world["users"]["caseworker"])
    page = client.get(f"/records/children/{child.pk}/documents/add/")
    assert page.status_code == 200 and b"not checked for viruses" in page.content
    response = client.post(
        f"/records/children/{child.pk}/documents/add/",
        {
            "file": SimpleUploadedFile("ep-report.pdf", PDF),
            "title": "Educational psychology report",
            "category": "report",
            "audience": FAMILY,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    listing = client.get(f"/records/children/{child.pk}/").content.decode()
    assert "Educational psychology report" in listing and "Not scanned" in listing
    download = client.get(f"/records/documents/{document.pk}/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"] == 'attachment; filename="Educational psychology report.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_disguised_file_gets_the_error_beside_the_field(client, world):
    child = world["child"]
    signed_in(client, world["users"]["caseworker"])
    response = client.post(
        f"/records/children/{child.pk}/documents/add/",
        {
            "file": SimpleUploadedFile("report.pdf", b"MZ not a pdf"),
            "title": "",
            "category": "report",
            "audience": FAMILY,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Enter a title for the document" in body
    assert not Document.objects.exists()
    response = client.post(
        f"/records/children/{child.pk}/documents/add/",
        {
            "file": SimpleUploadedFile("report.pdf", b"MZ not a pdf"),
            "title": "Report",
            "category": "report",
            "audience": FAMILY,
        },
    )
    assert 'href="#id_file"' in response.content.decode() and "must be a PDF" in response.content.decode()


def test_oversize_upload_is_refused_before_reading(client, world, settings):
    settings.HIGHNEEDS_DOCUMENT_MAX_BYTES = 100
    signed_in(client, world["users"]["caseworker"])
    response = client.post(
        f"/records/children/{world['child'].pk}/documents/add/",
        {
            "file": SimpleUploadedFile("big.pdf", PDF + b"x" * 500),
            "title": "Big",
            "category": "report",
            "audience": FAMILY,
        },
    )
    assert "smaller than 100 bytes" in response.content.decode() and not Document.objects.exists()


def test_parent_sees_only_what_is_shared_and_not_another_familys(client, world):
    worker, child = world["users"]["caseworker"], world["child"]
    shared = services.upload_document(
        actor=worker, child=child, name="a.pdf", data=PDF, title="Shared report", category="report", audience=FAMILY
    )
    hidden = services.upload_document(
        actor=worker,
        child=child,
        name="b.pdf",
        data=PDF,
        title="Internal note",
        category="evidence",
        audience="council",
    )
    signed_in(client, world["users"]["parent"])
    page = client.get(f"/records/children/{child.pk}/").content.decode()
    assert "Shared report" in page and "Internal note" not in page and "Case notes" not in page
    assert client.get(f"/records/documents/{shared.pk}/").status_code == 200
    assert client.get(f"/records/documents/{hidden.pk}/").status_code == 403
    assert client.get(f"/records/children/{child.pk}/documents/add/").status_code == 403
    assert client.get(f"/records/children/{child.pk}/notes/add/").status_code == 403
    client.logout()
    signed_in(client, world["users"]["other_parent"])
    assert client.get(f"/records/children/{child.pk}/").status_code == 403
    assert client.get(f"/records/documents/{shared.pk}/").status_code == 403


@pytest.mark.parametrize("path", ["/records/children/abc/", "/records/documents/abc/", "/records/tasks/x/done/"])
def test_bad_ids_are_404(client, world, path):
    signed_in(client, world["users"]["caseworker"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["corrects=²", "corrects=abc"])
def test_a_nonsense_note_to_correct_is_ignored_never_a_server_error(client, world, query):
    signed_in(client, world["users"]["caseworker"])
    assert client.get(f"/records/children/{world['child'].pk}/notes/add/?{query}").status_code == 200


def test_notes_tasks_contacts_and_my_tasks(client, world):
    worker, child = world["users"]["caseworker"], world["child"]
    signed_in(client, worker)
    assert client.post(f"/records/children/{child.pk}/notes/add/", {"text": ""}).status_code == 200
    assert client.post(f"/records/children/{child.pk}/notes/add/", {"text": "Called school."}).status_code == 302
    past = date.today() - timedelta(days=3)
    response = client.post(
        f"/records/children/{child.pk}/tasks/add/",
        {
            "title": "Chase EP advice",
            "due_on-day": past.day,
            "due_on-month": past.month,
            "due_on-year": past.year,
            "assigned_to": worker.pk,
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/records/children/{child.pk}/contacts/add/",
        {
            "kind": "call",
            "with_whom": "Pat Testworth",
            "occurred_on-day": "31",
            "occurred_on-month": "2",
            "occurred_on-year": "2026",
            "time": "",
            "summary": "x",
        },
    )
    assert "must be a real date" in response.content.decode()
    today = date.today()
    response = client.post(
        f"/records/children/{child.pk}/contacts/add/",
        {
            "kind": "call",
            "with_whom": "Pat Testworth",
            "occurred_on-day": today.day,
            "occurred_on-month": today.month,
            "occurred_on-year": today.year,
            "time": "00:01",
            "summary": "Asked about transport.",
        },
    )
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "1</strong> task to do" in home and "1 overdue" in home
    mine = client.get("/records/tasks/").content.decode()
    assert "Chase EP advice" in mine and "Overdue" in mine
    task = Task.objects.get()
    assert client.post(f"/records/tasks/{task.pk}/done/", {"next": "mine"})["Location"] == "/records/tasks/"
    assert "0</strong> tasks to do" in client.get("/").content.decode()
    history = client.get(f"/records/children/{child.pk}/history/").content.decode()
    assert "Caseworker Tester" in history and "Phone call with Pat Testworth" in history
    assert "Completed a task" in history and "task.done" not in history
    assert "Records:" not in history and "Opened the case file" not in history  # reads are on the access log


def test_letter_pdf_is_filed_once_on_the_record_and_fit_to_post(client, world, settings):
    worker, child = world["users"]["caseworker"], world["child"]
    services.update_letterhead(
        actor=SYSTEM,
        address="County Hall\nSampletown ZZ9 9ZZ",
        telephone="01234 000000",
        email="send@example.gov.uk",
        website="",
        service_url="https://send.example.gov.uk/",
        signatory_name="",
        signatory_role="",
        logo=("logo.png", PNG),
    )
    letter = generate_letter(
        actor=worker,
        code="plan_draft_sent",
        child=child,
        recipient="Pat Testworth",
        context=_context(child, "plan_draft_sent"),
    )
    html = printing.render_html(letter)
    assert "1 Example Street" in html and "ZZ1 1ZZ" in html and "County Hall" in html
    assert 'src="data:image/png;base64,' in html
    assert "https://send.example.gov.uk/portal/" in html
    assert "Caseworker Tester" in html and "Yours sincerely" in html
    signed_in(client, worker)
    first = client.get(f"/records/letters/{letter.pk}/pdf/")
    second = client.get(f"/records/letters/{letter.pk}/pdf/")
    assert first["Location"] == second["Location"]
    document = Document.objects.get(letter=letter)
    assert document.category == "letter" and document.audience == FAMILY
    pdf = client.get(first["Location"]).content
    assert pdf.startswith(b"%PDF-")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Pat Testworth" in " ".join(text.split())


def test_generating_a_letter_files_its_pdf_after_commit(world, django_capture_on_commit_callbacks):
    child = world["child"]
    with django_capture_on_commit_callbacks(execute=True):
        letter = generate_letter(
            actor=world["users"]["caseworker"],
            code="plan_draft_sent",
            child=child,
            recipient="Pat Testworth",
            context=_context(child, "plan_draft_sent"),
        )
    assert Document.objects.get(letter=letter).file.read().startswith(b"%PDF-")


def _context(child, code):
    from highneeds.letters import context as letter_context
    from highneeds.letters.fields import FIELDS, sample

    fields = sample(FIELDS[code])
    fields.update(letter_context.base(child, "Pat Testworth"))
    if "plan_url" in fields:
        fields["plan_url"] = f"/portal/plans/{child.pk}/"
    return fields


def test_letterhead_page_is_the_administrators(client, world):
    signed_in(client, world["users"]["caseworker"])
    assert client.get("/records/letterhead/").status_code == 403
    client.logout()
    signed_in(client, world["users"]["admin"])
    response = client.post(
        "/records/letterhead/",
        {
            "logo": SimpleUploadedFile("logo.png", PDF),
            "address": "",
            "signatory_name": "Alex Example",
            "signatory_role": "",
        },
    )
    body = response.content.decode()
    assert "PNG or JPEG" in body or "does not end in .pdf" in body
    response = client.post(
        "/records/letterhead/",
        {
            "logo": SimpleUploadedFile("logo.png", PNG),
            "address": "Hall",
            "signatory_name": "Alex Example",
            "signatory_role": "Head of SEND",
        },
    )
    assert response.status_code == 302
    head = Letterhead.current()
    assert head.signatory_name == "Alex Example" and head.logo
    assert client.get("/records/letterhead/logo/").content == PNG
