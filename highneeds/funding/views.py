"""Funding pages: budget monitoring (finance overview), a line's children, the DSG position (the S151 view), a
child's bands and commitments, frameworks, the actuals import and settings' statements.

Aggregates (overview, DSG position) are for finance, managers and lead members; named children only for
finance and managers, and each child's record read is audited; a SENCO sees only their own setting's statement.
"""

from __future__ import annotations

import base64
import io
from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from highneeds import spreadsheets
from highneeds.audit import log
from highneeds.establishments.models import Establishment
from highneeds.jobs.queue import enqueue_once
from highneeds.people.queries import open_child_record
from highneeds.web.access import requires
from highneeds.web.forms import add_errors
from highneeds.web.jinja import format_date

from . import compare, flows, forms, presenting, queries, services, statements, tasks
from .models import Band, BudgetLine, Commitment, Framework, TopUpApplication


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else presenting.current_financial_year()


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
    from django.urls import reverse

    return reverse(name, args=args)


@requires("funding.view_children")
def line(request, code: str):
    from django.core.paginator import Paginator

    from highneeds.people.models import Child

    year = _year(request)
    budget_line = get_object_or_404(BudgetLine, code=code)
    table = queries.council_table(year)
    mask = table["line_id"] == budget_line.pk
    child_ids = sorted(set(table["child_id"][mask].tolist()))
    children = (
        Child.objects.filter(pk__in=child_ids).order_by("last_name", "first_name", "pk").values_list("pk", flat=True)
    )
    page = Paginator(children, 100).get_page(request.GET.get("page"))
    priced = queries.priced_commitments(
        year, Commitment.objects.filter(line=budget_line, child_id__in=list(page.object_list))
    )
    log.record(
        actor=request.user,
        action="funding.line_children_view",
        after={
            "line": code,
            "financial_year": year,
            "page": page.number,
            "children": [p.commitment.child_id for p in priced],
        },
    )
    rows = [
        {
            "child_id": p.commitment.child_id,
            "child": p.commitment.child.full_name,
            "setting": p.commitment.establishment.name if p.commitment.establishment else "",
            "setting_type": p.commitment.get_setting_type_display(),
            "band": p.commitment.band.name if p.commitment.band else "Costed",
            "source": p.commitment.get_source_display(),
            "reference": p.commitment.source_reference,
            "version": p.commitment.version,
            "reference_href": _url("funding:panel-decision", p.commitment.panel_item_id)
            if p.commitment.panel_item_id
            else None,
            "from": format_date(p.start),
            "to": format_date(p.end),
            "amount": presenting.gbp(p.pricing.high_needs_total),
        }
        for p in sorted(
            priced,
            key=lambda p: (p.commitment.child.last_name, p.commitment.child.first_name, p.commitment.child_id, p.start),
        )
    ]
    return render(
        request,
        "funding/line.html",
        {
            "page_title": f"{budget_line.code} {budget_line.name} {presenting.fy_label(year)}",
            "line": budget_line.name,
            "code": budget_line.code,
            "rows": rows,
            "label": presenting.fy_label(year),
            "year": year,
            "page": page,
            "children": len(child_ids),
            "query": f"year={year}",
            "total": presenting.gbp(Decimal(int(table["high_needs"][mask].sum())) / 100),
        },
    )


@requires("funding.view_children")
def child(request, child_id: int):
    record = open_child_record(request.user, child_id, what="funding.child_view")
    frameworks = list(Framework.objects.all())
    chosen = next((f for f in frameworks if str(f.pk) == request.GET.get("framework")), None) or next(
        (f for f in frameworks if f.code == "mainstream-top-up"), frameworks[0] if frameworks else None
    )
    form = forms.BandForm(request.POST or None, framework=chosen) if chosen else None
    if request.method == "POST":
        if not request.user.has_perm("funding.set_bands", record):
            raise PermissionDenied("funding.set_bands")
        if form.is_valid():
            area, band = form.objects()
            try:
                services.set_child_band(
                    actor=request.user,
                    child=record,
                    band=band,
                    area=area,
                    effective_from=form.cleaned_data["effective_from"],
                    evidence=form.cleaned_data["evidence"],
                    decided_by=form.cleaned_data["decided_by"],
                    decision_reference=form.cleaned_data["decision_reference"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{record.full_name}'s band is now {band.name} from "
                    f"{form.cleaned_data['effective_from']:%-d %B %Y}",
                )
                return redirect(f"{_url('funding:child', record.pk)}?framework={chosen.pk}")
    year = _year(request)
    priced = queries.priced_commitments(year, Commitment.objects.filter(child=record))
    versions = (
        Commitment.objects.filter(child=record)
        .select_related("line", "band", "establishment")
        .order_by("package", "-version")
    )
    return render(
        request,
        "funding/child.html",
        {
            "page_title": f"Funding for {record.full_name}",
            "child_name": record.full_name,
            "child_id": record.pk,
            "frameworks": [{"pk": f.pk, "name": str(f), "chosen": f == chosen} for f in frameworks],
            "form": form,
            "can_set": request.user.has_perm("funding.set_bands", record),
            "can_commit": request.user.has_perm("funding.manage_commitments"),
            "bands": [
                {
                    "framework": str(b.framework),
                    "area": b.area.name,
                    "band": b.band.name,
                    "from": b.effective_from,
                    "decided": b.get_decided_by_display(),
                    "reference": b.decision_reference,
                    "evidence": b.evidence,
                    "by": (b.recorded_by.get_full_name() or b.recorded_by.username) if b.recorded_by else "system",
                }
                for b in queries.band_history(record)
            ],
            "versions": [
                {
                    "package": str(c.package)[:8],
                    "uuid": str(c.package),
                    "version": c.version,
                    "setting": c.establishment.name if c.establishment else "",
                    "setting_type": c.get_setting_type_display(),
                    "band": c.band.name if c.band else "Costed",
                    "line": c.line.code,
                    "start": c.start,
                    "end": c.end,
                    "from": c.effective_from,
                    "reason": c.reason,
                    "top_up": presenting.gbp(c.top_up_annual),
                }
                for c in versions
            ],
            "year_label": presenting.fy_label(year),
            "priced": [
                {
                    "version": p.commitment.version,
                    "from": p.start,
                    "to": p.end,
                    "days": p.pricing.days,
                    "amount": presenting.gbp(p.pricing.high_needs_total),
                }
                for p in priced
            ],
            "year_total": presenting.gbp(sum((p.pricing.high_needs_total for p in priced), presenting.ZERO)),
        },
        status=400 if form is not None and form.errors else 200,
    )


@requires("funding.view_children")
def plans_without_band(request):
    """Issued plans naming a setting with no plan commitment: the child had no priced band when it was issued."""
    rows = [{**r, "issued_on": format_date(r["issued_on"])} for r in flows.plans_without_band()]
    log.record(
        actor=request.user, action="funding.plans_without_band_view", after={"children": [r["child_id"] for r in rows]}
    )
    return render(request, "funding/plans_without_band.html", {"page_title": "Plans without a band", "rows": rows})


@requires("funding.manage_commitments")
def commitment_new(request, child_id: int):
    record = open_child_record(request.user, child_id, what="funding.child_view")
    establishments = [p.establishment for p in record.placements.select_related("establishment")]
    form = forms.CommitmentForm(request.POST or None, establishments=establishments)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        establishment = next((e for e in establishments if e.pk == d["establishment"]), None)
        band = Band.objects.select_related("framework").filter(pk=d["band"]).first() if d["band"] else None
        try:
            services.create_commitment(
                actor=request.user,
                child=record,
                establishment=establishment,
                setting_type=d["setting_type"],
                source=d["source"],
                source_reference=d["source_reference"],
                band=band,
                costed_provision=form.costed_provision(),
                annual_fee=d["annual_fee"] or 0,
                residential_annual=d["residential_annual"] or 0,
                transport_annual=d["transport_annual"] or 0,
                attendance=d["attendance"] / 100,
                start=d["start"],
                end=d["end"],
            )
        except ValidationError as exc:
            add_errors(form, _commitment_errors(exc))
        else:
            messages.success(request, "The package was committed")
            return redirect("funding:child", record.pk)
    return render(
        request,
        "funding/commitment_form.html",
        {
            "page_title": f"Commit a package for {record.full_name}",
            "form": form,
            "child_name": record.full_name,
            "child_id": record.pk,
        },
        status=400 if form.errors else 200,
    )


@requires("funding.manage_commitments")
def commitment_end(request, child_id: int):
    """End a package (the placement ends): a new version with an end date, from the day after it."""
    record = open_child_record(request.user, child_id, what="funding.child_view")
    form = forms.EndPackageForm(request.POST or None, initial={"package": request.GET.get("package", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        latest = Commitment.objects.filter(child=record, package=d["package"]).order_by("-version").first()
        if latest is None:
            raise Http404("No such package for this child")
        try:
            if latest.end is not None and latest.end <= d["end"]:
                raise ValidationError({"end": f"The package already ends on {format_date(latest.end)}"})
            if d["end"] < latest.start:
                raise ValidationError(
                    {"end": f"The package starts on {format_date(latest.start)}: it cannot end before then"}
                )
            services.revise_commitment(
                actor=request.user,
                commitment=latest,
                reason=d["reason"],
                end=d["end"],
                effective_from=max(latest.effective_from, d["end"] + timedelta(days=1)),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"The package ends on {format_date(d['end'])}")
            return redirect("funding:child", record.pk)
    return render(
        request,
        "funding/end_package.html",
        {"page_title": "End a package", "form": form, "child_name": record.full_name, "child_id": record.pk},
        status=400 if form.errors else 200,
    )


def _commitment_errors(exc: ValidationError) -> ValidationError:
    """The engine names `costed_provision`; the form shows it beside the hours."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {("hours_per_week" if k == "costed_provision" else k): v for k, v in exc.message_dict.items()}
    return ValidationError(renamed)


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


TOP_UP_FRAMEWORK = "mainstream-top-up"


@requires("funding.apply_top_ups")
def top_up_apply(request):
    from highneeds.people.models import Child

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


@requires("funding.view_children")
def panel_decisions(request):
    """Placement panels' agreed packages, and whether each is committed yet (names children: audited)."""
    committed = set(Commitment.objects.filter(panel_item__isnull=False).values_list("panel_item_id", flat=True))
    rows = [
        {
            **flows.panel_decision(item),
            "child": item.request.child.full_name,
            "meets_on": format_date(item.meeting.meets_on),
            "status": "Committed" if item.pk in committed else "Not committed yet",
        }
        for item in flows.agreed_placement_items()[:200]
    ]
    log.record(
        actor=request.user, action="funding.panel_decisions_view", after={"children": [r["child_id"] for r in rows]}
    )
    return render(request, "funding/panel_decisions.html", {"page_title": "Placement panel decisions", "rows": rows})


@requires("funding.view_children")
def panel_decision(request, item_id: int):
    """One placement panel decision, the commitments made from it and (for finance) committing its package."""
    item = flows.placement_item(item_id)
    if item is None:
        raise Http404("No such placement panel decision")
    record = open_child_record(request.user, item.request.child_id, what="funding.panel_decision_view")
    can_commit = request.user.has_perm("funding.manage_commitments")
    decision = flows.panel_decision(item)
    form = forms.PanelPackageForm(request.POST or None, initial={"start": item.meeting.meets_on})
    if request.method == "POST":
        if not can_commit:
            raise PermissionDenied("funding.manage_commitments")
        if form.is_valid():
            d = form.cleaned_data
            try:
                flows.commit_panel_decision(
                    actor=request.user,
                    item=item,
                    establishment=Establishment.objects.filter(urn=d["urn"]).first(),
                    start=d["start"],
                    band=Band.objects.select_related("framework").filter(pk=d["band"]).first() if d["band"] else None,
                    annual_amount=d["annual_amount"],
                    reason=d["reason"],
                )
            except ValidationError as exc:
                add_errors(form, _commitment_errors(exc))
            else:
                messages.success(request, "The panel's package was committed")
                return redirect("funding:panel-decision", item.pk)
    versions = [
        {
            "version": c.version,
            "setting": c.establishment.name if c.establishment else "",
            "band": c.band.name if c.band else "Costed",
            "from": format_date(c.effective_from),
            "source": c.get_source_display(),
        }
        for c in Commitment.objects.filter(panel_item=item)
        .select_related("establishment", "band")
        .order_by("package", "version")
    ]
    return render(
        request,
        "funding/panel_decision.html",
        {
            "page_title": f"Panel decision: {decision['reference']}",
            "decision": {**decision, "meets_on": format_date(decision["meets_on"])},
            "child_name": record.full_name,
            "child_id": record.pk,
            "versions": versions,
            "form": form,
            "can_commit": can_commit and decision["agreed"] and not versions,
        },
        status=400 if form.errors else 200,
    )
