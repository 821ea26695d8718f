"""The SEND data officer's SEN2 pages: build a return (in the background, with progress), its summary against
last year, validation results linked to each child's record, the gaps casework has, the XML, kept versions."""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from highneeds.council.models import CouncilSettings
from highneeds.engine.sen2 import codes as sen2_codes
from highneeds.web.access import requires

from . import jobs, queries, services
from .forms import BuildForm
from .models import KeptReturn
from .published import published

PERM = "returns.manage"
_PERSON = re.compile(r"^/Message/Persons/Person\[(\d+)\]")


def _default_year(today: date | None = None) -> int:
    """The next return due: this January's until its census day has passed, then next year's."""
    today = today or date.today()
    return today.year if today <= sen2_codes.census_date(today.year) else today.year + 1


def _kept(pk: int) -> KeptReturn:
    kept = KeptReturn.objects.filter(pk=pk).first()
    if kept is None:
        raise Http404
    return kept


@requires(PERM)
def index(request):
    la = CouncilSettings.current().old_la_code or ""
    form = BuildForm(request.POST or None, initial={"year": _default_year(), "la": la})
    if request.method == "POST" and form.is_valid():
        try:
            kept = services.start_build(actor=request.user, year=form.cleaned_data["year"], la=form.cleaned_data["la"])
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs[0])
        else:
            jobs.enqueue(kept.pk)
            return redirect("sen2-return", pk=kept.pk)
    rows = [
        {
            "id": k.pk,
            "year": k.year,
            "la": k.la,
            "state": k.get_state_display(),
            "built_at": k.built_at,
            "persons": k.summary.get("persons"),
            "errors": k.errors,
            "queries": k.queries,
            "gaps": len(k.gaps),
        }
        for k in KeptReturn.objects.all()[:50]
    ]
    return render(request, "returns/index.html", {"page_title": "SEN2 return", "form": form, "rows": rows})


def _child_link(xpath: str, child_ids: list[int]) -> int | None:
    match = _PERSON.match(xpath)
    if match and 0 < int(match.group(1)) <= len(child_ids):
        return child_ids[int(match.group(1)) - 1]
    return None


@requires(PERM)
def detail(request, pk: int):
    kept = _kept(pk)
    child_ids = kept.summary.get("child_ids", [])
    issues = [{**i, "child_id": _child_link(i["xpath"], child_ids)} for i in kept.issues]
    figures = {k: v for k, v in kept.summary.items() if k not in ("child_ids",)}
    return render(
        request,
        "returns/detail.html",
        {
            "page_title": f"SEN2 {kept.year} return",
            "kept": {
                "id": kept.pk,
                "year": kept.year,
                "la": kept.la,
                "state": kept.state,
                "state_label": kept.get_state_display(),
                "done": kept.done,
                "total": kept.total,
                "percent": kept.percent,
                "message": kept.message,
                "errors": kept.errors,
                "queries": kept.queries,
                "built_at": kept.built_at,
                "submitted_at": kept.submitted_at,
                "filename": kept.filename,
            },
            "figures": figures,
            "previous": figures.get("previous") or {},
            "issues": issues[:500],
            "more_issues": max(0, len(issues) - 500),
            "gaps": kept.gaps[:500],
            "more_gaps": max(0, len(kept.gaps) - 500),
            "census": sen2_codes.census_date(kept.year),
        },
    )


@requires(PERM)
def download(request, pk: int):
    kept = _kept(pk)
    if not kept.xml:
        raise Http404
    response = HttpResponse(queries.download(request.user, kept), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{kept.filename}"'
    return response


@requires(PERM)
@require_POST
def submit(request, pk: int):
    kept = _kept(pk)
    try:
        services.mark_submitted(actor=request.user, kept=kept)
        messages.success(request, f"The {kept.year} return is kept as the version submitted to DfE")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("sen2-return", pk=kept.pk)


@requires(PERM)
def tables(request):
    """Published-style tables from the latest built return of a year, beside DfE's published figures."""
    years = sorted(
        set(KeptReturn.objects.filter(state__in=("built", "submitted")).values_list("year", flat=True)), reverse=True
    )
    try:
        year = int(request.GET.get("year") or (years[0] if years else _default_year()))
    except ValueError:
        year = years[0] if years else _default_year()
    kept = (
        KeptReturn.objects.filter(year=year, state__in=("submitted", "built"))
        .order_by("-submitted_at", "-built_at")
        .first()
    )
    figures = {k: v for k, v in kept.summary.items() if k not in ("child_ids", "previous")} if kept else {}
    la = kept.la if kept else (CouncilSettings.current().old_la_code or "")
    return render(
        request,
        "returns/tables.html",
        {
            "page_title": f"SEN2 tables {year}",
            "year": year,
            "years": years,
            "figures": figures,
            "published": published(la, year) if la else {},
            "la": la,
            "kept_id": kept.pk if kept else None,
        },
    )
