"""New records on a child (a decision notice, a complaint, a proposal to cease) and the settings page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from highneeds.letters.models import Letter
from highneeds.plans.queries import current_plan
from highneeds.web.access import requires
from highneeds.web.forms import add_errors
from highneeds.web.steps import Step

from .. import forms, services
from ..models import DisputeSettings
from ._common import _child
from .steps import _run_step

# ---------------------------------------------------------------------------------------------
# New records on a child


def _new(request, child_id: int, title: str, form_class, save: Callable, **form_kwargs):
    child = _child(request, child_id, what="dispute.view_for_edit")
    spec = Step(slug="new", title=title, form=form_class, save=save, form_kwargs=lambda _: form_kwargs)
    return _run_step(request, spec, child, child, child.full_name)


@requires("disputes.manage")
def new_notice(request, child_id: int):
    def save(u, child, d):
        letter_id = d.pop("letter", None)
        letter = Letter.objects.filter(pk=letter_id, child=child).first() if letter_id else None
        services.record_decision_notice(actor=u, child=child, letter=letter, **d)
        return "Decision notice recorded"

    letters = Letter.objects.filter(child_id=child_id, family_can_see=True).order_by("-created_at")[:50]
    return _new(
        request, child_id, "Record a notice of an appealable decision", forms.NoticeForm, save, letters=list(letters)
    )


@requires("disputes.manage")
def new_complaint(request, child_id: int):
    return _new(
        request,
        child_id,
        "Record a complaint or Ombudsman case",
        forms.ComplaintForm,
        lambda u, child, d: services.record_complaint(actor=u, child=child, **d) and "Complaint recorded",
    )


@requires("disputes.manage")
def new_cessation(request, child_id: int):
    def save(u, child, d):
        plan = current_plan(child)
        if plan is None:
            raise ValidationError({"__all__": f"{child.full_name} has no plan in force"})
        services.start_cessation(actor=u, plan=plan, **d)
        return "Cessation proposed: consult the family and the setting next"

    return _new(request, child_id, "Propose to cease the plan", forms.CessationForm, save)


@requires("disputes.manage")
def settings_page(request):
    current = DisputeSettings.current()
    form = forms.SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(actor=request.user, values=form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Settings saved")
            return redirect("disputes:overview")
    return render(request, "disputes/settings.html", {"page_title": "Disagreement time limits", "form": form})
