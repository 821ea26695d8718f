"""Writing and verifying the audit chain."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import labels, service
from .context import current_request_id
from .models import AuditEvent, ChainHead


def _plain(value: Any) -> Any:
    """JSON-safe copy, so the hash computed now equals the one computed from the stored row."""

    def default(v):
        if isinstance(v, (date, datetime, Decimal)):
            return str(v)
        if hasattr(v, "pk"):
            return v.pk
        return str(v)

    return None if value is None else json.loads(json.dumps(value, default=default, sort_keys=True))


@dataclass(frozen=True)
class Entry:
    action: str
    object_type: str = ""
    object_id: str = ""
    child_id: int | None = None
    before: Any = None
    after: Any = None


logger = logging.getLogger(__name__)


def _check_action(action: str) -> None:
    """An action outside the registry (labels.ACTIONS) is a bug: refused in development and tests; in production
    the event is still written (losing it would be worse) and the gap logged."""
    if action in labels.ACTIONS:
        return
    if settings.DEBUG or getattr(settings, "TESTING", False):
        labels.check_registered(action)
    logger.warning("audit action %r is not registered", action)


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None or getattr(actor, "is_system", False):
        return None, getattr(actor, "label", "system")
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    return actor.pk, actor.get_username()


def record_many(*, actor, entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append entries to the chain. Inside a service they join its chain append, made as the last step of
    its transaction; outside one they are appended at once. The returned events get their sequence number
    and hash when appended."""
    entries = list(entries)
    for entry in entries:
        _check_action(entry.action)
    actor_id, label = _actor_fields(actor)
    rid = current_request_id()
    events = [
        AuditEvent(
            actor_id=actor_id,
            actor_label=label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=str(entry.object_id or ""),
            child_id=entry.child_id,
            before=_plain(entry.before),
            after=_plain(entry.after),
            request_id=rid,
        )
        for entry in entries
    ]
    if not service.defer_audit(events, append):
        append(events)
    return events


def append(events: list[AuditEvent]) -> None:
    """Link events onto the chain and save them. The head's row lock is taken here, after the caller's
    other work, so on PostgreSQL concurrent transactions wait on each other only for this step and their
    commit, not for the whole of their work (on SQLite, IMMEDIATE transactions serialise writers anyway)."""
    if not events:
        return
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get(pk=1)
        now = timezone.now()
        for event in events:
            event.seq, event.occurred_at, event.prev_hash = head.last_seq + 1, now, head.last_hash
            event.hash = event.compute_hash()
            head.last_seq, head.last_hash = event.seq, event.hash
        AuditEvent.objects.bulk_create(events, batch_size=2000)
        head.save(update_fields=["last_seq", "last_hash"])


def record(*, actor, action: str, obj=None, child=None, before=None, after=None) -> AuditEvent:
    """Append one event. `obj` names the record written; `child` the child it concerns."""
    child_id = getattr(child, "pk", child)
    entry = Entry(
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        child_id=child_id,
        before=before,
        after=after,
    )
    return record_many(actor=actor, entries=[entry])[0]


def record_read(*, actor, child, what: str = "child.view") -> AuditEvent:
    """Reads of a child's record are audited too, so managers can answer 'who looked?'."""
    return record(actor=actor, action=what, child=child, obj=child)


@dataclass
class VerifyResult:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(progress=None, checkpoints: list[dict] | None = None) -> VerifyResult:
    """Walk the chain in order; report the first event whose hash, link or sequence is wrong, or that does not
    match a checkpoint exported earlier (which catches a log cut short and its head rewound to match)."""
    wanted = {int(c["seq"]): c["hash"] for c in checkpoints or ()}
    prev_hash, expected_seq, checked = "0" * 64, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=5000):
        if event.seq != expected_seq:
            return VerifyResult(checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return VerifyResult(checked, event.seq, "link to the previous event does not match")
        if event.compute_hash() != event.hash:
            return VerifyResult(checked, event.seq, "contents do not match the recorded hash")
        if wanted.get(event.seq, event.hash) != event.hash:
            return VerifyResult(checked, event.seq, "it differs from the exported checkpoint")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if progress:
            progress(checked)
    head = ChainHead.objects.get(pk=1)
    if head.last_seq != checked or head.last_hash != prev_hash:
        return VerifyResult(checked, checked + 1, "events after the last one found have been removed")
    if wanted and max(wanted) > checked:
        return VerifyResult(checked, checked + 1, f"the log ends before checkpoint {max(wanted)}: events were removed")
    return VerifyResult(checked)


def checkpoint() -> dict:
    """The chain's head, to keep outside the database (`highneeds audit checkpoint`)."""
    head = ChainHead.objects.get(pk=1)
    return {"seq": head.last_seq, "hash": head.last_hash, "taken_at": timezone.now().isoformat(timespec="seconds")}


def read_checkpoints(lines: Iterable[str]) -> list[dict]:
    """Checkpoint lines (JSON, one a line); a ValueError naming the line for anything else."""
    found = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            seq, digest = int(item["seq"]), str(item["hash"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f'line {number} is not a checkpoint (expected {{"seq": ..., "hash": ...}})') from exc
        if seq < 0 or len(digest) != 64:
            raise ValueError(f"line {number} is not a checkpoint (bad seq or hash)")
        found.append({"seq": seq, "hash": digest})
    return found
