"""Plan pages: the child's plan and versions, the document (HTML, PDF, easy-read profile), section editing,
the quality check, sending, issuing, amendments, the advice behind the plan and the difference between versions.

Read pages are gated by `people.open_records` and then `plans.view_plan` on the child (404 for missing and
not-permitted alike); writing pages by `plans.edit_plan` / `plans.issue_plan`.
"""

from __future__ import annotations

from datetime import date

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from highneeds.engine import planquality
from highneeds.jobs.queue import enqueue_once
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import flows, forms, queries, rendering, services, tasks
from . import sections as S
from .models import SOURCES, Contribution, Plan, PlanVersion

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
# The document


@requires(READ)
def version_page(request, version_id: int):
    version = queries.open_version(request.user, version_id)
    context = rendering.document_context(version, media_url=media_url)
    others = [v for v in queries.visible_versions(request.user, version.plan) if v.pk != version.pk]
    staff = _staff(request.user)
    return render(
        request,
        "plans/version.html",
        {
            **context,
            "page_title": f"{version.plan.child.full_name}: {version.label}",
            "others": others,
            "staff": staff,
            "sections_editable": S.EDITABLE,
            "comments": list(queries.contributions(version, "comment").filter(version=version)) if staff else [],
        },
    )


def _pdf_response(request, kind: str, version, filename: str) -> HttpResponse:
    """An issued version's PDF is rendered once by a task and kept; one being written is rendered each time."""
    if version.is_locked:
        kept = tasks.kept_pdf(version, kind)
        if kept is None:
            job = enqueue_once(tasks.render_plan_pdf, version.pk, kind, requested_by=request.user.pk)
            return redirect("job-status", job_id=job.id)
        pdf = bytes(kept.content)
    else:
        try:
            pdf = tasks.KINDS[kind][0](version)
        except rendering.PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@requires(READ)
def version_pdf(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.download")
    return _pdf_response(request, "plan", version, f"ehc-plan-{version.plan_id}-v{version.number}.pdf")


@requires(READ)
@csp_update({"style-src": [UNSAFE_INLINE]})  # a standalone print page whose <style> is rendered without a request
def profile(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.profile")
    return HttpResponse(rendering.render_profile(version))


@requires(READ)
def profile_pdf(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.profile")
    return _pdf_response(request, "profile", version, f"one-page-profile-{version.plan_id}.pdf")


@requires(READ)
def media_file(request, media_id: int):
    media = queries.open_media(request.user, media_id)
    storage, name = storages["default"], queries.media_name(media.stored_name)
    if not storage.exists(name):
        raise Http404("media")
    response = FileResponse(storage.open(name, "rb"), content_type=media.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@requires(READ)
def compare(request, a: int, b: int):
    old = queries.open_version(request.user, a, what="plan.compare")
    new = queries.open_version(request.user, b, what="plan.compare")
    if old.plan_id != new.plan_id:
        raise Http404("plan")
    if old.number > new.number:
        old, new = new, old
    changes = planquality.diff(old.sections or {}, new.sections or {}, labels=S.FIELD_LABELS)
    return render(
        request,
        "plans/compare.html",
        {
            "page_title": f"What changed: {old.label} and {new.label}",
            "old": old,
            "new": new,
            "changed": [d for d in changes if d.changes],
            "unchanged": [d for d in changes if not d.changes],
            "child": old.plan.child,
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Editing


def _items_from_post(post, section: str) -> list[dict]:
    _, fields = S.ITEM_FIELDS[section]
    items = []
    for item_id in post.getlist("item"):
        item = {"id": item_id}
        for key in fields:
            item[key] = post.getlist(f"{item_id}-{key}") if key in S.LIST_KEYS else post.get(f"{item_id}-{key}", "")
        items.append(item)
    return items


@requires("plans.edit_plan")
def edit_section(request, version_id: int, section: str):
    version = queries.open_version(request.user, version_id, what="plan.edit")
    if section not in S.EDITABLE:
        raise Http404("section")
    back = reverse("plans:version", args=[version.pk]) + f"#sec-{section}"
    if version.is_locked:
        messages.error(request, "This version has been issued and cannot be changed. Start an amendment instead")
        return redirect(back)
    context = {
        "version": version,
        "child": version.plan.child,
        "section": section,
        "title": S.TITLES[section],
        "back": back,
        "page_title": f"Edit {S.TITLES[section].lower()}",
    }
    if section in S.ITEM_FIELDS:
        key, fields = S.ITEM_FIELDS[section]
        items = version.sections.get(section, {}).get(key, [])
        errors: dict[str, str] = {}
        if request.method == "POST":
            items = _items_from_post(request.POST, section)
            if request.POST.get("action") == "add":
                items.append(S.blank_item(section))
            removing = request.POST.get("remove")
            items = [i for i in items if i["id"] != removing]
            try:
                services.save_items(actor=request.user, version=version, section=section, items=items)
            except ValidationError as exc:
                errors = {k: v[0] for k, v in exc.message_dict.items()}
            else:
                if request.POST.get("action") == "save":
                    messages.success(request, f"{S.TITLES[section]} saved")
                    return redirect(back)
                return redirect(
                    request.path + ("#" + items[-1]["id"] if request.POST.get("action") == "add" and items else "")
                )
        return render(
            request,
            "plans/edit_items.html",
            {
                **context,
                "items": items,
                "fields": fields,
                "errors": errors,
                "area_options": {"": "Choose an area", **S.AREAS},
                "code_options": {"": "Choose a code", **S.PLAN_NEED_CODES},
                "adulthood": S.ADULTHOOD_AREAS,
                "error_title": bool(errors),
                "needs": version.sections.get("B", {}).get("needs", []),
                "outcomes": version.sections.get("E", {}).get("outcomes", []),
                "ncy": version.plan.child.year_group(),
                "need_label": S.need_label,
                "s": version.sections,
            },
        )
    current = version.sections.get(section, {})
    form = forms.text_section_form(
        section, request.POST or None, initial={k: current.get(k, "") for k in S.TEXT_FIELDS[section]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_section(actor=request.user, version=version, section=section, data=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{S.TITLES[section]} saved")
            return redirect(back)
    media = list(version.plan.media.filter(pk__in=current.get("media", []))) if section == "A" else []
    return render(
        request,
        "plans/edit_text.html",
        {
            **context,
            "form": form,
            "error_title": bool(form.errors),
            "media_form": forms.MediaForm() if section == "A" else None,
            "media": media,
            "media_url": media_url,
            "draft_i": section == "I" and version.kind == "draft",
        },
    )


@requires("plans.edit_plan")
@require_POST
def upload_media(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.edit")
    add_posted_media(request, version, success="Photo or video added to section A")
    return redirect("plans:edit", version.pk, "A")


def add_posted_media(request, version, *, success: str) -> None:
    """Add the photo or video posted with MediaForm to section A of a version, flashing `success` or the errors.
    Used by the caseworker's section A page and the family's."""
    form = forms.MediaForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_media(
                actor=request.user,
                version=version,
                upload=form.cleaned_data["upload"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
    if form.errors:
        messages.error(request, " ".join(e for es in form.errors.values() for e in es))
    else:
        messages.success(request, success)


@requires("plans.edit_plan")
def quality(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.quality")
    return render(
        request,
        "plans/quality.html",
        {
            "page_title": f"Quality check: {version.label}",
            "version": version,
            "child": version.plan.child,
            "report": rendering.quality(version),
            "titles": S.TITLES,
        },
    )


@requires("plans.edit_plan")
def advice(request, version_id: int):
    """The advice behind the plan (section K), with each part offered for copying into its section, and who
    in the family said what."""
    version = queries.open_version(request.user, version_id, what="plan.advice")
    if request.method == "POST":
        contribution = Contribution.objects.filter(
            pk=request.POST.get("contribution"), child=version.plan.child_id
        ).first()
        if contribution is None:
            raise Http404("advice")
        try:
            services.copy_advice(
                actor=request.user, version=version, contribution=contribution, part=request.POST.get("part", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
        else:
            messages.success(request, "Copied into the plan. Edit the section to make it specific")
        return redirect("plans:advice", version.pk)
    return render(
        request,
        "plans/advice.html",
        {
            "page_title": f"Advice and contributions: {version.plan.child.full_name}",
            "version": version,
            "child": version.plan.child,
            "advice": queries.advice_for(version.plan),
            "parts": services.ADVICE_PARTS,
            "family": list(queries.contributions(version).exclude(kind="advice").order_by("-created_at")),
            "titles": S.TITLES,
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
