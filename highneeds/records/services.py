"""Writes to a child's case file and the letterhead: each checks permission and is audited."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from highneeds.accounts.roles import Role
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine import filetypes

from .attachments import checked_file, max_bytes, scanned
from .models import (
    AUDIENCES,
    CATEGORIES,
    CONTACT_KINDS,
    FAMILY,
    PROFESSIONALS,
    Contact,
    Document,
    Letterhead,
    Note,
    Task,
)

MAX_LOGO_BYTES = 1024 * 1024
STAFF_ROLES = (Role.CASEWORKER, Role.MANAGER)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _same_child(request, child) -> None:
    if request is not None and request.child_id != child.pk:
        raise ValidationError({"request": "That case belongs to another child"})


def _store(*, actor, child, request, title, category, audience, name, data, letter=None, field="file") -> Document:
    kind = checked_file(name, data, max_bytes(), field)
    scan = scanned(data, field)
    document = Document(
        child=child,
        request=request,
        title=title,
        category=category,
        audience=audience,
        original_name=name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255],
        content_type=kind.content_type,
        extension=filetypes.extension(name),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scan_status=scan.status,
        scanned_by=scan.scanner,
        uploaded_by=_user(actor),
        letter=letter,
    )
    document.file.save("upload", ContentFile(data), save=False)  # the storage writes it; the name is ours
    document.save()
    log.record(
        actor=actor,
        action="document.upload",
        obj=document,
        child=child,
        after={
            "title": title,
            "category": category,
            "audience": audience,
            "type": kind.name,
            "size": len(data),
            "sha256": document.sha256,
            "scan": scan.status,
            "request": getattr(request, "pk", None),
            "letter": getattr(letter, "pk", None),
        },
    )
    return document


@service
def upload_document(
    *, actor, child, name: str, data: bytes, title: str, category: str, audience: str, request=None
) -> Document:
    """Check the file's real type and size, scan it, and keep it in the default storage."""
    require(actor, "records.upload_document", child)
    title = " ".join((title or "").split())
    problems = {}
    if not title:
        problems["title"] = "Enter a title for the document"
    elif len(title) > 200:
        problems["title"] = "Title must be 200 characters or fewer"
    if category not in dict(CATEGORIES) or category == "letter":
        problems["category"] = "Choose what kind of document this is"
    if audience not in dict(AUDIENCES):
        problems["audience"] = "Choose who can see the document"
    if problems:
        raise ValidationError(problems)
    _same_child(request, child)
    return _store(
        actor=actor,
        child=child,
        request=request,
        title=title,
        category=category,
        audience=audience,
        name=name,
        data=data,
    )


@service
def store_attachments(
    *, actor, child, request, attachments, category: str, audience: str, field: str = "attachments"
) -> list[Document]:
    """File the evidence sent with a form (records.attachments.AttachmentsField) on the child's record. Called
    inside the form's own service: a file refused here (wrong type, too large, a virus) raises a ValidationError
    naming `field`, and that service's transaction leaves nothing written."""
    if attachments:
        require(actor, "records.upload_document", child)
    return [
        _store(
            actor=actor,
            child=child,
            request=request,
            title=f"{category.capitalize()}: {a.name}"[:200],
            category=category,
            audience=audience,
            name=a.name,
            data=a.data,
            field=field,
        )
        for a in attachments
    ]


@service
def share_document(*, actor, document: Document, audience: str) -> Document:
    """Change who may see a document (the SEND team decides what is shared with the family)."""
    require(actor, "records.manage", document.child)
    if audience not in dict(AUDIENCES):
        raise ValidationError({"audience": "Choose who can see the document"})
    before = document.audience
    document.audience = audience
    document.save(update_fields=["audience"])
    log.record(
        actor=actor,
        action="document.share",
        obj=document,
        child=document.child_id,
        before={"audience": before},
        after={"audience": audience},
    )
    return document


@service
def file_letter(*, actor, letter, pdf: bytes) -> Document:
    """Keep a letter's PDF on the child's record as a document (once; a second call returns the first)."""
    require(actor, "records.manage", letter.child)
    existing = Document.objects.filter(letter=letter).first()
    if existing:
        return existing
    return _store(
        actor=actor,
        child=letter.child,
        request=letter.request,
        title=f"Letter: {letter.subject}"[:200],
        category="letter",
        audience=FAMILY if letter.family_can_see else PROFESSIONALS,
        name=f"letter-{letter.pk}.pdf",
        data=pdf,
        letter=letter,
    )


# ---------------------------------------------------------------------------------------------
# Notes, tasks and the contact log


@service
def add_note(*, actor, child, text: str, request=None, corrects: Note | None = None) -> Note:
    """Notes are append-only; a correction is a new note pointing at the one it corrects."""
    require(actor, "records.manage", child)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the note"})
    if len(text) > 10_000:
        raise ValidationError({"text": "Note must be 10,000 characters or fewer"})
    if corrects is not None and corrects.child_id != child.pk:
        raise ValidationError({"corrects": "That note belongs to another child"})
    _same_child(request, child)
    note = Note.objects.create(child=child, request=request, text=text, author=_user(actor), corrects=corrects)
    log.record(
        actor=actor,
        action="note.add",
        obj=note,
        child=child,
        after={"text": text, "corrects": getattr(corrects, "pk", None)},
    )
    return note


@service
def add_task(*, actor, child, title: str, due_on: date, assigned_to, request=None) -> Task:
    require(actor, "records.manage", child)
    title = " ".join((title or "").split())
    problems = {}
    if not title:
        problems["title"] = "Enter what needs doing"
    elif len(title) > 200:
        problems["title"] = "Task must be 200 characters or fewer"
    if due_on is None:
        problems["due_on"] = "Enter the date the task is due"
    if assigned_to is None or assigned_to.role not in STAFF_ROLES or not assigned_to.is_active:
        problems["assigned_to"] = "Choose someone in the SEND team with an active account"
    if problems:
        raise ValidationError(problems)
    _same_child(request, child)
    task = Task.objects.create(
        child=child, request=request, title=title, due_on=due_on, assigned_to=assigned_to, created_by=_user(actor)
    )
    log.record(
        actor=actor,
        action="task.add",
        obj=task,
        child=child,
        after={"title": title, "due_on": due_on, "assigned_to": assigned_to.pk},
    )
    return task


@service
def complete_task(*, actor, task: Task) -> Task:
    require(actor, "records.manage", task.child)
    if task.done_at:
        raise ValidationError({"task": "This task is already done"})
    task.done_at, task.done_by = timezone.now(), _user(actor)
    task.save(update_fields=["done_at", "done_by"])
    log.record(actor=actor, action="task.done", obj=task, child=task.child_id, after={"title": task.title})
    return task


@service
def log_contact(*, actor, child, kind: str, with_whom: str, occurred_at, summary: str, request=None) -> Contact:
    require(actor, "records.manage", child)
    with_whom, summary = " ".join((with_whom or "").split()), (summary or "").strip()
    problems = {}
    if kind not in dict(CONTACT_KINDS):
        problems["kind"] = "Choose how you were in contact"
    if not with_whom:
        problems["with_whom"] = "Enter who you were in contact with"
    elif len(with_whom) > 200:
        problems["with_whom"] = "Who must be 200 characters or fewer"
    if occurred_at is None:
        problems["occurred_on"] = "Enter the date of the contact"
    elif occurred_at > timezone.now():
        problems["occurred_on"] = "Date of the contact must be today or in the past"
    if not summary:
        problems["summary"] = "Enter a summary of the contact"
    elif len(summary) > 10_000:
        problems["summary"] = "Summary must be 10,000 characters or fewer"
    if problems:
        raise ValidationError(problems)
    _same_child(request, child)
    contact = Contact.objects.create(
        child=child,
        request=request,
        kind=kind,
        with_whom=with_whom,
        occurred_at=occurred_at,
        summary=summary,
        recorded_by=_user(actor),
    )
    log.record(
        actor=actor,
        action="contact.log",
        obj=contact,
        child=child,
        after={"kind": kind, "with": with_whom, "occurred_at": occurred_at, "summary": summary},
    )
    return contact


# ---------------------------------------------------------------------------------------------
# The letterhead


@service
def update_letterhead(
    *,
    actor,
    address: str,
    telephone: str,
    email: str,
    website: str,
    service_url: str,
    signatory_name: str,
    signatory_role: str,
    logo: tuple[str, bytes] | None = None,
    remove_logo: bool = False,
) -> Letterhead:
    require(actor, "council.change_settings")
    if bool(signatory_name.strip()) != bool(signatory_role.strip()):
        field = "signatory_role" if signatory_name.strip() else "signatory_name"
        raise ValidationError({field: "Enter both the signatory's name and their role, or neither"})
    head = Letterhead.current()
    before = {"address": head.address, "signatory_name": head.signatory_name, "logo": head.logo.name}
    head.address, head.telephone, head.email, head.website = address.strip(), telephone.strip(), email, website
    head.service_url, head.signatory_name = service_url.rstrip("/"), signatory_name.strip()
    head.signatory_role = signatory_role.strip()
    if logo is not None:
        kind = checked_file(logo[0], logo[1], MAX_LOGO_BYTES, field="logo")
        if kind not in (filetypes.PNG, filetypes.JPEG):
            raise ValidationError({"logo": "The logo must be a PNG or JPEG image"})
        scanned(logo[1], field="logo")
        head.logo.save(f"logo{filetypes.extension(logo[0])}", ContentFile(logo[1]), save=False)
        head.logo_type = kind.content_type
    elif remove_logo:
        head.logo, head.logo_type = "", ""
    head.save()
    log.record(
        actor=actor,
        action="letterhead.update",
        obj=head,
        before=before,
        after={"address": head.address, "signatory_name": head.signatory_name, "logo": head.logo.name},
    )
    return head
