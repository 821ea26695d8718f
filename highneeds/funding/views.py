"""Funding pages: budget monitoring (finance overview), the DSG position (the S151 view), frameworks, the
actuals import and settings' statements. A child's funding pages are in `child_views`, top-ups in `topup_views`.

Aggregates (overview, DSG position) are for finance, managers and lead members; named children only for
finance and managers, and each child's record read is audited; a SENCO sees only their own setting's statement.
"""

from __future__ import annotations

import base64
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from highneeds import spreadsheets
from highneeds.audit import log
from highneeds.establishments.models import Establishment
from highneeds.jobs.queue import enqueue_once
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import compare, forms, presenting, services, statements, tasks
from .models import Framework


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdecimal() and 2000 <= int(raw) <= 2100 else presenting.current_financial_year()


@requires("funding.view_position")
def overview(request):
    year = _year(request)
    figures = presenting.monitoring(year)
    return render(
        request,
        "funding/overview.html",
        {
            "page_title": f"High needs budget monitoring {figures['label']}",
            "m": figures,
            "dsg": presenting.dsg_position(year, figures["raw"]["outturn"]),
            "can_drill": request.user.has_perm("funding.view_children"),
            "can_manage": request.user.has_perm("funding.manage_budget"),
            "years": [year - 1, year + 1],
        },
    )


@requires("funding.view_position")
def dsg(request):
    year = _year(request)
    figures = presenting.monitoring(year)
    return render(
        request,
        "funding/dsg.html",
        {
            "page_title": f"DSG position {figures['label']}",
            "m": figures,
            "dsg": presenting.dsg_position(year, figures["raw"]["outturn"]),
            "can_manage": request.user.has_perm("funding.manage_budget"),
            "form": forms.DsgForm(initial={"financial_year": year}),
        },
    )


@requires("funding.manage_budget")
def dsg_set(request):
    form = forms.DsgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_dsg_allocation(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The DSG figures were saved")
            return redirect(f"{_url('funding:dsg')}?year={form.cleaned_data['financial_year']}")
    return render(
        request,
        "funding/dsg_form.html",
        {"page_title": "Set the DSG allocation", "form": form},
        status=400 if form.errors else 200,
    )


def _url(name, *args):
    return reverse(name, args=args)


@requires("funding.view_position")
def compare_frameworks(request):
    year = _year(request)
    priced = [f for f in Framework.objects.exclude(kind="ranges")]
    chosen = next((f for f in priced if str(f.pk) == request.GET.get("framework")), None)
    return render(
        request,
        "funding/compare.html",
        {
            "page_title": "Compare frameworks",
            "year": year,
            "label": presenting.fy_label(year),
            "frameworks": [{"pk": f.pk, "name": str(f), "chosen": f == chosen} for f in priced],
            "result": compare.compare(year, chosen) if chosen else None,
        },
    )


@requires("funding.view_frameworks")
def frameworks(request):
    return render(
        request,
        "funding/frameworks.html",
        {
            "page_title": "Banding and tariff frameworks",
            "frameworks": [
                {
                    "pk": f.pk,
                    "name": f.name,
                    "code": f.code,
                    "version": f.version,
                    "kind": f.get_kind_display(),
                    "from": f.effective_from,
                    "to": f.effective_to,
                    "example": f.is_example,
                    "bands": f.bands.count(),
                }
                for f in Framework.objects.prefetch_related("bands")
            ],
        },
    )


@requires("funding.view_frameworks")
def framework(request, pk: int):
    f = get_object_or_404(Framework, pk=pk)
    return render(
        request,
        "funding/framework.html",
        {
            "page_title": str(f),
            "f": {
                "name": f.name,
                "code": f.code,
                "version": f.version,
                "kind": f.get_kind_display(),
                "description": f.description,
                "source": f.source,
                "example": f.is_example,
                "from": f.effective_from,
                "to": f.effective_to,
            },
            "areas": [a.name for a in f.areas.all()],
            "bands": [
                {
                    "code": b.code,
                    "name": b.name,
                    "descriptors": b.descriptors,
                    "provision": b.provision,
                    "price": presenting.gbp(b.top_up)
                    if b.top_up is not None
                    else (
                        ", ".join(f"{k}: {presenting.gbp(v)}" for k, v in b.prices.items())
                        if b.prices
                        else "Not priced"
                    ),
                }
                for b in f.bands.all()
            ],
        },
    )


@requires("funding.manage_budget")
def actuals(request):
    form = forms.ActualsForm(
        request.POST or None, request.FILES or None, initial={"financial_year": presenting.current_financial_year()}
    )
    if request.method == "POST" and form.is_valid():
        # Checked and loaded by the task worker; the person follows it on the job's page (docs/tasks.md).
        upload = form.cleaned_data["file"]
        job = enqueue_once(
            tasks.import_actuals_file,
            base64.b64encode(upload.read()).decode("ascii"),
            form.cleaned_data["financial_year"],
            upload.name,
            str(form.cleaned_data["control_total"]),
            requested_by=request.user.pk,
        )
        return redirect("job-status", job_id=job.id)
    return render(
        request,
        "funding/actuals.html",
        {"page_title": "Import actual payments", "form": form},
        status=400 if form.errors else 200,
    )


@requires("funding.view_statements")
def statement(request, establishment_id: int):
    setting = get_object_or_404(Establishment, pk=establishment_id)
    if not request.user.has_perm("funding.view_statement", setting):
        raise PermissionDenied("funding.view_statement")
    year = _year(request)
    data = statements.statement(setting, year)
    log.record(
        actor=request.user,
        action="funding.statement_view",
        after={"establishment": setting.pk, "financial_year": year, "children": len(data["rows"])},
    )
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = spreadsheets.csv_writer(out)
        writer.writerow(["child_id", "child", "band", "term", "from", "to", "top_up_due"])
        for row in data["rows"]:
            for term in row["terms"]:
                writer.writerow(
                    [
                        row["child_id"],
                        row["child"],
                        row["band"],
                        term["term"],
                        term["from"],
                        term["to"],
                        term["amount_raw"],
                    ]
                )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statement-{setting.pk}-{year}.csv"'
        return response
    return render(
        request,
        "funding/statement.html",
        {"page_title": f"Funding statement: {setting.name}", "s": data, "setting_id": setting.pk},
    )


@requires("funding.own_statement")
def own_statement(request):
    if not request.user.establishment_id:
        raise PermissionDenied("funding.own_statement")
    return redirect("funding:statement", request.user.establishment_id)
