"""The family's pages: their child's reviews and their contribution before the meeting."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from highneeds.people.voice import voice_for
from highneeds.plans.queries import comment_last_day, comment_window_open
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from .. import forms, queries, services
from ..models import AnnualReview
from ._common import _version_url

# ---------------------------------------------------------------------------------------------
# The family


def _family_stage(review: AnnualReview) -> str:
    if review.decision == "amend" and review.stage == "amending":
        return "We have proposed changes to the plan: tell us what you think"
    if review.decision:
        return {
            "maintain": "Decided: the plan stays as it is",
            "amend": "Decided: the plan has been amended",
            "cease": "Decided: we propose to stop the plan",
        }[review.decision]
    if review.held_on:
        return "The meeting has taken place: we are deciding what happens next"
    if review.meeting_on:
        return "The review meeting is arranged"
    # Not "due": the date above may be months away.
    return "The meeting is not arranged yet: you will be invited at least 2 weeks before it"


@requires(queries.FAMILY)
def family_reviews(request):
    """Per child: the review under way, then each past review with its meeting, decision and date of decision."""
    children: dict[int, dict] = {}
    for r in queries.family_reviews(request.user):
        entry = children.setdefault(
            r.child_id, {"child": r.child, "voice": voice_for(request.user, r.child), "current": [], "past": []}
        )
        entry["current" if r.is_open else "past"].append({"review": r, "stage": _family_stage(r)})
    return render(
        request,
        "reviews/family_list.html",
        {
            "page_title": voice_for(request.user).says("Your annual reviews", "Annual reviews"),
            "children": list(children.values()),
        },
    )


@requires(queries.FAMILY)
def family_review(request, review_id: int):
    review = queries.open_family_review(request.user, review_id)
    version = review.amendment
    today = date.today()
    letters = [review.decision_letter] if review.decision_letter and review.decision_letter.family_can_see else []
    return render(
        request,
        "reviews/family_review.html",
        {
            "page_title": f"{voice_for(request.user, review.child).Whose} annual review",
            "review": review,
            "child": review.child,
            "stage": _family_stage(review),
            "letters": letters,
            "version": version,
            "version_url": _version_url(version),
            "last_day": comment_last_day(version) if version else None,
            "window_open": bool(version and comment_window_open(version, today)),
            "can_contribute": review.stage in ("due", "arranged")
            and request.user.has_perm("reviews.contribute", review.child),
            "contributions": list(review.contributions.filter(author=request.user)),
            "cease_reason": queries.cease_reasons().get(review.cease_reason, ""),
        },
    )


@requires("people.open_records")
def contribute(request, review_id: int):
    """Views before the meeting: the family, the setting or an invited professional (reviews.contribute)."""
    review = queries.open_review_to_contribute(request.user, review_id)
    form = forms.ContributionForm(request.POST or None)
    back = (
        reverse("reviews:family-review", args=[review.pk]) if request.user.has_perm(queries.FAMILY) else reverse("home")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contribute(actor=request.user, review=review, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Thank you: your views will be shared at the review meeting")
            return redirect(back)
    return render(
        request,
        "reviews/contribute.html",
        {
            "page_title": f"Your views for {voice_for(request.user, review.child).whose} annual review",
            "form": form,
            "review": review,
            "back": back,
            "error_title": bool(form.errors),
        },
    )
