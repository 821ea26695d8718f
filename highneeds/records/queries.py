"""Reads of the case file, filtered to what the user may see; opening a document is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from highneeds.accounts.models import User
from highneeds.accounts.roles import Role
from highneeds.audit import labels, log
from highneeds.audit.models import AuditEvent

from .models import COUNCIL, FAMILY, PROFESSIONALS, Contact, Document, Note, Task


def audiences_for(user) -> tuple[str, ...]:
    """Which audiences' documents this user sees (on a child they may see; records.view_documents)."""
    if user.role in (Role.CASEWORKER, Role.MANAGER):
        return (COUNCIL, PROFESSIONALS, FAMILY)
    if user.role in (Role.SENCO, Role.PROFESSIONAL, Role.PANEL_MEMBER):
        return (PROFESSIONALS, FAMILY)
    if user.role in (Role.PARENT, Role.YOUNG_PERSON):
        return (FAMILY,)
    return ()


def documents_for(user, child, *, with_deleted: bool = False) -> QuerySet[Document]:
    """The child's documents this user may see: none unless they may see the child's documents at all;
    their own uploads always. Deleted ones only when asked, and only for the SEND team (who see who deleted
    what and why)."""
    if not user.has_perm("records.view_documents", child):
        return Document.objects.none()
    found = (
        Document.objects.filter(child=child)
        .filter(Q(audience__in=audiences_for(user)) | Q(uploaded_by=user))
        .select_related("uploaded_by", "request", "deleted_by")
    )
    if not (with_deleted and user.role in (Role.CASEWORKER, Role.MANAGER)):
        found = found.filter(deleted_at__isnull=True)
    return found


def open_document(user, document_id: int) -> Document:
    """One document to download: refused (and audited) the same way whether missing or not theirs."""
    document = Document.objects.select_related("child").filter(pk=document_id).first()
    if document is None or not documents_for(user, document.child).filter(pk=document.pk).exists():
        refuse(user, document_id, document)
    log.record(
        actor=user, action="document.download", obj=document, child=document.child, after={"title": document.title}
    )
    return document


def refuse(user, document_id: int, document: Document | None, perm: str = "records.view_documents"):
    """The one refusal for a document: missing or not yours look the same, and the attempt is audited."""
    log.record(
        actor=user,
        action="document.download.denied",
        child=getattr(document, "child", None),
        after={"document": document_id},
    )
    refused = PermissionDenied(perm)
    refused.audited = True
    raise refused


def open_tasks(user) -> QuerySet[Task]:
    """The tasks assigned to this user that are not done, soonest due first (the home page counts these)."""
    return Task.objects.filter(assigned_to=user, done_at__isnull=True).select_related("child", "created_by")


def overdue(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.filter(due_on__lt=timezone.localdate())


def name_of(user) -> str:
    if user is None:
        return "Someone whose account was removed"
    return user.get_full_name() or user.username


def notes_for(child) -> list[Note]:
    return list(Note.objects.filter(child=child).select_related("author", "corrects"))


def contacts_for(child) -> list[Contact]:
    return list(Contact.objects.filter(child=child).select_related("recorded_by"))


def tasks_for(child) -> list[Task]:
    return list(
        Task.objects.filter(child=child).select_related("assigned_to", "done_by").order_by("done_at", "due_on", "id")
    )


# Audit actions that are already shown from their own rows (note text, contact summary) or are reads.
_SHOWN_ELSEWHERE = {"note.add", "contact.log"}


def history(child, limit: int = 500) -> list[dict]:
    """Who did what on this child's record, newest first: the audit log's changes (people's names, actions in
    words, reassignments with both caseworkers named) with the notes and contacts themselves, in time order."""
    events = list(
        AuditEvent.objects.filter(child_id=child.pk)
        .filter(labels.kind_q(labels.CHANGE))
        .exclude(action__in=_SHOWN_ELSEWHERE)
        .order_by("-occurred_at", "-seq")[:limit]
    )
    rows = labels.describe(events)
    assigned = {
        v
        for e in events
        if e.action == "request.assign"
        for v in ((e.before or {}).get("caseworker"), (e.after or {}).get("caseworker"))
        if v
    }
    people = {u.pk: name_of(u) for u in User.objects.filter(pk__in=assigned)}
    items = []
    for event, row in zip(events, rows):
        detail = ""
        if event.action == "request.assign":
            was, now = (event.before or {}).get("caseworker"), (event.after or {}).get("caseworker")
            detail = f"Now {people.get(now, 'unknown')}" + (f", was {people[was]}" if was in people else "")
        items.append(
            {"when": event.occurred_at, "who": row["who"], "role": row["role"], "what": row["what"], "detail": detail}
        )
    for note in Note.objects.filter(child=child).select_related("author")[:limit]:
        items.append(
            {
                "when": note.written_at,
                "who": name_of(note.author),
                "role": _role(note.author),
                "what": "Corrected a case note" if note.corrects_id else "Wrote a case note",
                "detail": note.text,
            }
        )
    for contact in Contact.objects.filter(child=child).select_related("recorded_by")[:limit]:
        items.append(
            {
                "when": contact.occurred_at,
                "who": name_of(contact.recorded_by),
                "role": _role(contact.recorded_by),
                "what": f"{contact.get_kind_display()} with {contact.with_whom}",
                "detail": contact.summary,
            }
        )
    items.sort(key=lambda item: item["when"], reverse=True)
    return items[:limit]


def _role(user) -> str:
    return user.role_label if user is not None else ""
