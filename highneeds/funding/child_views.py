"""Each child's funding pages: the commitments on a budget line, the child's packages and bands, and the panel
decisions and plans still to be costed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from highneeds.audit import log
from highneeds.establishments.models import Establishment
from highneeds.people.models import Child
from highneeds.people.queries import open_child_record
from highneeds.web.access import requires
from highneeds.web.forms import add_errors
from highneeds.web.jinja import format_date

from . import flows, forms, presenting, queries, services
from .models import Band, BudgetLine, Commitment, Framework
from .views import _url, _year


@requires("funding.view_children")
def line(request, code: str):
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
    versions = list(
        Commitment.objects.filter(child=record)
        .select_related("line", "band", "establishment")
        .order_by("package", "-version")
    )
    # Packages numbered in the order they were first committed: what a finance officer reads, not the uuid
    first = {}
    for c in sorted(versions, key=lambda c: (c.created_at, c.pk)):
        first.setdefault(c.package, len(first) + 1)
    versions.sort(key=lambda c: (first[c.package], -c.version))
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
                    "package": f"Package {first[c.package]}",
                    "short_id": str(c.package)[:8],
                    "uuid": str(c.package),
                    "version": c.version,
                    "setting": c.establishment.name if c.establishment else "",
                    "setting_type": c.get_setting_type_display(),
                    "band": c.band.name if c.band else "Costed",
                    "line": c.line.code,
                    "line_name": c.line.name,
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
