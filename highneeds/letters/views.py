from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from highneeds.web.access import requires
from highneeds.web.forms import GovukForm, add_errors

from . import services
from .defaults import DEFAULT_TEMPLATES
from .fields import FIELDS, listing
from .models import LetterTemplateVersion
from .rendering import broken, template_for


class TemplateForm(GovukForm):
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(label="Letter", widget=forms.Textarea, max_length=20000)


@requires("letters.edit_templates")
def template_list(request):
    templates = [
        {"code": t.code, "name": t.name, "edited_on": t.updated_at if t.pk else None, "problem": broken(t.code)}
        for t in (template_for(code) for code in DEFAULT_TEMPLATES)
    ]
    return render(request, "letters/list.html", {"page_title": "Letters and notices", "templates": templates})


def _history(code: str) -> list[dict]:
    return [
        {
            "id": v.pk,
            "saved_at": v.saved_at,
            "subject": v.subject,
            "body": v.body,
            "by": (v.saved_by.get_full_name() or v.saved_by.username) if v.saved_by else "System",
            "restored": bool(v.restored_from_id),
        }
        for v in LetterTemplateVersion.objects.filter(code=code).select_related("saved_by")[:50]
    ]


@requires("letters.edit_templates")
def template_edit(request, code: str):
    """Edit a template. "Preview" fills in the text as typed with a synthetic child, without saving."""
    if code not in DEFAULT_TEMPLATES:
        raise Http404
    template = template_for(code)
    problem = broken(code)
    form = TemplateForm(request.POST or None, initial={"subject": template.subject, "body": template.body})
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            if "preview" in request.POST:
                preview = services.preview_template(actor=request.user, code=code, **form.cleaned_data)
            else:
                services.save_template(actor=request.user, code=code, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if preview is None:
                messages.success(request, f"'{template.name}' saved: new letters will use it")
                return redirect("letter-templates")
    return render(
        request,
        "letters/edit.html",
        {
            "page_title": f"Edit: {template.name}",
            "form": form,
            "template": {"code": code, "name": template.name},
            "fields": listing(FIELDS[code]),
            "preview": {"subject": preview[0], "body": preview[1]} if preview else None,
            "history": _history(code),
            "problem": problem,
            "error_title": bool(form.errors),
        },
    )


@requires("letters.edit_templates")
def template_restore(request, code: str):
    """POST only: make an earlier version (or the text as supplied) the one in use."""
    if code not in DEFAULT_TEMPLATES or request.method != "POST":
        raise Http404
    version = request.POST.get("version", "")
    if version == "supplied":
        version_id = None
    elif (
        version.isdecimal()
        and len(version) < 18
        and LetterTemplateVersion.objects.filter(code=code, pk=int(version)).exists()
    ):
        version_id = int(version)
    else:  # another template's version, or nonsense
        raise Http404
    try:
        services.restore_version(actor=request.user, code=code, version_id=version_id)
    except ValidationError as exc:
        messages.error(request, "; ".join(m for ms in exc.message_dict.values() for m in ms))
        return redirect("letter-template", code)
    messages.success(request, "Restored: new letters will use this version")
    return redirect("letter-template", code)
