"""The review tracker, a child's review history, and scheduling a review from it."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from highneeds.casework.plain import STEP_LABELS
from highneeds.web.access import requires
from highneeds.web.forms import plain_messages

from .. import forms, queries, services
from ..models import PHASES
from ._common import MANAGE

# ---------------------------------------------------------------------------------------------
# The tracker


def _row(record, today: date, days: int) -> dict:
    rag = queries.rag_of(record.next_due, today, days)
    return {
        "record": record,
        "rag": rag,
        "rag_label": queries.RAG_LABELS[rag],
        "rag_tag": queries.RAG_TAGS[rag],
        "next_step": STEP_LABELS(record.next_step) if record.next_step else "Nothing statutory due",
        "days_left": None if record.next_due is None else (record.next_due - today).days,
    }


@requires("reviews.view_tracker")
def tracker(request):
    today = date.today()
    show = request.GET.get("show", "reviews")
    show = show if show in queries.SHOW else "reviews"
    chosen_list = request.GET.get("list", "")
    chosen_list = chosen_list if chosen_list in queries.REVIEW_LISTS and show == "reviews" else ""
    form = forms.TrackerFilterForm(
        request.GET if set(request.GET) - {"show", "list", "page"} else None, user=request.user
    )
    criteria = queries.TrackerFilter(show=show, list=chosen_list, **form.values())
    page, counts = queries.tracker_page(request.user, criteria, request.GET.get("page"), today=today)
    days = queries.TRANSFER_AT_RISK_DAYS if show == "transfers" else queries.AT_RISK_DAYS
    lists = {}
    if show == "reviews":  # the counts of all open reviews already hold the lists' sizes
        lists = counts if not chosen_list else queries.review_list_counts(request.user, criteria, today=today)
    query = request.GET.copy()
    query.pop("page", None)
    filters = query.copy()
    for key in ("show", "list", "rag"):
        filters.pop(key, None)
    return render(
        request,
        "reviews/tracker.html",
        {
            "page_title": "Reviews and phase transfers",
            "form": form,
            "page": page,
            "counts": counts,
            "show": show,
            "shows": queries.SHOW,
            "list": chosen_list,
            "lists": queries.REVIEW_LISTS,
            "list_counts": lists,
            "rows": [_row(r, today, days) for r in page.object_list],
            "query": query.urlencode(),
            "filters": filters.urlencode(),
            "rag_labels": queries.RAG_LABELS,
            "days": days,
            "today": today,
            "transfer_on": queries.next_transfer_date(today),
            "phases": PHASES,
            "error_title": bool(form.errors),
        },
    )


@requires("reviews.view_tracker")
def child_history(request, child_id: int):
    history = queries.child_history(request.user, child_id)
    return render(
        request,
        "reviews/child.html",
        {
            "page_title": f"{history['child'].full_name}: reviews",
            **history,
            "today": date.today(),
        },
    )


@requires(MANAGE)
@require_POST
def schedule(request, child_id: int):
    history = queries.child_history(request.user, child_id)
    if history["plan"] is None:
        raise Http404("plan")
    try:
        review = services.schedule_review(actor=request.user, plan=history["plan"])
    except ValidationError as exc:
        messages.error(request, "; ".join(plain_messages(exc)))
        return redirect("reviews:child", child_id)
    messages.success(request, "Review opened")
    return redirect("reviews:review", review.pk)
