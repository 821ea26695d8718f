"""The suite's write-outside-service check (tests/write_guard.py) fails application code that writes a domain
table outside a `@service`, and lets services, test set-up and marked bookkeeping through."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import transaction

import highneeds
from highneeds.accounts.roles import SYSTEM
from highneeds.audit import log
from highneeds.audit.service import bookkeeping, service
from highneeds.people.models import Child
from tests.write_guard import WriteOutsideService, allow_writes, take_violations

PACKAGE = Path(highneeds.__file__).resolve().parent

SOURCE = """
def write(Child, date):
    return Child.objects.create(first_name="Guard", last_name="Tested", date_of_birth=date(2015, 1, 1), sex="F",
                                responsible_la="999")


def bulk(Child, date):
    Child.objects.bulk_create([Child(first_name="Bulk", last_name="Loaded", date_of_birth=date(2015, 1, 1), sex="F",
                                     responsible_la="999")])
"""


def as_if_in(relative: str):
    """The functions above, compiled as if they sat in a highneeds module (frames report that file)."""
    namespace: dict = {}
    exec(compile(SOURCE, str(PACKAGE / relative), "exec"), namespace)  # noqa: S102 - our own source, as if in a module
    return namespace


@pytest.fixture
def violations():
    take_violations()
    yield take_violations
    take_violations()  # the writes refused here are this test's point, not a failure of it


@pytest.mark.parametrize("module", ["people/views.py", "people/queries.py", "web/views.py", "api/children.py"])
def test_a_write_from_a_view_or_query_module_fails(db, violations, module):
    with (
        pytest.raises(WriteOutsideService, match=rf"INSERT people_child from highneeds/{module}:\d+ in write"),
        transaction.atomic(),
    ):
        as_if_in(module)["write"](Child, date)
    assert len(violations()) == 1
    assert not Child.objects.filter(last_name="Tested").exists()


def test_a_demo_loader_bulk_insert_outside_a_service_fails(db, violations):
    with pytest.raises(WriteOutsideService, match="people_child from highneeds/demo/loader.py"), transaction.atomic():
        as_if_in("demo/loader.py")["bulk"](Child, date)
    assert violations()


def test_a_swallowed_refusal_is_still_reported(db, violations):
    try:
        with transaction.atomic():
            as_if_in("people/queries.py")["write"](Child, date)
    except Exception:  # noqa: BLE001 - application code that hides errors must not hide the violation
        pass
    assert violations() and violations() == []  # reported once, then taken


def test_the_same_write_inside_a_service_passes(db, violations):
    write = as_if_in("people/queries.py")["write"]

    @service
    def make(*, actor):
        child = write(Child, date)
        log.record(actor=actor, action="child.create", obj=child, child=child)
        return child

    assert make(actor=SYSTEM).pk
    assert violations() == []


def test_test_set_up_through_the_orm_passes(db, violations):
    Child.objects.create(
        first_name="Set", last_name="Up", date_of_birth=date(2015, 1, 1), sex="M", responsible_la="999"
    )
    assert violations() == []


def test_allow_writes_and_bookkeeping_pass(db, violations):
    write = as_if_in("people/queries.py")["write"]
    with allow_writes():
        write(Child, date)
    with bookkeeping():
        write(Child, date)
    assert violations() == [] and Child.objects.filter(last_name="Tested").count() == 2


def test_non_domain_tables_pass(db, violations):
    namespace: dict = {}
    source = (
        "def touch(Session, now):\n    Session.objects.create(session_key='k' * 32, session_data='', expire_date=now)\n"
    )
    exec(compile(source, str(PACKAGE / "web/views.py"), "exec"), namespace)  # noqa: S102 - as above
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    namespace["touch"](Session, timezone.now())
    assert violations() == []
