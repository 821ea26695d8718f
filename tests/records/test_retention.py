"""Deleting a document (soft, with a reason) and removing its file once the retention rule allows: the
service, the page, `highneeds records purge` and the nightly step."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from highneeds.accounts.roles import SystemActor
from highneeds.audit.models import AuditEvent
from highneeds.cli import main
from highneeds.jobs.nightly import run_nightly
from highneeds.letters.models import Letter
from highneeds.records import retention, services
from highneeds.records.models import FAMILY, Document

from .conftest import PDF

SYSTEM = SystemActor("test")
# No grace period and no age rule unless a test sets one: what is deleted is due at once.
AT_ONCE = {"default": {"days_after_deletion": 0, "until_age": None}}


def upload(actor, child, title="Report"):
    return services.upload_document(
        actor=actor, child=child, name="r.pdf", data=PDF, title=title, category="report", audience=FAMILY
    )


def stored(document) -> bool:
    return document.file.storage.exists(document.file.name)


@pytest.mark.parametrize(
    "uploader,deleter,allowed",
    [
        ("caseworker", "caseworker", True),
        ("senco", "manager", True),
        ("senco", "senco", True),
        ("professional", "professional", True),
        ("caseworker", "senco", False),  # a SENCO deletes only their own uploads
        ("senco", "other_senco", False),
        ("caseworker", "parent", False),
        ("caseworker", "panel_member", False),
        ("caseworker", "admin", False),
        ("caseworker", "finance", False),
    ],
)
def test_who_may_delete(world, uploader, deleter, allowed):
    users = world["users"]
    document = upload(users[uploader], world["child"])
    if allowed:
        retention.delete_document(actor=users[deleter], document=document, reason="Duplicate")
        document.refresh_from_db()
        assert document.deleted_by == users[deleter] and document.deletion_reason == "Duplicate"
        event = AuditEvent.objects.get(action="document.delete")
        assert event.after["reason"] == "Duplicate" and event.child_id == world["child"].pk
        assert stored(document)  # soft: the file stays until the retention rule allows
    else:
        with pytest.raises(PermissionDenied):
            retention.delete_document(actor=users[deleter], document=document, reason="Duplicate")
        assert Document.objects.get(pk=document.pk).deleted_at is None


def test_a_reason_is_needed_and_a_document_is_deleted_once(world):
    worker = world["users"]["caseworker"]
    document = upload(worker, world["child"])
    for reason, field in [("", "reason"), ("   ", "reason"), ("x" * 2001, "reason")]:
        with pytest.raises(ValidationError) as raised:
            retention.delete_document(actor=worker, document=document, reason=reason)
        assert field in raised.value.message_dict
    retention.delete_document(actor=worker, document=document, reason="Wrong child")
    with pytest.raises(ValidationError, match="already been deleted"):
        retention.delete_document(actor=worker, document=document, reason="Again")


@pytest.fixture
def filed_letter(world):
    worker = world["users"]["caseworker"]
    letter = Letter.objects.create(child=world["child"], recipient="Pat", subject="Decision", body="Text")
    return services.file_letter(actor=worker, letter=letter, pdf=PDF)


def test_a_filed_letter_is_never_deleted_nor_purged(world, filed_letter, settings):
    settings.HIGHNEEDS_DOCUMENT_RETENTION = AT_ONCE
    with pytest.raises(ValidationError, match="letter"):
        retention.delete_document(actor=world["users"]["manager"], document=filed_letter, reason="Tidy up")
    Document.objects.filter(pk=filed_letter.pk).update(deleted_at=timezone.now())  # even if someone forced it
    filed_letter.refresh_from_db()
    assert retention.due_for_purge(date.today() + timedelta(days=40_000)) == []
    with pytest.raises(ValidationError):
        retention.purge_document(actor=SYSTEM, document=filed_letter, today=date.today())
    assert stored(filed_letter)


def test_the_file_goes_only_when_the_rule_allows(world, settings):
    settings.HIGHNEEDS_DOCUMENT_RETENTION = {"default": {"days_after_deletion": 30, "until_age": 25, "years_after": 6}}
    worker, child = world["users"]["caseworker"], world["child"]
    document = upload(worker, child)
    kept = upload(worker, child, title="Kept")
    retention.delete_document(actor=worker, document=document, reason="Duplicate")
    due = retention.retention.years_later(child.date_of_birth, 31)
    assert retention.due_for_purge(due - timedelta(days=1)) == []
    with pytest.raises(ValidationError, match="Kept until"):
        retention.purge_document(actor=SYSTEM, document=document, today=due - timedelta(days=1))
    assert [item.document.pk for item in retention.due_for_purge(due)] == [document.pk]
    found, removed = retention.purge_due(actor=SYSTEM, today=due)
    document.refresh_from_db()
    assert removed == 1 and document.purged_at and not stored(document) and stored(kept)
    assert AuditEvent.objects.get(action="document.purge").actor_label == "test"
    assert retention.purge_due(actor=SYSTEM, today=due) == ([], 0)  # twice is harmless


def test_the_nightly_step_purges_what_is_due(world, settings):
    settings.HIGHNEEDS_DOCUMENT_RETENTION = AT_ONCE
    worker = world["users"]["caseworker"]
    document = upload(worker, world["child"])
    retention.delete_document(actor=worker, document=document, reason="Duplicate")
    assert run_nightly(date.today(), steps=("purge",)) == {"purge": {"deleted document files removed": 1}}
    assert not stored(Document.objects.get(pk=document.pk))


def cli(capsys, *args):
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_purge_command_dry_run_then_for_real(world, settings, capsys):
    settings.HIGHNEEDS_DOCUMENT_RETENTION = AT_ONCE
    worker = world["users"]["caseworker"]
    documents = [upload(worker, world["child"], title=f"Copy {n}") for n in range(3)]
    for document in documents[:2]:
        retention.delete_document(actor=worker, document=document, reason="Duplicate")
    code, out, _ = cli(capsys, "records", "purge", "--dry-run")
    assert code == 0 and "2 deleted document file(s) due" in out and "nothing removed" in out
    assert all(stored(d) for d in documents)
    code, out, _ = cli(capsys, "records", "purge")
    assert code == 0 and "removed 2 of 2" in out and "2 deleted document file(s) removed" in out
    assert [stored(d) for d in documents] == [False, False, True]


@pytest.mark.parametrize(
    "args,names",
    [(["records", "purge", "--today", "soon"], "--today")],
)
def test_purge_command_errors_are_one_line(db, capsys, args, names):
    code, _, err = cli(capsys, *args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code != 0 and len(lines) == 1 and names in lines[0]


def test_a_bad_retention_setting_is_one_line(db, settings, capsys):
    settings.HIGHNEEDS_DOCUMENT_RETENTION = {"report": {"years": 6}}
    code, _, err = cli(capsys, "records", "purge", "--dry-run")
    assert code != 0 and "HIGHNEEDS_DOCUMENT_RETENTION['report']" in err and "Traceback" not in err


PASSWORD = "correct horse battery staple"


def signed_in(client, user):
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    return client


def test_the_delete_page_as_the_senco_who_uploaded_and_the_list_afterwards(client, world):
    users, child = world["users"], world["child"]
    document = upload(users["senco"], child, title="School report")
    signed_in(client, users["senco"])
    listing = client.get(f"/records/children/{child.pk}/").content.decode()
    assert f"/records/documents/{document.pk}/delete/" in listing
    page = client.get(f"/records/documents/{document.pk}/delete/").content.decode()
    assert "Delete &#39;School report&#39;" in page and "keeps the file in storage until" in page
    assert "For example: uploaded to the wrong record" in page
    empty = client.post(f"/records/documents/{document.pk}/delete/", {"reason": " "}).content.decode()
    assert "Enter why you are deleting the document" in empty and 'href="#id_reason"' in empty
    assert Document.objects.get(pk=document.pk).deleted_at is None
    done = client.post(f"/records/documents/{document.pk}/delete/", {"reason": "Sent the wrong year's report"})
    assert done.status_code == 302
    after = client.get(f"/records/children/{child.pk}/").content.decode()
    assert "&#39;School report&#39; deleted" in after and "No documents" in after
    assert client.get(f"/records/documents/{document.pk}/").status_code == 403  # no longer downloadable
    client.logout()
    signed_in(client, users["caseworker"])
    staff = client.get(f"/records/children/{child.pk}/").content.decode()
    assert "Deleted by Sam Senco on" in staff and "Reason: Sent the wrong year&#39;s report" in staff
    assert f'/records/documents/{document.pk}/"' not in staff  # no download link for a deleted document
    assert client.get(f"/records/documents/{document.pk}/").status_code == 403
    client.logout()
    signed_in(client, users["parent"])
    assert "School report" not in client.get(f"/records/children/{child.pk}/").content.decode()


@pytest.mark.parametrize("role", ["other_senco", "other_parent", "parent", "senco", "finance"])
def test_another_persons_or_familys_document_cannot_be_deleted(client, world, role):
    users = world["users"]
    document = upload(users["caseworker"], world["child"])
    signed_in(client, users[role])
    for response in (
        client.get(f"/records/documents/{document.pk}/delete/"),
        client.post(f"/records/documents/{document.pk}/delete/", {"reason": "mine now"}),
        client.post("/records/documents/999999/delete/", {"reason": "missing"}),
    ):
        assert response.status_code == 403
    assert Document.objects.get(pk=document.pk).deleted_at is None


def test_a_filed_letter_has_no_delete_link_and_its_page_refuses(client, world, filed_letter):
    signed_in(client, world["users"]["manager"])
    child = world["child"]
    assert (
        f"/records/documents/{filed_letter.pk}/delete/"
        not in client.get(f"/records/children/{child.pk}/").content.decode()
    )
    response = client.post(f"/records/documents/{filed_letter.pk}/delete/", {"reason": "Tidy"}, follow=True)
    assert "a filed letter is kept" in response.content.decode()
    assert Document.objects.get(pk=filed_letter.pk).deleted_at is None
