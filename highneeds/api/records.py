"""/api/v1: a child's case file: documents (metadata and download), case notes and tasks (docs/records.md).

Read-only, with the pages' permissions and audit: opening the list is a read of the child's record
(`record.view_api`), a download is `document.download` (refused: `document.download.denied`). 404 means missing
*or* not yours, so ids cannot be probed.
"""
# No `from __future__ import annotations` here: ninja reads the views' annotations at import.

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from ninja import Path, Router, Schema
from ninja.pagination import paginate

from highneeds.engine import filetypes
from highneeds.people.queries import open_child_record
from highneeds.records import queries

from .errors import DETAIL_ERRORS
from .pagination import PagePagination
from .permissions import guarded
from .schemas import MAX_ID

router = Router(tags=["case file"])


class Person(Schema):
    id: int | None
    name: str


class DocumentOut(Schema):
    id: int
    title: str
    category: str
    audience: str
    file_type: str
    content_type: str
    size: int
    sha256: str
    scan_status: str
    uploaded_at: datetime
    uploaded_by: Person | None
    request_id: int | None
    letter_id: int | None
    download: str | None
    deleted_at: datetime | None
    deleted_by: Person | None
    deletion_reason: str
    file_removed: bool


class NoteOut(Schema):
    id: int
    text: str
    author: Person | None
    written_at: datetime
    corrects_id: int | None
    request_id: int | None


class TaskOut(Schema):
    id: int
    title: str
    due_on: date
    overdue: bool
    assigned_to: Person
    created_by: Person | None
    created_at: datetime
    done_at: datetime | None
    done_by: Person | None
    request_id: int | None


def _person(user) -> dict | None:
    return {"id": user.pk, "name": queries.name_of(user)} if user is not None else None


def _child(request, child_id: int):
    try:
        return open_child_record(request.auth, child_id, what="record.view_api")
    except PermissionDenied:
        raise Http404("child") from None


DOWNLOAD_TYPES = {kind.content_type: {"schema": {"type": "string", "format": "binary"}} for kind in filetypes.KINDS}


@router.get(
    "/children/{child_id}/documents",
    response={200: list[DocumentOut], **DETAIL_ERRORS},
    summary="A child's documents",
    description="The documents on the child's record you may see, newest first (as on the case file page: "
    "`records.view_documents`; which ones by who they are shared with). The SEND team also see deleted documents, "
    "with who deleted them, when and why, and no download. Audited as a read of the child's record.",
)
@paginate(PagePagination)
@guarded("records.view_documents", gate="records.open", object_level=True)
def child_documents(request, child_id: int = Path(..., ge=1, le=MAX_ID)):
    child = _child(request, child_id)
    found = queries.documents_for(request.auth, child, with_deleted=True)
    return [
        {
            "id": d.pk,
            "title": d.title,
            "category": d.category,
            "audience": d.audience,
            "file_type": d.extension.lstrip(".").upper(),
            "content_type": d.content_type,
            "size": d.size,
            "sha256": d.sha256,
            "scan_status": d.scan_status,
            "uploaded_at": d.uploaded_at,
            "uploaded_by": _person(d.uploaded_by),
            "request_id": d.request_id,
            "letter_id": d.letter_id,
            "download": None if d.deleted_at else f"/api/v1/documents/{d.pk}/file",
            "deleted_at": d.deleted_at,
            "deleted_by": _person(d.deleted_by) if d.deleted_at else None,
            "deletion_reason": d.deletion_reason,
            "file_removed": d.purged_at is not None,
        }
        for d in found
    ]


@router.get(
    "/documents/{document_id}/file",
    response=DETAIL_ERRORS,
    summary="Download a document",
    description="The file itself, as an attachment, with the content type its bytes were checked to be. "
    "Needs `records.view_documents` on the child and the document shared with you (or uploaded by you); "
    "deleted documents are not served. Audited (`document.download`; refused: `document.download.denied`).",
    openapi_extra={"responses": {"200": {"description": "The file", "content": DOWNLOAD_TYPES}}},
)
@guarded("records.view_documents", gate="records.open", object_level=True)
def document_file(request, document_id: int = Path(..., ge=1, le=MAX_ID)):
    try:
        document = queries.open_document(request.auth, document_id)
    except PermissionDenied:
        raise Http404("document") from None
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        raise Http404("file") from None
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}{document.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/children/{child_id}/notes",
    response={200: list[NoteOut], **DETAIL_ERRORS},
    summary="A child's case notes",
    description="Case notes, newest first; a correction names the note it corrects (notes are never changed). "
    "Needs `records.manage` (the SEND team) and the child's record. Audited as a read of the record.",
)
@paginate(PagePagination)
@guarded("records.manage", gate="records.manage", object_level=True)
def child_notes(request, child_id: int = Path(..., ge=1, le=MAX_ID)):
    child = _child(request, child_id)
    return [
        {
            "id": n.pk,
            "text": n.text,
            "author": _person(n.author),
            "written_at": n.written_at,
            "corrects_id": n.corrects_id,
            "request_id": n.request_id,
        }
        for n in queries.notes_for(child)
    ]


@router.get(
    "/children/{child_id}/tasks",
    response={200: list[TaskOut], **DETAIL_ERRORS},
    summary="A child's tasks",
    description="Tasks on the child's record, open ones first, soonest due first. Needs `records.manage` (the "
    "SEND team) and the child's record. Audited as a read of the record.",
)
@paginate(PagePagination)
@guarded("records.manage", gate="records.manage", object_level=True)
def child_tasks(request, child_id: int = Path(..., ge=1, le=MAX_ID)):
    child = _child(request, child_id)
    today = date.today()
    return [
        {
            "id": t.pk,
            "title": t.title,
            "due_on": t.due_on,
            "overdue": t.done_at is None and t.due_on < today,
            "assigned_to": _person(t.assigned_to),
            "created_by": _person(t.created_by),
            "created_at": t.created_at,
            "done_at": t.done_at,
            "done_by": _person(t.done_by),
            "request_id": t.request_id,
        }
        for t in queries.tasks_for(child)
    ]
