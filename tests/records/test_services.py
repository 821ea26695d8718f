"""Documents, notes, tasks and contacts: the permission matrix, bad input naming the field, the scanning hook."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from highneeds.audit.models import AuditEvent
from highneeds.records import queries, scanning, services
from highneeds.records.models import (
    COUNCIL,
    FAMILY,
    PROFESSIONALS,
    Document,
)

from .conftest import PDF, PNG, office


def upload(actor, child, *, audience=FAMILY, name="report.pdf", data=PDF, **kw):
    return services.upload_document(
        actor=actor,
        child=child,
        name=name,
        data=data,
        title=kw.pop("title", "Report"),
        category=kw.pop("category", "report"),
        audience=audience,
        **kw,
    )


# Who may upload to the child's record: the SEND team, the child's SENCO, the invited professional.
UPLOADERS = {"caseworker", "manager", "senco", "professional"}


@pytest.mark.parametrize(
    "role",
    [
        "caseworker",
        "manager",
        "finance",
        "professional",
        "panel_member",
        "parent",
        "strategic_lead",
        "admin",
        "senco",
        "other_senco",
        "other_parent",
    ],
)
def test_who_may_upload(world, role):
    user = world["users"][role]
    if role in UPLOADERS:
        document = upload(user, world["child"])
        assert document.uploaded_by == user and document.file.read() == PDF
    else:
        with pytest.raises(PermissionDenied):
            upload(user, world["child"])
        assert not Document.objects.exists()


# Which audiences each role sees, on the child they may see.
SEES = {
    "caseworker": {COUNCIL, PROFESSIONALS, FAMILY},
    "manager": {COUNCIL, PROFESSIONALS, FAMILY},
    "senco": {PROFESSIONALS, FAMILY},
    "professional": {PROFESSIONALS, FAMILY},
    "panel_member": {PROFESSIONALS, FAMILY},
    "parent": {FAMILY},
    "finance": set(),
    "strategic_lead": set(),
    "admin": set(),
    "other_senco": set(),
    "other_parent": set(),
}


@pytest.mark.parametrize("role", sorted(SEES))
def test_who_sees_which_documents(world, role):
    worker = world["users"]["caseworker"]
    by_audience = {a: upload(worker, world["child"], audience=a, title=a) for a in (COUNCIL, PROFESSIONALS, FAMILY)}
    user = world["users"][role]
    seen = {d.audience for d in queries.documents_for(user, world["child"])}
    assert seen == SEES[role]
    for audience, document in by_audience.items():
        if audience in SEES[role]:
            assert queries.open_document(user, document.pk) == document
        else:
            with pytest.raises(PermissionDenied):
                queries.open_document(user, document.pk)


def test_every_download_and_refusal_is_audited(world):
    worker, parent = world["users"]["caseworker"], world["users"]["other_parent"]
    document = upload(worker, world["child"], audience=FAMILY)
    queries.open_document(worker, document.pk)
    with pytest.raises(PermissionDenied):  # another family's parent with a guessed id
        queries.open_document(parent, document.pk)
    with pytest.raises(PermissionDenied):  # an id that does not exist: the same answer
        queries.open_document(parent, 999_999)
    actions = list(AuditEvent.objects.filter(action__startswith="document.").values_list("action", "actor_id"))
    assert ("document.download", worker.pk) in actions
    assert actions.count(("document.download.denied", parent.pk)) == 2


def test_uploaders_see_their_own_upload_even_when_council_only(world):
    senco = world["users"]["senco"]
    mine = upload(senco, world["child"], audience=COUNCIL)
    assert list(queries.documents_for(senco, world["child"])) == [mine]


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("report.pdf", b"MZ\x90\x00 an executable", "must be a PDF, Word document"),
        ("report.exe", PDF, "does not end in .pdf"),
        ("report.docx", PDF, "does not end in .pdf"),
        ("report.pdf", b"", "is empty"),
        ("archive.docx", office("other/thing.xml"), "must be a PDF"),
        ("report.pdf", PDF + b"x" * 2048, "smaller than 1 KB"),
    ],
)
def test_bad_files_are_refused_naming_the_field(world, settings, name, data, message):
    settings.HIGHNEEDS_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        upload(world["users"]["caseworker"], world["child"], name=name, data=data)
    assert message in refused.value.message_dict["file"][0]
    assert not Document.objects.exists()


def test_real_office_files_and_images_are_accepted(world):
    worker = world["users"]["caseworker"]
    assert upload(worker, world["child"], name="a.docx", data=office("word/document.xml")).extension == ".docx"
    assert upload(worker, world["child"], name="b.XLSX", data=office("xl/workbook.xml")).content_type.endswith("sheet")
    assert upload(worker, world["child"], name="c.png", data=PNG).content_type == "image/png"


@pytest.mark.parametrize(
    "title,category,audience,field",
    [
        ("", "report", FAMILY, "title"),
        ("x" * 201, "report", FAMILY, "title"),
        ("Report", "letter", FAMILY, "category"),
        ("Report", "nonsense", FAMILY, "category"),
        ("Report", "report", "everyone", "audience"),
    ],
)
def test_bad_details_name_the_field(world, title, category, audience, field):
    with pytest.raises(ValidationError) as refused:
        upload(world["users"]["caseworker"], world["child"], title=title, category=category, audience=audience)
    assert field in refused.value.message_dict


def test_a_case_of_another_child_is_refused(world, make_establishment):
    from highneeds.casework.models import AssessmentRequest

    other_case = AssessmentRequest.objects.create(child=world["other_child"], received_on=date.today())
    with pytest.raises(ValidationError) as refused:
        upload(world["users"]["caseworker"], world["child"], request=other_case)
    assert "request" in refused.value.message_dict


# ---------------------------------------------------------------------------------------------
# The scanning hook


def fake_clean(data):
    return scanning.Scan(scanning.CLEAN, "Fake scanner")


def fake_infected(data):
    return scanning.Scan(scanning.INFECTED, "Fake scanner", "Eicar-Test-Signature")


def fake_broken(data):
    return scanning.Scan(scanning.FAILED, "Fake scanner", "daemon not answering")


def test_without_a_scanner_documents_say_not_scanned(world, settings):
    settings.HIGHNEEDS_VIRUS_SCANNER = "none"
    assert scanning.scanner_name() == ""
    document = upload(world["users"]["caseworker"], world["child"])
    assert document.scan_status == "not_scanned" and document.get_scan_status_display().startswith("Not scanned")


def test_auto_finds_no_scanner_here_and_says_so(world, settings, tmp_path, monkeypatch):
    settings.HIGHNEEDS_VIRUS_SCANNER = "auto"
    settings.HIGHNEEDS_CLAMD_SOCKET = str(tmp_path / "no-such-socket")
    monkeypatch.setattr(scanning.shutil, "which", lambda name: None)
    assert scanning.scan(PDF).status == scanning.NOT_SCANNED


def test_a_clean_scan_is_recorded_with_the_scanner(world, settings):
    settings.HIGHNEEDS_VIRUS_SCANNER = "tests.records.test_services.fake_clean"
    document = upload(world["users"]["caseworker"], world["child"])
    assert (document.scan_status, document.scanned_by) == ("clean", "Fake scanner")


@pytest.mark.parametrize(
    "scanner,message", [("fake_infected", "contains a virus"), ("fake_broken", "could not be checked")]
)
def test_infected_or_unchecked_files_are_refused(world, settings, scanner, message):
    settings.HIGHNEEDS_VIRUS_SCANNER = f"tests.records.test_services.{scanner}"
    with pytest.raises(ValidationError) as refused:
        upload(world["users"]["caseworker"], world["child"])
    assert message in refused.value.message_dict["file"][0]
    assert not Document.objects.exists()


def test_clamd_replies_are_read():
    assert scanning._verdict("c", "stream: OK\0").status == scanning.CLEAN
    found = scanning._verdict("c", "stream: Eicar-Signature FOUND\0")
    assert (found.status, found.detail) == (scanning.INFECTED, "Eicar-Signature")
    assert scanning._verdict("c", "INSTREAM size limit exceeded. ERROR").status == scanning.FAILED


# ---------------------------------------------------------------------------------------------
# Sharing, notes, tasks, contacts


def test_only_the_send_team_changes_sharing(world):
    document = upload(world["users"]["caseworker"], world["child"], audience=COUNCIL)
    with pytest.raises(PermissionDenied):
        services.share_document(actor=world["users"]["senco"], document=document, audience=FAMILY)
    services.share_document(actor=world["users"]["caseworker"], document=document, audience=FAMILY)
    assert list(queries.documents_for(world["users"]["parent"], world["child"])) == [document]


@pytest.mark.parametrize("role", ["senco", "professional", "parent", "finance", "admin", "panel_member"])
def test_notes_tasks_and_contacts_are_the_send_teams(world, role):
    user, child, worker = world["users"][role], world["child"], world["users"]["caseworker"]
    with pytest.raises(PermissionDenied):
        services.add_note(actor=user, child=child, text="x")
    with pytest.raises(PermissionDenied):
        services.add_task(actor=user, child=child, title="x", due_on=date.today(), assigned_to=worker)
    with pytest.raises(PermissionDenied):
        services.log_contact(
            actor=user, child=child, kind="call", with_whom="x", occurred_at=timezone.now(), summary="x"
        )


def test_notes_are_append_only_corrections(world):
    worker, child = world["users"]["caseworker"], world["child"]
    first = services.add_note(actor=worker, child=child, text="Mum called about transport.")
    fixed = services.add_note(actor=worker, child=child, text="Dad called, not mum.", corrects=first)
    first.refresh_from_db()
    assert first.text == "Mum called about transport." and fixed.corrects == first
    other_note = services.add_note(actor=worker, child=world["other_child"], text="Other family")
    with pytest.raises(ValidationError) as refused:
        services.add_note(actor=worker, child=child, text="x", corrects=other_note)
    assert "corrects" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.add_note(actor=worker, child=child, text="   ")
    assert "text" in refused.value.message_dict


def test_tasks_go_to_active_send_staff_and_are_done_once(world):
    worker, child = world["users"]["caseworker"], world["child"]
    for person in (world["users"]["parent"], world["users"]["senco"], None):
        with pytest.raises(ValidationError) as refused:
            services.add_task(actor=worker, child=child, title="Chase advice", due_on=date.today(), assigned_to=person)
        assert "assigned_to" in refused.value.message_dict
    late = services.add_task(
        actor=worker, child=child, title="Chase advice", due_on=date.today() - timedelta(days=2), assigned_to=worker
    )
    soon = services.add_task(
        actor=worker, child=child, title="Book meeting", due_on=date.today() + timedelta(days=5), assigned_to=worker
    )
    mine = queries.open_tasks(worker)
    assert list(mine.order_by("due_on")) == [late, soon] and list(queries.overdue(mine)) == [late]
    services.complete_task(actor=world["users"]["manager"], task=late)
    assert list(queries.open_tasks(worker)) == [soon]
    with pytest.raises(ValidationError):
        services.complete_task(actor=worker, task=late)


def test_contacts_refuse_the_future_and_blanks(world):
    worker, child = world["users"]["caseworker"], world["child"]
    with pytest.raises(ValidationError) as refused:
        services.log_contact(
            actor=worker,
            child=child,
            kind="fax",
            with_whom="",
            occurred_at=timezone.now() + timedelta(days=1),
            summary="",
        )
    assert set(refused.value.message_dict) == {"kind", "with_whom", "occurred_on", "summary"}
    services.log_contact(
        actor=worker,
        child=child,
        kind="call",
        with_whom="Pat Testworth (parent)",
        occurred_at=timezone.now(),
        summary="Asked about the timetable.",
    )


def test_history_names_people_and_reassignments(world):
    from highneeds.casework.models import AssessmentRequest
    from highneeds.casework.services import assign

    worker, manager, child = world["users"]["caseworker"], world["users"]["manager"], world["child"]
    case = AssessmentRequest.objects.create(child=child, received_on=date.today(), caseworker=worker)
    other = world["users"]["manager"]
    assign(actor=manager, requests=[case], caseworker=other)
    services.add_note(actor=worker, child=child, text="Spoke to school.")
    services.log_contact(
        actor=worker,
        child=child,
        kind="meeting",
        with_whom="SENCO",
        occurred_at=timezone.now(),
        summary="Planning meeting.",
    )
    rows = queries.history(child)
    text = [f"{r['who']}|{r['what']}|{r['detail']}" for r in rows]
    assert any(
        t.startswith("Manager Tester|Assigned a caseworker|Now Manager Tester, was Caseworker Tester") for t in text
    ), text
    assert "Caseworker Tester|Wrote a case note|Spoke to school." in text
    assert "Caseworker Tester|Meeting with SENCO|Planning meeting." in text
    assert not any("view" in r["what"].lower() for r in rows)
    assert all(r["who"] and "." not in r["what"].split(":")[0] for r in rows)
