"""Finding 7: the audit chain is anchored by a key the database does not hold, and by exported checkpoints.

The attack that used to pass `audit verify`: delete an event, renumber and rehash every later one, update the
head. Without the key the rehash cannot match; with the key (an insider who has both) the checkpoints taken
earlier still catch it.
"""

from __future__ import annotations

import json

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from highneeds.audit import log
from highneeds.audit.key import DEVELOPMENT_KEY, audit_key
from highneeds.audit.models import AuditEvent, ChainHead

from .test_audit_chain import _drop_guards

SECRET = "s3cret-audit-key-" + "x" * 32


def _rewrite_without(seq: int, *, attacker_key: str) -> None:
    """Delete event `seq`, renumber and rehash all later events with `attacker_key`, and move the head."""
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [seq])
    prev = AuditEvent.objects.get(seq=seq - 1).hash
    with override_settings(AUDIT_KEY=attacker_key):
        for event in AuditEvent.objects.filter(seq__gt=seq).order_by("seq"):
            event.seq, event.prev_hash = event.seq - 1, prev
            event.hash = event.compute_hash()
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                    [event.seq, event.prev_hash, event.hash, event.pk],
                )
            prev = event.hash
    ChainHead.objects.filter(pk=1).update(last_seq=AuditEvent.objects.count(), last_hash=prev)


@pytest.fixture
def chain(make_child):
    with override_settings(AUDIT_KEY=SECRET):
        for _ in range(3):
            make_child()
        yield AuditEvent.objects.count()


def test_rewriting_the_chain_without_the_key_is_detected(chain):
    with override_settings(AUDIT_KEY=SECRET):
        assert log.verify().ok
        _rewrite_without(3, attacker_key=DEVELOPMENT_KEY.decode())
        result = log.verify()
        assert not result.ok and result.broken_at == 3 and "contents" in result.reason
        with pytest.raises(CommandError, match="broken at event 3"):
            call_command("audit", "verify")


def test_an_insider_with_the_key_is_caught_by_an_earlier_checkpoint(chain, tmp_path):
    points = tmp_path / "checkpoints.jsonl"
    with override_settings(AUDIT_KEY=SECRET):
        call_command("audit", "checkpoint", "--out", str(points))
        _rewrite_without(3, attacker_key=SECRET)
        assert log.verify().ok  # the keyed chain alone cannot tell: this is what checkpoints are for
        with pytest.raises(CommandError, match="checkpoint"):
            call_command("audit", "verify", "--checkpoints", str(points))


def test_cutting_the_log_short_and_rewinding_the_head_is_caught_by_a_checkpoint(chain, tmp_path):
    points = tmp_path / "checkpoints.jsonl"
    with override_settings(AUDIT_KEY=SECRET):
        call_command("audit", "checkpoint", "--out", str(points))
        _drop_guards()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE seq > 2")
        ChainHead.objects.filter(pk=1).update(last_seq=2, last_hash=AuditEvent.objects.get(seq=2).hash)
        assert log.verify().ok
        result = log.verify(checkpoints=log.read_checkpoints(points.read_text().splitlines()))
        assert not result.ok and "removed" in result.reason


def test_checkpoints_of_an_intact_log_verify(chain, tmp_path, make_child, capsys):
    points = tmp_path / "checkpoints.jsonl"
    with override_settings(AUDIT_KEY=SECRET):
        call_command("audit", "checkpoint", "--out", str(points))
        make_child()
        call_command("audit", "checkpoint", "--out", str(points))
        lines = points.read_text().splitlines()
        assert [json.loads(line)["seq"] for line in lines] == [chain, AuditEvent.objects.count()]
        call_command("audit", "verify", "--checkpoints", str(points))
    assert "matching 2 checkpoints" in capsys.readouterr().out
    assert (points.stat().st_mode & 0o777) == 0o600


def test_a_key_change_is_detected(chain):
    with override_settings(AUDIT_KEY="another-key-" + "y" * 32):
        assert log.verify().broken_at == 1


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "line 1"),
        ('{"seq": 1}\n{"seq": "x", "hash": "a"}', "line 1"),
        ('{"seq": 1, "hash": "short"}', "bad seq or hash"),
    ],
)
def test_a_bad_checkpoints_file_is_one_clear_error(db, tmp_path, content, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("audit", "verify", "--checkpoints", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("audit", "verify", "--checkpoints", str(tmp_path / "missing.jsonl"))


def test_key_from_a_file_and_refused_when_short(tmp_path):
    key_file = tmp_path / "audit_key"
    key_file.write_text(SECRET + "\n")
    with override_settings(AUDIT_KEY="", AUDIT_KEY_FILE=str(key_file)):
        assert audit_key() == SECRET.encode()
    with (
        override_settings(AUDIT_KEY="", AUDIT_KEY_FILE=str(tmp_path / "none")),
        pytest.raises(ImproperlyConfigured, match="cannot read"),
    ):
        audit_key()
    with override_settings(AUDIT_KEY="short"), pytest.raises(ImproperlyConfigured, match="at least 32"):
        audit_key()


def test_deploy_check_flags_the_development_key():
    def ids():
        return {m.id for m in checks.run_checks(include_deployment_checks=True) if m.id.startswith("audit.")}

    with override_settings(AUDIT_KEY="", AUDIT_KEY_FILE="", SECURE=True):
        assert ids() == {"audit.E001"}
    with override_settings(AUDIT_KEY="", AUDIT_KEY_FILE="", SECURE=False):
        assert ids() == {"audit.W001"}
    with override_settings(AUDIT_KEY=SECRET, SECURE=True):
        assert ids() == set()
