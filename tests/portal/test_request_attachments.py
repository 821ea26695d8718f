"""Evidence with the public request form: stored through the storage, scanned, for the council only until triaged,
filed on the known child's record when a match is confirmed; a bad file is named beside the field and nothing is
written."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest
from highneeds.people.models import Child
from highneeds.records.models import COUNCIL, Document
from tests.portal.test_portal_request import URL, answers
from tests.records.conftest import PDF, PNG, _media  # noqa: F401  (files on a temporary storage, no scanner)
from tests.records.test_services import fake_infected  # noqa: F401  (named by dotted path below)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_files_sent_with_a_request_are_filed_for_the_council_only(client, db):
    response = client.post(
        URL, {**answers(), "attachments": [upload("school report.pdf", PDF), upload("photo.png", PNG)]}
    )
    assert response.status_code == 302
    request = AssessmentRequest.objects.get()
    docs = list(Document.objects.filter(request=request).order_by("original_name"))
    assert [d.original_name for d in docs] == ["photo.png", "school report.pdf"]
    assert all(d.child_id == request.child_id and d.audience == COUNCIL and d.category == "evidence" for d in docs)
    assert all(d.scan_status == "not_scanned" and d.file.read() in (PDF, PNG) for d in docs)
    assert AuditEvent.objects.filter(action="document.upload").count() == 2


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("virus.exe", b"MZ\x90\x00", "virus.exe: The selected file must be a PDF"),
        ("report.docx", PDF, "report.docx: The selected file is a PDF but its name does not end in .pdf"),
        ("empty.pdf", b"", None),  # an empty upload: Django's own message
    ],
)
def test_a_bad_file_is_named_beside_the_field_and_nothing_is_written(client, db, name, data, message):
    before = (Child.objects.count(), Document.objects.count())
    body = client.post(URL, {**answers(), "attachments": [upload(name, data)]}).content.decode()
    assert 'id="id_attachments-error"' in body
    if message:
        assert message in body
    assert not AssessmentRequest.objects.exists()
    assert (Child.objects.count(), Document.objects.count()) == before


def test_a_file_too_large_is_refused_before_it_is_read(client, db, settings):
    settings.HIGHNEEDS_DOCUMENT_MAX_BYTES = 1024
    body = client.post(URL, {**answers(), "attachments": [upload("big.pdf", PDF + b"x" * 2000)]}).content.decode()
    assert "must be smaller than 1 KB" in body and not AssessmentRequest.objects.exists()


def test_too_many_files_are_refused(client, db):
    files = [upload(f"r{n}.pdf", PDF) for n in range(6)]
    body = client.post(URL, {**answers(), "attachments": files}).content.decode()
    assert "Attach 5 files or fewer" in body and not Document.objects.exists()


def test_a_file_the_scanner_finds_infected_is_refused_and_the_request_is_not_half_written(client, db, settings):
    settings.HIGHNEEDS_VIRUS_SCANNER = "tests.records.test_services.fake_infected"
    body = client.post(URL, {**answers(), "attachments": [upload("report.pdf", PDF)]}).content.decode()
    assert "contains a virus" in body
    assert not AssessmentRequest.objects.exists() and not Child.objects.exists() and not Document.objects.exists()


def test_confirming_the_match_files_the_evidence_on_the_known_record(client, db, make_child, make_user):
    known = make_child(first_name="Rowan", last_name="Testworth", dob=date(2015, 5, 3))
    client.post(URL, {**answers(), "attachments": [upload("report.pdf", PDF)]})
    request = AssessmentRequest.objects.get()
    assert request.match_status == "possible" and Document.objects.get().child_id == request.child_id != known.pk
    cw.confirm_match(actor=make_user("caseworker"), request=request)
    doc = Document.objects.get()
    assert doc.child_id == known.pk and doc.request_id == request.pk and doc.audience == COUNCIL
