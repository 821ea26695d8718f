"""The meeting page: attendance, conflicts, recommendations, removing an item and closing the meeting."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from highneeds.audit import log
from highneeds.web.access import requires
from highneeds.web.forms import add_errors, plain_messages

from .. import forms, queries, services
from ..models import AGENCIES, AgendaItem
from ._common import _case_url

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
        messages.error(request, plain_messages(exc)[0])
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
        messages.error(request, plain_messages(exc)[0])
    else:
        messages.success(request, "Meeting closed")
    return redirect("panel-meeting", meeting.pk)
