import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

import highneeds
from highneeds.accounts.roles import SYSTEM
from highneeds.audit import log
from highneeds.audit.models import AuditError, AuditEvent
from highneeds.audit.service import AuditMissing, service
from highneeds.people.models import Child


def _drop_guards():
    """Remove the append-only triggers inside the test's transaction, to play the attacker."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_event_no_change ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


def test_chain_verifies_after_ordinary_work(make_child):
    for _ in range(3):
        make_child()
    result = log.verify()
    assert result.ok and result.checked == AuditEvent.objects.count() > 0


def test_events_cannot_be_changed_or_deleted_through_the_orm(make_child):
    make_child()
    event = AuditEvent.objects.first()
    event.action = "something.else"
    with pytest.raises(AuditError):
        event.save()
    with pytest.raises(AuditError):
        event.delete()


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"])
def test_database_refuses_update_and_delete(make_child, statement):
    make_child()
    with pytest.raises(Exception) as err:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert "append-only" in str(err.value)


def test_tampering_with_contents_is_detected(make_child):
    make_child()
    make_child()
    target = AuditEvent.objects.order_by("seq")[2]
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET after = %s WHERE seq = %s", ['{"first_name": "Forged"}', target.seq]
        )
    result = log.verify()
    assert not result.ok and result.broken_at == target.seq and "contents" in result.reason
    with pytest.raises(CommandError, match=f"broken at event {target.seq}"):
        call_command("audit", "verify")


def test_deleting_an_event_is_detected(make_child):
    make_child()
    make_child()
    middle, last = AuditEvent.objects.order_by("seq")[3], AuditEvent.objects.order_by("-seq")[0]
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [middle.seq])
    assert log.verify().broken_at == middle.seq
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [middle.seq])
    result = log.verify()
    assert not result.ok and "removed" in result.reason and last.seq > middle.seq


def test_verify_command_reports_intact(make_child, capsys):
    make_child()
    call_command("audit", "verify")
    assert "Audit log intact" in capsys.readouterr().out


def test_service_that_writes_without_auditing_is_refused_and_rolled_back(db):
    @service
    def sneaky(*, actor):
        Child.objects.create(
            first_name="Un", last_name="Audited", date_of_birth=date(2015, 1, 1), sex="M", responsible_la="999"
        )

    with pytest.raises(AuditMissing, match="people_child"):
        sneaky(actor=SYSTEM)
    assert not Child.objects.filter(last_name="Audited").exists()


def test_event_records_actor_child_before_after_and_request(make_child, make_user):
    from highneeds.people.services import update_child

    child = make_child(first_name="Old")
    manager = make_user("manager")
    update_child(actor=manager, child=child, changes={"first_name": "New"})
    event = AuditEvent.objects.filter(action="child.update").latest("seq")
    assert (event.actor_id, event.child_id) == (manager.pk, child.pk)
    assert event.before == {"first_name": "Old"} and event.after == {"first_name": "New"}
    assert event.request_id and event.occurred_at


def test_every_public_function_in_a_services_module_is_an_audited_service():
    """A new write path cannot skip the permission-and-audit wrapper unnoticed."""
    missing = []
    for module_info in pkgutil.walk_packages(highneeds.__path__, "highneeds."):
        if not (module_info.name.endswith(".services") or ".services." in module_info.name):  # split packages too
            continue
        module = importlib.import_module(module_info.name)
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != module.__name__ or name.startswith("_"):
                continue
            if name.startswith(("clean_", "authenticate_")):  # validators and token lookups do not write records
                continue
            if not getattr(func, "is_service", False):
                missing.append(f"{module.__name__}.{name}")
    assert missing == []


def test_request_id_with_a_trailing_newline_is_replaced(client, db):
    """Regression: the id check used `$`, which also matches before a final newline."""
    response = client.get("/health/", headers={"X-Request-ID": "abcdefgh12\n"})
    assert response["X-Request-ID"] != "abcdefgh12\n" and "\n" not in response["X-Request-ID"]


@pytest.mark.parametrize(
    "incoming",
    [
        "short",
        "x" * 65,
        "abc def ghi",
        "abcdefgh\r\nSet-Cookie: a=b",
        "abcdefgh\n",
        "ab\u202ecdefghij",
        "ab\x00cdefghij",
        "<script>alert(1)</script>",
        "é" * 10,
    ],
)
def test_only_well_formed_request_ids_reach_the_audit_log(client, make_user, incoming):
    from highneeds.audit.middleware import _SAFE_ID

    user = make_user("caseworker")
    client.post(
        "/sign-in/",
        {"username": user.username, "password": "correct horse battery staple"},
        headers={"X-Request-ID": incoming},
    )
    event = AuditEvent.objects.filter(action="auth.sign_in").latest("seq")
    assert event.request_id != incoming and _SAFE_ID.fullmatch(event.request_id)


def test_a_well_formed_request_id_is_kept(client, make_user):
    user = make_user("caseworker")
    client.post(
        "/sign-in/",
        {"username": user.username, "password": "correct horse battery staple"},
        headers={"X-Request-ID": "proxy-1234.abcd_EF"},
    )
    assert AuditEvent.objects.filter(action="auth.sign_in").latest("seq").request_id == "proxy-1234.abcd_EF"
