"""Deleting a document (soft, with a reason) and removing deleted files from storage once their retention rule
allows (engine/retention.py, HIGHNEEDS_DOCUMENT_RETENTION). A letter filed on the record is never deleted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine import retention

from .models import Document

MAX_REASON = 2_000


def rules() -> dict[str, retention.Rule]:
    return retention.parse(getattr(settings, "HIGHNEEDS_DOCUMENT_RETENTION", {}) or {})


def purge_on(document: Document, rule_set: dict[str, retention.Rule] | None = None) -> date:
    rule = retention.rule_for(rule_set or rules(), document.category)
    return retention.purge_on(rule, timezone.localdate(document.deleted_at), document.child.date_of_birth)


@service
def delete_document(*, actor, document: Document, reason: str) -> Document:
    """Take a document off the record's list (the row and its file stay until the retention rule says)."""
    require(actor, "records.delete_document", document)
    reason = (reason or "").strip()
    if document.is_statutory:
        raise ValidationError({"document": "A letter filed on the record is the copy that was sent: it is kept"})
    if document.deleted_at:
        raise ValidationError({"document": "This document has already been deleted"})
    if not reason:
        raise ValidationError({"reason": "Enter why you are deleting the document"})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Reason must be {MAX_REASON:,} characters or fewer"})
    document.deleted_at, document.deleted_by = timezone.now(), actor if getattr(actor, "pk", None) else None
    document.deletion_reason = reason
    document.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    log.record(
        actor=actor,
        action="document.delete",
        obj=document,
        child=document.child_id,
        after={"title": document.title, "reason": reason, "purge_on": purge_on(document)},
    )
    return document


@service
def purge_document(*, actor, document: Document, today: date) -> Document:
    """Remove a deleted document's file from storage; the row keeps who deleted it, when and why."""
    require(actor, "records.purge_documents")
    if document.is_statutory or not document.deleted_at or document.purged_at:
        raise ValidationError({"document": "Only a deleted document not yet removed can be removed"})
    due = purge_on(document)
    if due > today:
        raise ValidationError({"document": f"Kept until {due.isoformat()} by the retention rule"})
    name = document.file.name
    if name:
        document.file.storage.delete(name)  # before the row: a failed commit leaves it to be tried again
    document.purged_at = timezone.now()
    document.save(update_fields=["purged_at"])
    log.record(
        actor=actor,
        action="document.purge",
        obj=document,
        child=document.child_id,
        after={"title": document.title, "file": name, "due": due},
    )
    return document


@dataclass(frozen=True)
class Due:
    document: Document
    due_on: date


def due_for_purge(today: date) -> list[Due]:
    """Deleted documents whose file may now be removed, oldest deletion first (letters never)."""
    rule_set = rules()
    candidates = (
        Document.objects.filter(deleted_at__isnull=False, purged_at__isnull=True, letter__isnull=True)
        .exclude(category="letter")
        .select_related("child")
        .order_by("deleted_at", "id")
    )
    found = []
    for document in candidates.iterator(chunk_size=500):
        due = purge_on(document, rule_set)
        if due <= today:
            found.append(Due(document, due))
    return found


def purge_due(*, actor, today: date, dry_run: bool = False, progress: Callable[[int, int], None] | None = None):
    """Remove every file that is due, one document per transaction; returns (due, removed)."""
    due = due_for_purge(today)
    removed = 0
    for number, item in enumerate(due, 1):
        if not dry_run:
            purge_document(actor=actor, document=item.document, today=today)
            removed += 1
        if progress:
            progress(number, len(due))
    return due, removed
