"""The demo's case files: made through the records services as the demo caseworker, shown on the pages, once."""

from __future__ import annotations

from datetime import date

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.demo.extras import prepare_app
from highneeds.engine import filetypes
from highneeds.people.models import Child
from highneeds.records import demo, queries
from highneeds.records.models import Contact, Document, Note, Task
from tests.conftest import allow_writes


@pytest.fixture
def demo_people(make_user, make_child, make_establishment):
    school = make_establishment()
    caseworker = make_user("caseworker", username="caseworker", first_name="Casey", last_name="Testworth")
    senco = make_user("senco", username="senco", establishment=school)
    children = [make_child() for _ in range(7)]
    with allow_writes():  # as the demo loader's bulk insert sets them
        Child.objects.filter(pk__in=[c.pk for c in children]).update(lead_caseworker=caseworker)
    return {
        "caseworker": caseworker,
        "senco": senco,
        "children": children,
        "at_school": make_child(establishment=school),
    }


def test_the_demo_case_files_are_made_once_through_the_services(demo_people):
    caseworker = demo_people["caseworker"]
    counts = prepare_app(actor=SYSTEM, module=demo)
    assert counts["notes"] == 7 and counts["tasks"] == 6 and counts["contacts"] == 6
    assert counts["documents"] >= 6 and counts["deleted documents"] == 1 and counts["senco documents"] == 1
    assert Document.objects.filter(uploaded_by=demo_people["senco"], child=demo_people["at_school"]).exists()
    for document in Document.objects.all():  # real PDFs, as an upload would check them
        assert filetypes.check("d.pdf", document.file.read(), 10**6) is filetypes.PDF
    assert Document.objects.filter(deleted_at__isnull=False).get().deletion_reason
    assert Note.objects.filter(corrects__isnull=False).count() == 1
    mine = queries.open_tasks(caseworker)
    assert mine.count() == 6 and 0 < queries.overdue(mine).count() < 6
    assert Contact.objects.filter(occurred_at__date__lt=date.today()).count() == 6
    assert AuditEvent.objects.filter(action="note.add", actor_id=caseworker.pk).count() == 7
    assert prepare_app(actor=SYSTEM, module=demo) == {}
    assert Task.objects.count() == 6


def test_no_demo_caseworker_no_case_files(db):
    assert prepare_app(actor=SYSTEM, module=demo) == {}
