"""The agenda (adding cases to a meeting) and the council's decision on an item after the panel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse

from highneeds.casework.models import AssessmentRequest
from highneeds.web.access import requires
from highneeds.web.forms import add_errors, plain_messages

from .. import flows, forms, queries, services
from ._common import _REFERENCE, _case_url

# ---------------------------------------------------------------------------------------------
# The agenda


@requires("panels.manage")
def agenda_add(request, meeting_id: int):
    meeting = queries.get_meeting(request.user, meeting_id)
    panel = meeting.panel
    if request.method == "POST":
        chosen = request.POST.get("request", "")
        case = (
            AssessmentRequest.objects.select_related("child").filter(pk=int(chosen)).first()
            if chosen.isdecimal()
            else None
        )
        try:
            if case is None:
                raise ValidationError({"request": "Choose a request from the list"})
            services.add_to_agenda(
                actor=request.user, meeting=meeting, request=case, summary=request.POST.get("summary", "")[:2000]
            )
        except ValidationError as exc:
            messages.error(request, plain_messages(exc)[0])
        else:
            messages.success(request, f"{case.child.full_name} ({case.reference}) added to the agenda")
        return redirect(reverse("panel-agenda-add", args=[meeting.pk]) + "?" + request.GET.urlencode())
    form = forms.AgendaSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        text = form.cleaned_data["q"].strip()
        found = queries.eligible_requests(panel).exclude(agenda_items__meeting=meeting)
        match = _REFERENCE.match(text)
        if match:
            found = found.filter(pk=int(match.group(2)), received_on__year=int(match.group(1)))
        else:
            for word in text.split()[:4]:
                found = found.filter(
                    Q(child__first_name__istartswith=word)
                    | Q(child__last_name__istartswith=word)
                    | Q(child__preferred_name__istartswith=word)
                )
        results = list(found.order_by("next_due", "received_on")[:50])
    stages = [dict(AssessmentRequest.STATUSES)[s].lower() for s in queries.STAGES[panel.panel_type]]
    return render(
        request,
        "panels/agenda_add.html",
        {
            "page_title": "Add cases to the agenda",
            "meeting": meeting,
            "panel": panel,
            "form": form,
            "results": results,
            "stages": stages,
            "question": queries.QUESTIONS[panel.panel_type],
            "agenda": list(meeting.items.select_related("request__child")),
        },
    )


# ---------------------------------------------------------------------------------------------
# The council's decision


@requires("casework.manage")
def decision(request, item_id: int):
    item = queries.get_item(request.user, item_id)
    panel = item.meeting.panel
    rec = queries.recommendation_of(item)
    kind = queries.DECISION_KIND.get(panel.panel_type)
    if rec is None or kind is None:
        raise PermissionDenied("No recommendation to decide on")
    existing = queries.decision_for(item)
    if existing is not None:
        messages.info(request, "The council's decision on this case has already been recorded")
        return redirect(reverse("panel-meeting", args=[item.meeting_id]) + f"#item-{item.pk}")
    form = forms.DecisionForm(request.POST or None, kind=kind, recommendation=rec)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            flows.record_council_decision(
                actor=request.user,
                item=item,
                outcome=d["outcome"] == "yes",
                decided_on=d["decided_on"],
                reasons=d["reasons"],
                departure_reasons=d["departure_reasons"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"The council's decision on {item.request.reference} is recorded")
            return redirect(reverse("panel-meeting", args=[item.meeting_id]) + f"#item-{item.pk}")
    return render(
        request,
        "panels/decision.html",
        {
            "page_title": "Record the council's decision",
            "item": item,
            "panel": panel,
            "recommendation": rec,
            "child": item.request.child,
            "form": form,
            "error_title": bool(form.errors),
            "case_url": _case_url(item.request_id),
        },
    )
