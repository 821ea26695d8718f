"""Panel pages: panels and members, meetings with their agendas, attendance, conflicts and recommendations,
the council's decision on a recommended case, the panel pack and the outcomes report.

Every page works without JavaScript: each action is an ordinary form that posts and comes back to the page.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from highneeds.audit import log
from highneeds.casework.models import AssessmentRequest
from highneeds.insight import disclosure
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import flows, forms, queries, reports, services
from .models import AGENCIES, AgendaItem, PanelMember

_REFERENCE = re.compile(r"^\s*EHC-(\d{4})-0*(\d+)\s*$", re.I)


def _case_url(request_id: int) -> str | None:
    try:
        return reverse("case", args=[request_id])
    except NoReverseMatch:  # the casework pages are optional here
        return None


# ---------------------------------------------------------------------------------------------
# Panels


@requires("panels.view")
def panel_list(request):
    panels = (
        queries.visible_panels(request.user)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True), distinct=True))
        .order_by("-is_active", "name")
    )
    meetings = queries.visible_meetings(request.user).annotate(item_count=Count("items"))
    today = date.today()
    return render(
        request,
        "panels/list.html",
        {
            "page_title": "Panels",
            "panels": list(panels),
            "upcoming": list(meetings.filter(meets_on__gte=today).order_by("meets_on")[:20]),
            "recent": list(meetings.filter(meets_on__lt=today).order_by("-meets_on")[:10]),
            "can_manage": queries.may_manage(request.user),
            "can_report": request.user.has_perm("insight.view_aggregates"),
        },
    )


@requires("panels.manage")
def panel_create(request):
    form = forms.PanelForm(request.POST or None, initial={"quorum": 3})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            panel = services.create_panel(
                actor=request.user,
                name=d["name"],
                panel_type=d["panel_type"],
                quorum=d["quorum"],
                quorum_agencies=d["quorum_agencies"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{panel.name} set up. Now add its members.")
            return redirect("panel", panel.pk)
    return render(
        request,
        "panels/panel_form.html",
        {"page_title": "Set up a panel", "form": form, "agencies": AGENCIES, "error_title": bool(form.errors)},
    )


@requires("panels.view")
def panel_detail(request, panel_id: int):
    panel = queries.get_panel(request.user, panel_id)
    members = list(panel.members.select_related("user").order_by("-is_active", "agency", "user__last_name"))
    return render(
        request,
        "panels/panel.html",
        {
            "page_title": panel.name,
            "panel": panel,
            "members": [m for m in members if m.is_active],
            "former": [m for m in members if not m.is_active],
            "meetings": list(panel.meetings.annotate(item_count=Count("items")).order_by("-meets_on")[:30]),
            "can_manage": queries.may_manage(request.user),
            "agencies": AGENCIES,
        },
    )


@requires("panels.manage")
def member_add(request, panel_id: int):
    panel = queries.get_panel(request.user, panel_id)
    form = forms.MemberForm(request.POST or None, panel=panel)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = form.people.get(d["user"])
        try:
            if user is None:
                raise ValidationError({"user": "Choose a person from the list"})
            member = services.add_member(
                actor=request.user, panel=panel, user=user, agency=d["agency"], is_chair=d["is_chair"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{member} added to the panel")
            return redirect("panel", panel.pk)
    return render(
        request,
        "panels/simple_form.html",
        {
            "page_title": "Add a member",
            "caption": panel.name,
            "form": form,
            "back": reverse("panel", args=[panel.pk]),
            "button": "Add member",
            "error_title": bool(form.errors),
            "intro": "Members see the records of the children on this panel's agendas until the meeting is closed "
            "(at the latest the end of the meeting day), and not a child on whose case they declare a conflict "
            "of interest.",
        },
    )


@requires("panels.manage")
@require_POST
def member_remove(request, member_id: int):
    member = PanelMember.objects.select_related("panel", "user").filter(pk=member_id).first()
    if member is None:
        raise PermissionDenied("panels.manage")
    try:
        services.remove_member(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        name = member.user.get_full_name() or member.user.username
        messages.success(request, f"{name} has stood down from the panel")
    return redirect("panel", member.panel_id)


@requires("panels.manage")
def meeting_create(request, panel_id: int):
    panel = queries.get_panel(request.user, panel_id)
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(
                actor=request.user,
                panel=panel,
                meets_on=form.cleaned_data["meets_on"],
                location=form.cleaned_data["location"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"Meeting on {meeting.meets_on:%-d %B %Y} scheduled. Now add cases to its agenda."
            )
            return redirect("panel-meeting", meeting.pk)
    return render(
        request,
        "panels/simple_form.html",
        {
            "page_title": "Schedule a meeting",
            "caption": panel.name,
            "form": form,
            "back": reverse("panel", args=[panel.pk]),
            "button": "Schedule meeting",
            "error_title": bool(form.errors),
        },
    )


# ---------------------------------------------------------------------------------------------
# The meeting page


def _audit_meeting_read(user, meeting, items, action: str) -> None:
    """Who saw which children's names and details through a panel (one event per child, for access logs)."""
    entries = [
        log.Entry(
            action=action,
            object_type="panels.panelmeeting",
            object_id=str(meeting.pk),
            child_id=item.request.child_id,
            after={"meeting": meeting.pk, "item": item.pk},
        )
        for item in items
    ] or [log.Entry(action=action, object_type="panels.panelmeeting", object_id=str(meeting.pk))]
    log.record_many(actor=user, entries=entries)


def _meeting_context(request, meeting, *, bound: dict | None = None) -> dict:
    bound = bound or {}
    user = request.user
    panel = meeting.panel
    members = list(panel.members.filter(is_active=True).select_related("user").order_by("agency", "user__last_name"))
    present = list(meeting.present.filter(is_active=True).select_related("user"))
    present_ids = {m.pk for m in present}
    me = queries.membership(user, panel)
    can_act = queries.may_act(user, meeting) and not meeting.closed
    casework = queries.is_casework(user)
    chair = bool(me and me.is_chair)
    happened = meeting.meets_on <= date.today()
    items = list(meeting.items.select_related("request__child").prefetch_related("conflicts__member__user"))
    rows = []
    for item in items:
        rec = queries.recommendation_of(item)
        decision = queries.decision_for(item)
        conflicts = list(item.conflicts.all())
        conflicted_ids = {c.member_id for c in conflicts}
        quorum = queries.quorum_for(item, present=present)
        may_record = (
            can_act
            and happened
            and rec is None
            and (casework or (me is not None and me.pk in present_ids and me.pk not in conflicted_ids))
        )
        declarable = members if (casework or chair) else ([me] if me else [])
        declarable = [m for m in declarable if m.pk not in conflicted_ids]
        rows.append(
            {
                "item": item,
                "request": item.request,
                "child": item.request.child,
                "question": item.summary or queries.QUESTIONS[panel.panel_type],
                "quorum": quorum,
                "conflicts": conflicts,
                "recommendation": rec,
                "quorate_members": [m for m in members if rec and m.pk in rec.quorate_members] if rec else [],
                "decision": decision,
                "departs": queries.departs(rec, decision),
                "rec_form": bound.get(("rec", item.pk))
                or (forms.RecommendationForm(panel=panel, prefix=f"item{item.pk}") if may_record else None),
                "conflict_form": bound.get(("conflict", item.pk))
                or (
                    forms.ConflictForm(members=declarable, prefix=f"conflict{item.pk}")
                    if can_act and rec is None and declarable
                    else None
                ),
                "can_decide": (
                    rec is not None
                    and decision is None
                    and user.has_perm("casework.manage")
                    and panel.panel_type in queries.DECISION_KIND
                    and item.request.status in queries.STAGES[panel.panel_type]
                ),
                "case_url": _case_url(item.request_id) if user.has_perm("casework.manage") else None,
                "can_remove": queries.may_manage(user) and rec is None and not meeting.closed,
            }
        )
    attendance = bound.get("attendance") or (
        forms.AttendanceForm(members=members, prefix="attendance", initial={"present": sorted(present_ids)})
        if can_act and happened
        else None
    )
    error_forms = [f for f in bound.values() if f is not None and f.errors]
    return {
        "page_title": f"{panel.name}, {meeting.meets_on:%-d %B %Y}",
        "meeting": meeting,
        "panel": panel,
        "members": members,
        "present_ids": present_ids,
        "attendance": attendance,
        "rows": rows,
        "happened": happened,
        "can_manage": queries.may_manage(user),
        "error_forms": error_forms,
        "error_title": bool(error_forms),
        "agencies": AGENCIES,
    }


@requires("panels.view")
def meeting_detail(request, meeting_id: int):
    meeting = queries.get_meeting(request.user, meeting_id)
    context = _meeting_context(request, meeting)
    _audit_meeting_read(request.user, meeting, [r["item"] for r in context["rows"]], "panel.meeting.view")
    return render(request, "panels/meeting.html", context)


def _meeting_with_errors(request, meeting, key, form):
    return render(request, "panels/meeting.html", _meeting_context(request, meeting, bound={key: form}))


@requires("panels.record_recommendation")
@require_POST
def attendance(request, meeting_id: int):
    meeting = queries.get_meeting(request.user, meeting_id)
    if not queries.may_act(request.user, meeting):
        raise PermissionDenied("panels.record_recommendation")
    members = list(meeting.panel.members.filter(is_active=True).select_related("user"))
    form = forms.AttendanceForm(request.POST, members=members, prefix="attendance")
    if form.is_valid():
        chosen = [m for m in members if m.pk in set(form.cleaned_data["present"])]
        try:
            services.record_attendance(actor=request.user, meeting=meeting, present=chosen)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Attendance saved: {len(chosen)} present")
            return redirect(reverse("panel-meeting", args=[meeting.pk]) + "#attendance")
    return _meeting_with_errors(request, meeting, "attendance", form)


def _item_for_action(request, item_id: int) -> AgendaItem:
    item = queries.get_item(request.user, item_id)
    if not queries.may_act(request.user, item.meeting):
        raise PermissionDenied("panels.record_recommendation")
    return item


@requires("panels.record_recommendation")
@require_POST
def conflict(request, item_id: int):
    item = _item_for_action(request, item_id)
    members = list(item.meeting.panel.members.filter(is_active=True).select_related("user"))
    form = forms.ConflictForm(request.POST, members=members, prefix=f"conflict{item.pk}")
    if form.is_valid():
        member = next(m for m in members if m.pk == form.cleaned_data["member"])
        try:
            services.declare_conflict(actor=request.user, item=item, member=member, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Conflict of interest recorded for {member}")
            return redirect(reverse("panel-meeting", args=[item.meeting_id]) + f"#item-{item.pk}")
    return _meeting_with_errors(request, item.meeting, ("conflict", item.pk), form)


@requires("panels.record_recommendation")
@require_POST
def recommendation(request, item_id: int):
    item = _item_for_action(request, item_id)
    form = forms.RecommendationForm(request.POST, panel=item.meeting.panel, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            services.record_recommendation(
                actor=request.user,
                item=item,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Recommendation recorded for {item.request.reference}")
            return redirect(reverse("panel-meeting", args=[item.meeting_id]) + f"#item-{item.pk}")
    return _meeting_with_errors(request, item.meeting, ("rec", item.pk), form)


@requires("panels.manage")
@require_POST
def item_remove(request, item_id: int):
    item = queries.get_item(request.user, item_id)
    reference = item.request.reference
    try:
        services.remove_from_agenda(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{reference} taken off the agenda")
    return redirect("panel-meeting", item.meeting_id)


@requires("panels.manage")
@require_POST
def meeting_close(request, meeting_id: int):
    meeting = queries.get_meeting(request.user, meeting_id)
    try:
        services.close_meeting(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Meeting closed")
    return redirect("panel-meeting", meeting.pk)


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
            if chosen.isdigit()
            else None
        )
        try:
            if case is None:
                raise ValidationError({"request": "Choose a request from the list"})
            services.add_to_agenda(
                actor=request.user, meeting=meeting, request=case, summary=request.POST.get("summary", "")[:2000]
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
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
    form = forms.DecisionForm(request.POST or None, kind=kind)
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


# ---------------------------------------------------------------------------------------------
# The panel pack


@requires("panels.view")
def pack(request, meeting_id: int):
    from . import pack as packs

    meeting = queries.get_meeting(request.user, meeting_id)
    if not queries.is_casework(request.user) and (queries.access_ends(meeting) < date.today() or meeting.closed):
        # Members' invitations to these children have lapsed, and so has their copy of the papers.
        raise PermissionDenied("The panel pack is no longer available to members")
    # A member's pack holds only the cases whose child they may still see (not one they declared a conflict on).
    items = [
        item
        for item in meeting.items.select_related("request__child")
        if request.user.has_perm("people.view_child", item.request.child)
    ]
    try:
        pdf = packs.render_pack(meeting, items=items)
    except packs.PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    _audit_meeting_read(request.user, meeting, items, "panel.pack.download")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="panel-pack-{meeting.meets_on:%Y-%m-%d}-{meeting.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Outcomes


@requires("insight.view_aggregates")
def outcomes(request):
    today = date.today()
    date_from, date_to, period = (today - timedelta(days=365)).replace(day=1), today, "month"
    form = forms.OutcomesForm(
        request.GET or None, initial={"date_from": date_from, "date_to": date_to, "period": period}
    )
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
        period = form.cleaned_data["period"] or period
    # Readers who may not open every record get protected counts over whole quarters, as on the area figures.
    policy = disclosure.policy_for(request.user)
    date_from, date_to = disclosure.period_for(policy, date_from, date_to)
    report = reports.outcomes(date_from=date_from, date_to=date_to, period=period, policy=policy)
    return render(
        request,
        "panels/outcomes.html",
        {
            "page_title": "Panel outcomes",
            "form": form,
            "report": report,
            "error_title": bool(form.errors),
            "chart": reports.bar_chart(report.shown_totals, title="Recommendations by outcome"),
        },
    )
