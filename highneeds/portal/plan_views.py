"""The family's plan pages: their child's plan and its versions, section A in their own words (with photos and
short videos), comments on each section of a sent draft within the 15 days, and the plan letters.

Gated by `portal.follow_requests` (parents and young people); the child is then checked with `plans.view_plan`
and writing with `plans.contribute`. Missing and not-yours both answer 404.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from highneeds.audit import log
from highneeds.letters.models import Letter
from highneeds.people.voice import voice_for
from highneeds.plans import forms as plan_forms
from highneeds.plans import queries as plan_queries
from highneeds.plans import services as plan_services
from highneeds.plans.edit_views import add_posted_media
from highneeds.plans.letter_templates import TEMPLATES as PLAN_LETTERS
from highneeds.plans.models import Contribution, PlanVersion
from highneeds.plans.sections import TITLES
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from .queries import FOLLOW_REQUESTS

FAMILY_LETTER_CODES = ("draft_plan", "final_plan", *PLAN_LETTERS)


def _version_for_family(user, version_id: int, what: str, *, being_written: bool = False):
    """A version the family may contribute to. Section A can be written before the draft is sent
    (`being_written`), though the rest of a draft is only shown once it has been sent."""
    if being_written:
        version = PlanVersion.objects.filter(pk=version_id).select_related("plan__child").first()
        if version is None or not user.has_perm("plans.view_plan", version.plan.child):
            raise Http404("plan")
        log.record_read(actor=user, child=version.plan.child, what=what)
    else:
        version = plan_queries.open_version(user, version_id, what=what)
    if not user.has_perm("plans.contribute", version.plan.child):
        raise Http404("plan")
    return version


@requires(FOLLOW_REQUESTS)
def plans(request):
    found = list(plan_queries.family_children_with_plans(request.user))
    return render(
        request, "portal/plans.html", {"page_title": f"{voice_for(request.user).Whose} EHC plan", "plans": found}
    )


@requires(FOLLOW_REQUESTS)
def plan(request, child_id: int):
    child, found = plan_queries.open_child_plans(request.user, child_id, what="portal.plan.view")
    today = date.today()
    versions = list(plan_queries.visible_versions(request.user, found)) if found else []
    current = plan_queries.latest_issued(found) if found else None
    # The version the family can work on now: being written, or sent and open for comments.
    working = plan_queries.editable_version(found) if found else None
    letters = Letter.objects.filter(child=child, family_can_see=True, template_code__in=FAMILY_LETTER_CODES)
    return render(
        request,
        "portal/plan.html",
        {
            "page_title": f"{voice_for(request.user, child).Whose} EHC plan",
            "child": child,
            "plan": found,
            "versions": versions,
            "current": current,
            "working": working,
            "today": today,
            "may_write_a": bool(working and plan_queries.family_may_write_a(working, today)),
            "comments_open": bool(working and plan_queries.comment_window_open(working, today)),
            "last_day": plan_queries.comment_last_day(working) if working else None,
            "comments": list(
                Contribution.objects.filter(child=child, kind__in=("comment", "section_a"))
                .select_related("version")
                .order_by("-created_at")[:50]
            )
            if found
            else [],
            "letters": list(letters[:20]),
            "titles": TITLES,
        },
    )


@requires(FOLLOW_REQUESTS)
def about_me(request, version_id: int):
    """Section A in the family's own words."""
    version = _version_for_family(request.user, version_id, "portal.plan.section_a", being_written=True)
    if not plan_queries.family_may_write_a(version, date.today()) or version.is_locked:
        messages.error(
            request,
            "The time to change section A of this plan has ended. Contact your caseworker if "
            "you want to tell us something",
        )
        return redirect("portal-plan", version.plan.child_id)
    a = version.sections.get("A", {})
    form = plan_forms.SectionAForm(
        request.POST or None, initial={k: a.get(k, "") for k in ("views", "interests", "aspirations")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.write_section_a(actor=request.user, version=version, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Thank you: section A now has your words")
            return redirect("portal-plan", version.plan.child_id)
    media = list(version.plan.media.filter(pk__in=a.get("media", [])))
    return render(
        request,
        "portal/plan_about.html",
        {
            "page_title": "Section A: in your own words",
            "form": form,
            "version": version,
            "child": version.plan.child,
            "media_form": plan_forms.MediaForm(),
            "media": media,
            "error_title": bool(form.errors),
        },
    )


@requires(FOLLOW_REQUESTS)
def add_media(request, version_id: int):
    version = _version_for_family(request.user, version_id, "portal.plan.section_a", being_written=True)
    if request.method != "POST":
        return redirect("portal-plan-about", version.pk)
    add_posted_media(request, version, success="Your photo or video has been added")
    return redirect("portal-plan-about", version.pk)


@requires(FOLLOW_REQUESTS)
def comment(request, version_id: int):
    version = _version_for_family(request.user, version_id, "portal.plan.comment")
    today = date.today()
    if not plan_queries.comment_window_open(version, today):
        last = plan_queries.comment_last_day(version)
        ended = f" The last day was {last:%-d %B %Y}." if last and today > last else ""
        return render(
            request,
            "portal/plan_comment_closed.html",
            {
                "page_title": "Comments on this plan are closed",
                "version": version,
                "child": version.plan.child,
                "ended": ended,
            },
        )
    form = plan_forms.CommentForm(request.POST or None, initial={"section": request.GET.get("section", "")})
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.comment_on_version(
                actor=request.user,
                version=version,
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Thank you: we have your comment on {TITLES[form.cleaned_data['section']].split(':')[0].lower()}",
            )
            return redirect("portal-plan", version.plan.child_id)
    return render(
        request,
        "portal/plan_comment.html",
        {
            "page_title": "Comment on the draft plan",
            "form": form,
            "version": version,
            "child": version.plan.child,
            "last_day": plan_queries.comment_last_day(version),
            "error_title": bool(form.errors),
            "mine": list(Contribution.objects.filter(version=version, kind="comment").order_by("created_at")),
            "titles": TITLES,
        },
    )


@requires(FOLLOW_REQUESTS)
def plan_letter(request, child_id: int, letter_id: int):
    child, _ = plan_queries.open_child_plans(request.user, child_id, what="portal.view_letter")
    letter = Letter.objects.filter(
        pk=letter_id, child=child, family_can_see=True, template_code__in=FAMILY_LETTER_CODES
    ).first()
    if letter is None:
        raise PermissionDenied("letter")
    return render(request, "portal/plan_letter.html", {"page_title": letter.subject, "letter": letter, "child": child})
