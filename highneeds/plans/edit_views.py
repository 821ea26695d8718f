"""Plan pages for writing a version: section editing, pictures and video, the quality check and the advice behind the plan.

Gated by `plans.edit_plan`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import forms, queries, rendering, services
from . import sections as S
from .models import Contribution
from .views import media_url

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
