"""/api/v1 case file endpoints: the pages' permissions and audit, another family's ids answered 404."""

from datetime import date, timedelta

import pytest

from highneeds.audit.models import AuditEvent
from highneeds.records import retention, services
from highneeds.records.models import COUNCIL, FAMILY
from tests.records.conftest import PDF, PNG, world  # noqa: F401  (world is a fixture)


@pytest.fixture
def case_file(world):  # noqa: F811
    users, child = world["users"], world["child"]
    worker = users["caseworker"]

    def upload(title, audience, name="r.pdf", data=PDF):
        return services.upload_document(
            actor=worker, child=child, name=name, data=data, title=title, category="report", audience=audience
        )

    shared, private, gone = (
        upload("Shared", FAMILY),
        upload("Council only", COUNCIL, "p.png", PNG),
        upload("Gone", FAMILY),
    )
    retention.delete_document(actor=worker, document=gone, reason="Duplicate of the shared copy")
    first = services.add_note(actor=worker, child=child, text="Spoke to school")
    services.add_note(actor=worker, child=child, text="Spoke to the school", corrects=first)
    services.add_task(
        actor=worker, child=child, title="Chase EP", due_on=date.today() - timedelta(days=2), assigned_to=worker
    )
    services.add_task(
        actor=worker, child=child, title="Book panel", due_on=date.today() + timedelta(days=5), assigned_to=worker
    )
    return {**world, "shared": shared, "private": private, "gone": gone}


def test_the_send_team_sees_every_document_and_who_deleted_one(api_as, case_file):
    child = case_file["child"]
    body = api_as(case_file["users"]["caseworker"]).get(f"/children/{child.pk}/documents").json()
    by_title = {d["title"]: d for d in body["results"]}
    assert body["count"] == 3 and set(by_title) == {"Shared", "Council only", "Gone"}
    assert (
        by_title["Gone"]["deletion_reason"] == "Duplicate of the shared copy" and by_title["Gone"]["download"] is None
    )
    assert by_title["Gone"]["deleted_by"]["name"] == "Caseworker Tester"
    assert by_title["Council only"]["content_type"] == "image/png" and by_title["Shared"]["deleted_at"] is None
    assert AuditEvent.objects.filter(action="record.view_api", child_id=child.pk).count() == 1


def test_a_parent_sees_only_what_is_shared_and_downloads_it(api_as, case_file):
    api, child = api_as(case_file["users"]["parent"]), case_file["child"]
    body = api.get(f"/children/{child.pk}/documents").json()
    assert [d["title"] for d in body["results"]] == ["Shared"]
    file = api.get(f"/documents/{case_file['shared'].pk}/file")
    assert file.status_code == 200 and file.content == PDF and file["Content-Type"] == "application/pdf"
    assert file["X-Content-Type-Options"] == "nosniff"
    for refused in (case_file["private"], case_file["gone"]):
        assert api.get(f"/documents/{refused.pk}/file").status_code == 404
    assert AuditEvent.objects.filter(action="document.download").count() == 1
    assert AuditEvent.objects.filter(action="document.download.denied").count() == 2
    assert api.get(f"/children/{child.pk}/notes").status_code == 403  # notes and tasks are the SEND team's
    assert api.get(f"/children/{child.pk}/tasks").status_code == 403


@pytest.mark.parametrize("role", ["other_parent", "other_senco"])
def test_another_familys_ids_are_not_found(api_as, case_file, role):
    api, child = api_as(case_file["users"][role]), case_file["child"]
    assert api.get(f"/children/{child.pk}/documents").status_code == 404
    assert api.get(f"/documents/{case_file['shared'].pk}/file").status_code == 404
    assert api.get("/documents/999999/file").status_code == 404
    assert AuditEvent.objects.filter(action="child.view_refused", child_id=child.pk).exists()


@pytest.mark.parametrize("role,status", [("finance", 403), ("strategic_lead", 403), ("admin", 403)])
def test_roles_without_the_case_file_are_refused(api_as, case_file, role, status):
    api, child = api_as(case_file["users"][role]), case_file["child"]
    for path in ("documents", "notes", "tasks"):
        assert api.get(f"/children/{child.pk}/{path}").status_code == status


def test_notes_and_tasks_for_the_send_team(api_as, case_file):
    api, child = api_as(case_file["users"]["manager"]), case_file["child"]
    notes = api.get(f"/children/{child.pk}/notes").json()["results"]
    assert [n["text"] for n in notes] == ["Spoke to the school", "Spoke to school"]
    assert notes[0]["corrects_id"] == notes[1]["id"]
    tasks = api.get(f"/children/{child.pk}/tasks", page_size=1).json()
    assert tasks["count"] == 2 and tasks["results"][0]["title"] == "Chase EP" and tasks["results"][0]["overdue"]
    assert api.get(f"/children/{case_file['other_child'].pk}/notes").status_code == 200  # the team sees every child
    assert api.get("/children/999999/tasks").status_code == 404
