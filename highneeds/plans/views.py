"""Plan pages: the lists, the child's plan and versions, amendments, sending and issuing. The document and
the difference between versions are in `document_views`; section editing, media, the quality check and the advice
behind the plan in `edit_views`.

Read pages are gated by `people.open_records` and then `plans.view_plan` on the child (404 for missing and
not-permitted alike); writing pages by `plans.edit_plan` / `plans.issue_plan`.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import flows, forms, queries, rendering, services
from . import sections as S
from .models import SOURCES, Plan, PlanVersion

READ = "people.open_records"


def media_url(media) -> str:
    return reverse("plans:media", args=[media.pk])


def _staff(user) -> bool:
    return user.has_perm("plans.edit_plan")


# ---------------------------------------------------------------------------------------------------------------
# Lists and the child's plan


@requires("plans.edit_plan")
def index(request):
    versions = (
        PlanVersion.objects.filter(state__in=("editing", "sent"))
        .select_related("plan__child")
        .order_by("sent_on", "plan__child__last_name")[:200]
    )
    return render(request, "plans/index.html", {"page_title": "Plans being written", "versions": versions})


@requires(READ)
def child_plan(request, child_id: int):
    child, plan = queries.open_child_plans(request.user, child_id)
    versions = list(queries.visible_versions(request.user, plan)) if plan else []
    return render(
        request,
        "plans/child.html",
        {
            "page_title": f"{child.full_name}: EHC plan",
            "child": child,
            "plan": plan,
            "versions": versions,
            "staff": _staff(request.user),
            "editable": queries.editable_version(plan) if plan else None,
            "latest": queries.latest_issued(plan) if plan else None,
        },
    )


@requires("plans.edit_plan")
@require_POST
def start_plan(request, child_id: int):
    child, plan = queries.open_child_plans(request.user, child_id, what="plan.start")
    try:
        plan = services.create_plan(actor=request.user, child=child, source="other")
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
        return redirect("plans:child", child.pk)
    messages.success(request, "Draft plan started")
    return redirect("plans:version", plan.versions.get().pk)


@requires("plans.edit_plan")
def amend(request, plan_id: int):
    plan = Plan.objects.filter(pk=plan_id).select_related("child").first()
    if plan is None:
        raise Http404("plan")
    queries.open_child_plans(request.user, plan.child_id, what="plan.amend")
    form = forms.AmendForm(request.POST or None, initial={"started_on": date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.start_amendment(
                actor=request.user,
                plan=plan,
                source=form.cleaned_data["source"],
                started_on=form.cleaned_data["started_on"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Amendment started from the plan in force")
            return redirect("plans:version", version.pk)
    return render(
        request,
        "plans/simple_form.html",
        {
            "page_title": "Amend the plan",
            "form": form,
            "child": plan.child,
            "back": reverse("plans:child", args=[plan.child_id]),
            "button": "Start the amendment",
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Sending and issuing


@requires("plans.edit_plan")
def send(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.send")
    plan = version.plan
    if version.kind == "draft" and plan.request_id:
        messages.info(
            request, "Send a draft made in an assessment from the case page, so the statutory clock records it"
        )
        return redirect("case", plan.request_id)
    form = forms.SendForm(request.POST or None, initial={"sent_on": date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            if version.kind == "proposed_amendment":
                services.send_proposed_amendments(
                    actor=request.user, version=version, sent_on=form.cleaned_data["sent_on"]
                )
            else:
                services.send_draft(actor=request.user, version=version, sent_on=form.cleaned_data["sent_on"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Sent to the family, with a letter giving them 15 days to comment")
            return redirect("plans:version", version.pk)
    return render(
        request,
        "plans/simple_form.html",
        {
            "page_title": f"Send the {version.get_kind_display().lower()} to the family",
            "form": form,
            "child": plan.child,
            "back": reverse("plans:version", args=[version.pk]),
            "button": "Send",
            "intro": "The family will have 15 days, beginning with this date, to comment on each section, ask for a "
            "school or college to be named and ask for a meeting.",
        },
    )


@requires("plans.issue_plan")
def issue(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.issue")
    plan = version.plan
    report = rendering.quality(version)
    form = forms.IssueForm(request.POST or None, initial={"issued_on": date.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            flows.issue(actor=request.user, version=version, issued_on=d["issued_on"], establishment=d["school"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Plan issued. It can no longer be changed; amendments make a new version")
            return redirect("plans:version", version.pk)
    return render(
        request,
        "plans/issue.html",
        {
            "page_title": f"Issue {version.label}",
            "version": version,
            "child": plan.child,
            "form": form,
            "report": report,
            "error_title": bool(form.errors),
            "titles": S.TITLES,
            "comments": list(queries.contributions(version, "comment").filter(version=version)),
        },
    )


SOURCE_LABELS = SOURCES
