from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from highneeds.audit import labels
from highneeds.audit.models import AuditEvent
from highneeds.council.models import CouncilSettings
from highneeds.engine import codes
from highneeds.establishments.models import Establishment
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import queries, services
from .forms import ChildForm, ChildSearchForm, FlagForm, ParentForm, PlacementForm, SenStatusForm

PAGE_SIZE = 25
_UPN = re.compile(r"^[A-Za-z]\d{11}[0-9A-Za-z]$")


@requires("people.search_children")
def search(request):
    setting_ids = (
        queries.visible_children(request.user)
        .filter(placements__end_date__isnull=True)
        .values("placements__establishment")
    )
    form = ChildSearchForm(
        request.GET or None, establishments=Establishment.objects.filter(pk__in=setting_ids).order_by("name")
    )
    page = None
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"].strip()
        criteria = queries.ChildSearch(
            name="" if _UPN.match(text) else text,
            upn=text if _UPN.match(text) else "",
            date_of_birth=form.cleaned_data["date_of_birth"],
            establishment_id=form.cleaned_data["establishment"],
            sen_status=form.cleaned_data["sen_status"],
        )
        if not criteria.is_empty:
            found = queries.search_children(request.user, criteria)
            page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    settings_by_child = queries.current_settings(list(page.object_list)) if page else {}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/search.html",
        {
            "page_title": "Find a child or young person",
            "form": form,
            "page": page,
            "settings_by_child": settings_by_child,
            "query": query.urlencode(),
            "error_title": bool(form.errors),
        },
    )


@requires("people.open_records")
def record(request, child_id: int):
    child = queries.open_child_record(request.user, child_id)
    return render(
        request,
        "people/record.html",
        {
            "page_title": child.full_name,
            "child": child,
            "needs": list(child.needs.all()),
            "placements": list(child.placements.select_related("establishment")),
            "flags": list(queries.flags_for(request.user, child)),
            "nhs_number": queries.nhs_number_for(request.user, child),
            "show_nhs_number": request.user.has_perm("people.view_nhs_number", child),
            "parents": list(child.parents.all()),
            "timeline": queries.timeline(child, request.user),
            "requests": list(child.requests.all()),
            "codes": codes,
            "can_edit": request.user.has_perm("people.change_child", child),
            "can_see_access_log": request.user.has_perm("people.view_child_audit", child),
        },
    )


@requires("people.view_child_audit")
def access_log(request, child_id: int):
    child = queries.open_child_record(request.user, child_id, what="child.view_access_log")
    events = AuditEvent.objects.filter(child_id=child.pk).order_by("-seq")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/access_log.html",
        {
            "page_title": f"Who has seen or changed {child.full_name}'s record",
            "child": child,
            "page": page,
            "rows": labels.describe(page.object_list),
        },
    )


@requires("people.change_child")
def create(request):
    form = ChildForm(request.POST or None, initial={"responsible_la": _council_la()})
    if request.method == "POST" and form.is_valid():
        child = _save(form, lambda data: services.create_child(actor=request.user, data=data))
        if child:
            messages.success(request, f"Record created for {child.full_name}")
            return redirect("child", child.pk)
    return render(
        request,
        "people/edit.html",
        {"page_title": "Add a child or young person", "form": form, "error_title": bool(form.errors)},
    )


@requires("people.change_child")
def edit(request, child_id: int):
    child = queries.open_child_record(request.user, child_id, what="child.view_for_edit")
    initial = {f: getattr(child, f) for f in ChildForm.base_fields}
    form = ChildForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda data: services.update_child(actor=request.user, child=child, changes=data))
        if saved:
            messages.success(request, "Changes saved")
            return redirect("child", child.pk)
    return render(
        request,
        "people/edit.html",
        {
            "page_title": f"Change {child.full_name}'s details",
            "form": form,
            "child": child,
            "error_title": bool(form.errors),
        },
    )


def _save(form, write):
    try:
        return write(form.child_data)
    except ValidationError as exc:  # e.g. a UPN already on another record
        add_errors(form, exc)
        return None


def _council_la() -> str:
    return CouncilSettings.current().old_la_code


def _child_form_page(request, child_id, form_class, title, write, initial=None, template="people/child_form.html"):
    """A small form about one child: on success write through a service and go back to the record."""
    child = queries.open_child_record(request.user, child_id, what="child.view_for_edit")
    if not request.user.has_perm("people.change_child", child):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("people.change_child")
    form = form_class(request.POST or None, initial=initial(child) if initial else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = write(child, form)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("child", child.pk)
    return render(
        request,
        template,
        {
            "page_title": title.format(name=child.full_name),
            "form": form,
            "child": child,
            "error_title": bool(form.errors),
        },
    )


@requires("people.change_child")
def sen_status(request, child_id: int):
    def initial(child):
        ranked = list(child.needs.values_list("code", flat=True))
        return {"sen_status": child.sen_status, **{f"need_{i}": code for i, code in enumerate(ranked[:3], 1)}}

    def write(child, form):
        services.record_sen_status_and_needs(
            actor=request.user,
            child=child,
            status=form.cleaned_data["sen_status"],
            on=form.cleaned_data["effective"],
            need_codes=form.needs(),
        )
        return "SEN status and needs saved"

    return _child_form_page(request, child_id, SenStatusForm, "SEN status and needs for {name}", write, initial)


@requires("people.change_child")
def add_flag(request, child_id: int):
    def write(child, form):
        services.add_flag(actor=request.user, child=child, **form.cleaned_data)
        return "Circumstance recorded"

    return _child_form_page(request, child_id, FlagForm, "Record a circumstance for {name}", write)


@requires("people.change_child")
def add_placement(request, child_id: int):
    def write(child, form):
        establishment = Establishment.objects.filter(urn=form.cleaned_data["urn"]).first()
        if establishment is None:
            raise ValidationError({"urn": "No establishment has this URN"})
        services.add_placement(
            actor=request.user,
            child=child,
            establishment=establishment,
            placement_type=form.cleaned_data["placement_type"],
            start_date=form.cleaned_data["start_date"],
        )
        return f"Placement at {establishment.name} recorded"

    return _child_form_page(request, child_id, PlacementForm, "Record a placement for {name}", write)


@requires("people.change_child")
def add_parent(request, child_id: int):
    def write(child, form):
        services.add_parent(actor=request.user, child=child, **form.cleaned_data)
        return "Parent or carer added"

    return _child_form_page(request, child_id, ParentForm, "Add a parent or carer for {name}", write)
