"""The case file pages: documents, notes, tasks, contacts, history; letter PDFs; the letterhead."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from highneeds.accounts.models import User
from highneeds.engine import filetypes
from highneeds.letters.models import Letter
from highneeds.people.queries import open_child_record
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import forms, printing, queries, retention, scanning, services
from .models import Document, Letterhead, Note, Task


def _case(child, value):
    return child.requests.filter(pk=value).first() if value else None


@requires("records.open")
def case_file(request, child_id: int):
    child = open_child_record(request.user, child_id, what="record.view")
    manage = request.user.has_perm("records.manage", child)
    today = timezone.localdate()
    documents = [
        {
            "id": d.pk,
            "title": d.title,
            "category": d.get_category_display(),
            "audience": d.audience,
            "audience_label": d.get_audience_display(),
            "size": filetypes.human_size(d.size),
            "type": d.extension.lstrip(".").upper(),
            "when": d.uploaded_at,
            "by": queries.name_of(d.uploaded_by) if d.uploaded_by_id else "The system (filed letter)",
            "scan": d.get_scan_status_display(),
            "case": d.request.reference if d.request_id else "",
            "deleted": d.deleted_at
            and {"by": queries.name_of(d.deleted_by), "when": d.deleted_at, "reason": d.deletion_reason},
            "can_delete": not d.deleted_at
            and not d.is_statutory
            and request.user.has_perm("records.delete_document", d),
        }
        for d in queries.documents_for(request.user, child, with_deleted=True)
    ]
    context = {
        "page_title": f"{child.full_name}: {'case file' if manage else 'documents'}",
        "child": child,
        "documents": documents,
        "manage": manage,
        "can_upload": request.user.has_perm("records.upload_document", child),
    }
    if manage:
        context.update(
            notes=queries.notes_for(child),
            contacts=queries.contacts_for(child),
            today=today,
            tasks=[{"task": t, "overdue": not t.done_at and t.due_on < today} for t in queries.tasks_for(child)],
            letters=[
                {"id": letter.pk, "subject": letter.subject, "recipient": letter.recipient, "when": letter.created_at}
                for letter in child.letters.all()[:50]
            ],
            audiences=forms.AUDIENCES,
            name_of=queries.name_of,
        )
    return render(request, "records/case_file.html", context)


@requires("records.upload")
def upload(request, child_id: int):
    child = open_child_record(request.user, child_id, what="record.view_upload_form")
    if not request.user.has_perm("records.upload_document", child):
        raise PermissionDenied("records.upload_document")
    cases = list(child.requests.all()) if request.user.has_perm("records.manage", child) else []
    initial = {"request": request.GET.get("case")} if str(request.GET.get("case", "")).isdecimal() else {}
    form = forms.UploadForm(request.POST or None, request.FILES or None, cases=cases, initial=initial)
    limit = getattr(settings, "HIGHNEEDS_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            if upload_file.size > limit:  # before reading it into memory
                raise ValidationError({"file": f"The selected file must be smaller than {filetypes.human_size(limit)}"})
            services.upload_document(
                actor=request.user,
                child=child,
                name=upload_file.name,
                data=upload_file.read(),
                title=form.cleaned_data["title"],
                category=form.cleaned_data["category"],
                audience=form.cleaned_data["audience"],
                request=_case(child, form.cleaned_data["request"]),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"'{form.cleaned_data['title']}' added to {child.full_name}'s record")
            return redirect("records:case-file", child.pk)
    return render(
        request,
        "records/upload.html",
        {
            "page_title": "Add a document",
            "child": child,
            "form": form,
            "limit": filetypes.human_size(limit),
            "accepted": filetypes.ACCEPTED,
            "scanner": scanning.scanner_name(),
            "error_title": bool(form.errors),
        },
    )


@requires("records.open")
def download(request, document_id: int):
    document = queries.open_document(request.user, document_id)
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        raise Http404("The file is missing from storage") from None
    response = HttpResponse(data, content_type=document.content_type)
    safe = "".join(c for c in document.title if c.isalnum() or c in " -_")[:80].strip() or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}{document.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires("records.manage")
def share(request, document_id: int):
    if request.method != "POST":
        raise Http404
    document = get_object_or_404(Document, pk=document_id)
    open_child_record(request.user, document.child_id, what="record.view_for_sharing")
    try:
        services.share_document(actor=request.user, document=document, audience=request.POST.get("audience", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, f"Who can see '{document.title}' changed")
    return redirect("records:case-file", document.child_id)


def _form_page(request, child, form, title, save, done: str, template="records/form.html", **extra):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("records:case-file", child.pk)
    return render(
        request,
        template,
        {"page_title": title, "child": child, "form": form, "error_title": bool(form.errors), **extra},
    )


@requires("records.upload")
def delete_document(request, document_id: int):
    document = Document.objects.select_related("child").filter(pk=document_id).first()
    # Missing or not theirs to delete: the same refusal, audited.
    if document is None or not request.user.has_perm("records.delete_document", document):
        queries.refuse(request.user, document_id, document, "records.delete_document")
    child = open_child_record(request.user, document.child_id, what="record.view_for_deleting")
    if document.deleted_at or document.is_statutory:
        messages.error(
            request,
            "This document cannot be deleted: "
            + ("it already is" if document.deleted_at else "a filed letter is kept"),
        )
        return redirect("records:case-file", child.pk)
    rule = retention.retention.rule_for(retention.rules(), document.category)
    removed_on = retention.retention.purge_on(rule, timezone.localdate(), child.date_of_birth)
    return _form_page(
        request,
        child,
        forms.DeleteForm(request.POST or None),
        f"Delete '{document.title}'",
        lambda data: retention.delete_document(actor=request.user, document=document, reason=data["reason"]),
        f"'{document.title}' deleted",
        intro=(
            "The document leaves the list at once. The SEND team still see that it was deleted, by whom and why. "
            f"The council's retention rule keeps the file in storage until {removed_on:%-d %B %Y}, then removes it."
        ),
        button={"text": "Delete document", "classes": "govuk-button--warning", "preventDoubleClick": True},
    )


@requires("records.manage")
def add_note(request, child_id: int):
    child = open_child_record(request.user, child_id, what="record.view_note_form")
    corrects = None
    if str(request.GET.get("corrects", "")).isdecimal():
        corrects = get_object_or_404(Note, pk=int(request.GET["corrects"]), child=child)
    form = forms.NoteForm(request.POST or None)
    title = "Correct a case note" if corrects else "Add a case note"
    page = _form_page(
        request,
        child,
        form,
        title,
        lambda data: services.add_note(actor=request.user, child=child, text=data["text"], corrects=corrects),
        "Correction added" if corrects else "Note added",
    )
    if corrects and page.status_code == 200:
        page = render(
            request,
            "records/form.html",
            {"page_title": title, "child": child, "form": form, "corrects": corrects, "error_title": bool(form.errors)},
        )
    return page


@requires("records.manage")
def add_task(request, child_id: int):
    child = open_child_record(request.user, child_id, what="record.view_task_form")

    form = forms.TaskForm(request.POST or None, initial={"assigned_to": request.user.pk})
    return _form_page(
        request,
        child,
        form,
        "Set a task",
        lambda data: services.add_task(
            actor=request.user,
            child=child,
            title=data["title"],
            due_on=data["due_on"],
            assigned_to=User.objects.filter(pk=data["assigned_to"]).first(),
        ),
        "Task set",
    )


@requires("records.manage")
def complete_task(request, task_id: int):
    if request.method != "POST":
        raise Http404
    task = get_object_or_404(Task, pk=task_id)
    open_child_record(request.user, task.child_id, what="record.view_for_task_done")
    try:
        services.complete_task(actor=request.user, task=task)
    except ValidationError as exc:
        messages.error(request, "; ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, f"Task done: {task.title}")
    return redirect(
        request.POST.get("next") == "mine" and "records:my-tasks" or "records:case-file",
        *([] if request.POST.get("next") == "mine" else [task.child_id]),
    )


@requires("records.manage")
def log_contact(request, child_id: int):
    child = open_child_record(request.user, child_id, what="record.view_contact_form")
    form = forms.ContactForm(request.POST or None)

    def save(data):
        clock = time(*map(int, data["time"].replace(".", ":").split(":"))) if data["time"] else time(12, 0)
        when = timezone.make_aware(datetime.combine(data["occurred_on"], clock)) if data["occurred_on"] else None
        services.log_contact(
            actor=request.user,
            child=child,
            kind=data["kind"],
            with_whom=data["with_whom"],
            occurred_at=when,
            summary=data["summary"],
        )

    return _form_page(request, child, form, "Log a contact", save, "Contact logged")


@requires("records.manage")
def history(request, child_id: int):
    child = open_child_record(request.user, child_id, what="record.view_history")
    return render(
        request,
        "records/history.html",
        {"page_title": f"{child.full_name}: case history", "child": child, "rows": queries.history(child)},
    )


@requires("records.manage")
def my_tasks(request):
    tasks = queries.open_tasks(request.user).order_by("due_on", "id")
    today = timezone.localdate()
    return render(
        request,
        "records/my_tasks.html",
        {
            "page_title": "My tasks",
            "today": today,
            "rows": [{"task": t, "overdue": t.due_on < today} for t in tasks[:500]],
            "overdue": queries.overdue(tasks).count(),
            "count": tasks.count(),
        },
    )


@requires("records.manage")
def letter_pdf(request, letter_id: int):
    letter = get_object_or_404(Letter.objects.select_related("child", "request", "created_by"), pk=letter_id)
    open_child_record(request.user, letter.child_id, what="letter.view_pdf")
    try:
        document = printing.filed_pdf(letter, actor=request.user)
    except printing.pdf.PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return redirect("records:download", document.pk)


@requires("council.change_settings")
def letterhead(request):
    head = Letterhead.current()
    initial = {
        f: getattr(head, f)
        for f in ("address", "telephone", "email", "website", "service_url", "signatory_name", "signatory_role")
    }
    form = forms.LetterheadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        logo = data.pop("logo")
        try:
            if logo is not None and logo.size > services.MAX_LOGO_BYTES:
                raise ValidationError({"logo": "The logo must be smaller than 1 MB"})
            services.update_letterhead(actor=request.user, logo=(logo.name, logo.read()) if logo else None, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Letterhead saved: new letters and PDFs use it")
            return redirect("records:letterhead")
    return render(
        request,
        "records/letterhead.html",
        {"page_title": "Letterhead", "form": form, "has_logo": bool(head.logo), "error_title": bool(form.errors)},
    )


@requires("council.change_settings")
def letterhead_logo(request):
    head = Letterhead.current()
    if not head.logo:
        raise Http404
    with head.logo.open("rb") as handle:
        return HttpResponse(handle.read(), content_type=head.logo_type or "image/png")
