"""Panels: the list, a new panel, a panel's page, its members, and a new meeting."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from highneeds.web.access import requires
from highneeds.web.forms import add_errors, plain_messages

from .. import forms, queries, services
from ..models import AGENCIES, PanelMember

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
        messages.error(request, plain_messages(exc)[0])
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
