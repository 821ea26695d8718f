"""Top-ups without an EHC plan: a setting applies, the panel decides."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from highneeds.people.models import Child
from highneeds.people.queries import open_child_record
from highneeds.web.access import requires
from highneeds.web.forms import add_errors
from highneeds.web.jinja import format_date

from . import forms, presenting, queries, services
from .models import Framework, TopUpApplication

TOP_UP_FRAMEWORK = "mainstream-top-up"


@requires("funding.apply_top_ups")
def top_up_apply(request):
    setting = request.user.establishment
    if setting is None:
        raise PermissionDenied("funding.apply_top_ups")
    framework = queries.framework_in_force(TOP_UP_FRAMEWORK, timezone.localdate()) or get_object_or_404(
        Framework, code=TOP_UP_FRAMEWORK, version=1
    )
    children = list(
        Child.objects.filter(
            sen_status="K", placements__establishment=setting, placements__end_date__isnull=True
        ).distinct()
    )
    form = forms.TopUpApplicationForm(request.POST or None, children=children, framework=framework)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        child = next(c for c in children if c.pk == d["child"])
        try:
            services.apply_for_top_up(
                actor=request.user,
                child=child,
                establishment=setting,
                area=framework.areas.get(pk=d["area"]),
                band=framework.bands.get(pk=d["band"]),
                start=d["start"],
                evidence=d["evidence"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"The application for {child.full_name} was sent to the panel")
            return redirect("funding:top-up-apply")
    applications = TopUpApplication.objects.filter(establishment=setting).select_related("child", "band")
    return render(
        request,
        "funding/top_up_apply.html",
        {
            "page_title": "Apply for a top-up without an EHC plan",
            "form": form,
            "setting": setting.name,
            "applications": [_application_row(a) for a in applications],
        },
        status=400 if form.errors else 200,
    )


def _application_row(a: TopUpApplication) -> dict:
    return {
        "pk": a.pk,
        "child": a.child.full_name,
        "setting": a.establishment.name,
        "band": a.band.name,
        "start": format_date(a.start),
        "status": a.get_status_display(),
        "applied": format_date(a.applied_at),
        "reference": a.decision_reference,
        "open": a.status == "submitted",
    }


@requires("funding.decide_top_ups")
def top_ups(request):
    applications = TopUpApplication.objects.select_related("child", "band", "establishment")
    return render(
        request,
        "funding/top_ups.html",
        {"page_title": "Top-up applications", "applications": [_application_row(a) for a in applications[:500]]},
    )


@requires("funding.decide_top_ups")
def top_up_decide(request, pk: int):
    application = get_object_or_404(
        TopUpApplication.objects.select_related("child", "band", "area", "establishment"), pk=pk
    )
    open_child_record(request.user, application.child_id, what="funding.top_up_view")
    form = forms.TopUpDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_top_up(
                actor=request.user,
                application=application,
                agree=form.cleaned_data["decision"] == "agree",
                decision_reference=form.cleaned_data["decision_reference"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The panel's decision was recorded")
            return redirect("funding:top-ups")
    return render(
        request,
        "funding/top_up_decide.html",
        {
            "page_title": f"Top-up application for {application.child.full_name}",
            "form": form,
            "a": {
                **_application_row(application),
                "area": application.area.name,
                "evidence": application.evidence,
                "price": presenting.gbp(application.band.top_up),
                "reasons": application.decision_reasons,
            },
        },
        status=400 if form.errors else 200,
    )
