"""The work queue, bulk reassignment and caseloads: pages over `queue.py` (imported as `wq`)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from highneeds.web.access import requires
from highneeds.web.forms import GovukDateField, GovukForm, plain_messages

from . import queue as wq
from . import services
from .plain import STEP_LABELS


class QueueFilterForm(GovukForm):
    caseworker = forms.ChoiceField(label="Caseworker", required=False)
    status = forms.ChoiceField(label="Stage", required=False, choices=[("", "Any stage")] + wq.OPEN_STATUSES)
    rag = forms.ChoiceField(
        label="Deadline status", required=False, choices=[("", "Any")] + list(wq.RAG_LABELS.items())
    )
    name = forms.CharField(label="Child's name", required=False, max_length=100)
    received_from = GovukDateField(label="Received from", required=False)
    received_to = GovukDateField(label="Received to", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.everyone = wq.can_see_all(user)
        self.people = list(wq.caseworkers()) if self.everyone else []
        if self.everyone:
            self.fields["caseworker"].choices = [(wq.ALL, "Everyone"), (wq.UNASSIGNED, "Not assigned")] + [
                (str(u.pk), u.get_full_name() or u.username) for u in self.people
            ]
        else:
            del self.fields["caseworker"]

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "Received to must be the same as or after received from")
        return data

    def criteria(self) -> wq.QueueFilter:
        data = {}
        if self.is_bound:
            self.is_valid()  # fields that are valid still apply when another is not (its error is shown)
            data = self.cleaned_data
        whose = data.get("caseworker") or (wq.ALL if self.everyone else None)
        if whose not in (None, wq.ALL, wq.UNASSIGNED):
            whose = int(whose)
        return wq.QueueFilter(
            caseworker=whose,
            status=data.get("status", ""),
            rag=data.get("rag", ""),
            name=data.get("name", ""),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
        )


def _row(case, today: date) -> dict:
    rag = wq.rag_of(case.next_due, today)
    return {
        "case": case,
        "rag": rag,
        "rag_label": wq.RAG_LABELS[rag],
        "rag_tag": wq.RAG_TAGS[rag],
        "next_step": STEP_LABELS(case.next_step) if case.next_step else "No statutory step due",
        "days_left": wq.days_left(case.next_due, today),
    }


@requires("casework.view_queue")
def queue(request):
    today = date.today()
    form = QueueFilterForm(request.GET or None, user=request.user)
    criteria = form.criteria()
    page, counts = wq.queue_page(request.user, criteria, request.GET.get("page"), today=today)
    query = request.GET.copy()
    query.pop("page", None)
    without_rag = query.copy()
    without_rag.pop("rag", None)
    return render(
        request,
        "casework/queue.html",
        {
            "page_title": "Work queue",
            "form": form,
            "page": page,
            "rows": [_row(c, today) for c in page.object_list],
            "counts": counts,
            "query": query.urlencode(),
            "query_without_rag": without_rag.urlencode(),
            "can_reassign": request.user.has_perm("casework.reassign"),
            "caseworkers": form.people,
            "at_risk_days": wq.AT_RISK_DAYS,
            "today": today,
            "error_title": bool(form.errors),
            "rag_labels": wq.RAG_LABELS,
            "rag_tags": wq.RAG_TAGS,
        },
    )


def _back_to_queue(request) -> str:
    """The queue with the filters the manager was using (only the queue's own query string)."""
    kept = QueryDict(request.POST.get("query", ""), mutable=True)
    allowed = {
        "caseworker",
        "status",
        "rag",
        "name",
        "page",
        "received_from-day",
        "received_from-month",
        "received_from-year",
        "received_to-day",
        "received_to-month",
        "received_to-year",
    }
    for key in list(kept):
        if key not in allowed:
            del kept[key]
    return reverse("queue") + (f"?{kept.urlencode()}" if kept else "")


@requires("casework.reassign")
@require_POST
def reassign(request):
    ids = [int(v) for v in request.POST.getlist("requests") if v.isdecimal()][:500]
    to = request.POST.get("caseworker", "")
    worker = wq.caseworkers().filter(pk=int(to)).first() if to.isdecimal() else None
    if not ids:
        messages.error(request, "Select at least one request to reassign")
        return redirect(_back_to_queue(request))
    if worker is None:
        messages.error(request, "Select the caseworker to give the requests to")
        return redirect(_back_to_queue(request))
    chosen = list(wq.open_requests().filter(pk__in=ids).select_related("child"))
    try:
        moved = services.assign(actor=request.user, requests=chosen, caseworker=worker)
    except ValidationError as exc:
        messages.error(request, "; ".join(plain_messages(exc)))
        return redirect(_back_to_queue(request))
    name = worker.get_full_name() or worker.username
    messages.success(request, f"{moved} {'request' if moved == 1 else 'requests'} reassigned to {name}")
    return redirect(_back_to_queue(request))


@requires("casework.view_queue")
def caseload(request):
    rows = wq.caseloads(request.user)
    totals = wq.Caseload(caseworker=None)
    for row in rows:
        for key, n in row.by_status.items():
            totals.by_status[key] = totals.by_status.get(key, 0) + n
        for key, n in row.by_rag.items():
            totals.by_rag[key] = totals.by_rag.get(key, 0) + n
        totals.children_led += row.children_led
    everyone = wq.can_see_all(request.user)
    return render(
        request,
        "casework/queue_caseload.html",
        {
            "page_title": "Caseload by caseworker" if everyone else "Your caseload",
            "rows": rows,
            "totals": totals,
            "everyone": everyone,
            "statuses": wq.OPEN_STATUSES,
            "rag_labels": wq.RAG_LABELS,
            "at_risk_days": wq.AT_RISK_DAYS,
        },
    )
