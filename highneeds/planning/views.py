"""Forecast pages: the baseline, saved scenarios, comparison, goal seek and exports. Aggregates only:
no child is named anywhere here. Finance, strategic leads (and the lead member) and managers may look
(`planning.view_forecast`); finance and managers may save scenarios (`planning.edit_scenarios`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from highneeds.insight import disclosure
from highneeds.jobs import progress
from highneeds.jobs.queue import enqueue_once
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import engine_bridge as eb
from . import exports, forms, presenting, runs, scenario_form, services
from . import neighbours as nb
from .models import Scenario


def _scenario(pk: int) -> Scenario:
    return get_object_or_404(Scenario, pk=pk)


def _can_edit(request) -> bool:
    return request.user.has_perm("planning.edit_scenarios")


def _runs(request, scenarios: list[Scenario], title: str) -> tuple[list[runs.Run], HttpResponse | None]:
    """(runs, None) when every scenario's run is kept; else ([], a page): the problem a run met, or the page that
    follows the queued runs. A forecast is made by a worker and kept
    by its inputs (planning/runs.py), so a page never waits on the engine. Without JavaScript the page offers a
    link to refresh; with it, app.js checks `data-poll-url` and reloads when the runs are ready."""
    found = [runs.kept(s) for s in scenarios]
    if all(found):
        problem = next((r.problem for r in found if r.problem), "")
        return found, _forecast_error(request, problem) if problem else None
    jobs = [enqueue_once(runs.run_forecast, s.pk) for s, r in zip(scenarios, found) if r is None]
    steps = [progress.read(job.id) for job in jobs]
    page = render(
        request,
        "planning/running.html",
        {
            "page_title": title,
            "waiting": all(job.status == "READY" for job in jobs),
            "done": sum(p.get("done", 0) for p in steps),
            "total": 3 * len(jobs),
            "poll_url": request.get_full_path(),
        },
    )
    return [], page


def _groups(request, groups: list[dict]) -> list[dict]:
    """Plans by setting or need as this reader may see them (insight/disclosure.py)."""
    policy = disclosure.policy_for(request.user)
    return [{**g, "values": [disclosure.modelled(policy, v) for v in g["values"]]} for g in groups]


def _forecast_error(request, exc: Exception | str) -> HttpResponse:
    problem = exc if isinstance(exc, str) else eb.problem_text(exc)
    return render(
        request,
        "planning/unavailable.html",
        {
            "page_title": "The forecast cannot be shown",
            "problem": problem,
            "not_installed": problem == eb.NOT_INSTALLED,
        },
        status=200,
    )


@requires("planning.view_forecast")
def overview(request):
    scenario = eb.council_baseline()
    found, page = _runs(request, [scenario], "Forecast of EHC plans and high needs spend")
    if page:
        return page
    projection, about = found[0].projection, found[0].about
    return render(
        request,
        "planning/overview.html",
        {
            "page_title": "Forecast of EHC plans and high needs spend",
            "scenario": scenario,
            "rows": presenting.rows(projection),
            "charts": presenting.scenario_charts(projection, name=scenario.name, actual=about["actual"]),
            "headline": presenting.headline(projection),
            "settings": _groups(request, presenting.by_setting(projection)),
            "disclosure_note": disclosure.note(disclosure.policy_for(request.user)),
            "years": presenting.years(projection),
            "can_edit": _can_edit(request),
            **about,
        },
    )


@requires("planning.view_forecast")
def scenario_list(request):
    return render(
        request,
        "planning/scenarios.html",
        {
            "page_title": "Scenarios",
            "scenarios": list(Scenario.objects.select_related("updated_by")),
            "can_edit": _can_edit(request),
        },
    )


def _edit(request, scenario: Scenario | None):
    if scenario is None:
        initial, saved_rows = scenario_form.new_initial(), []
    else:
        initial, saved_rows = scenario_form.initial(scenario)
    posted = request.method == "POST"
    form = forms.ScenarioForm(request.POST or None, initial=initial)
    rows = forms.place_rows(request.POST if posted else None, initial=saved_rows)
    if posted and "add_row" not in request.POST:
        valid = form.is_valid() & all([r.is_valid() for r in rows])
        if valid:
            try:
                if scenario is None:
                    scenario = services.create_scenario(
                        actor=request.user, data=scenario_form.scenario_data(form, rows)
                    )
                else:
                    scenario = services.update_scenario(
                        actor=request.user, scenario=scenario, data=scenario_form.scenario_data(form, rows)
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"Scenario ‘{scenario.name}’ saved")
                return redirect("planning:scenario", scenario.pk)
    errors = [(f"#{form[name].auto_id}" if name != "__all__" else None, errs[0]) for name, errs in form.errors.items()]
    for row in rows:
        errors += [(f"#{row[name].auto_id}", errs[0]) for name, errs in row.errors.items() if name != "__all__"]
    return render(
        request,
        "planning/edit.html",
        {
            "page_title": "Change the scenario" if scenario else "New scenario",
            "form": form,
            "rows": rows,
            "scenario": scenario,
            "errors": errors,
            "error_title": bool(errors),
        },
    )


@requires("planning.edit_scenarios")
def scenario_new(request):
    return _edit(request, None)


@requires("planning.edit_scenarios")
def scenario_edit(request, pk: int):
    return _edit(request, _scenario(pk))


@requires("planning.view_forecast")
def scenario_page(request, pk: int):
    scenario = _scenario(pk)
    found, page = _runs(request, [scenario], scenario.name)
    if page:
        return page
    projection, baseline, about = found[0].projection, found[0].baseline, found[0].about
    headline = presenting.headline(projection, baseline)
    base_rows = presenting.rows(baseline)
    table = [
        {"row": r, "baseline_cumulative": b.p50("cumulative"), "baseline_in_year": b.p50("in_year"), "avoided": a}
        for r, b, a in zip(presenting.rows(projection), base_rows, headline["avoided"])
    ]
    return render(
        request,
        "planning/scenario.html",
        {
            "page_title": scenario.name,
            "scenario": scenario,
            "table": table,
            "headline": headline,
            "charts": presenting.scenario_charts(projection, baseline, name=scenario.name, actual=about["actual"]),
            "settings": _groups(request, presenting.by_setting(projection)),
            "needs": _groups(request, presenting.by_need(projection)),
            "disclosure_note": disclosure.note(disclosure.policy_for(request.user)),
            "years": presenting.years(projection),
            "can_edit": _can_edit(request),
            **about,
        },
    )


@requires("planning.edit_scenarios")
@require_POST
def scenario_duplicate(request, pk: int):
    copy = services.duplicate_scenario(actor=request.user, scenario=_scenario(pk))
    messages.success(request, f"Scenario copied as ‘{copy.name}’")
    return redirect("planning:edit", copy.pk)


@requires("planning.edit_scenarios")
def scenario_delete(request, pk: int):
    scenario = _scenario(pk)
    if request.method == "POST":
        services.delete_scenario(actor=request.user, scenario=scenario)
        messages.success(request, f"Scenario ‘{scenario.name}’ deleted")
        return redirect("planning:scenarios")
    return render(request, "planning/delete.html", {"page_title": f"Delete ‘{scenario.name}’?", "scenario": scenario})


@requires("planning.view_forecast")
def goal_seek(request, pk: int):
    scenario = _scenario(pk)
    form = forms.GoalSeekForm(
        request.POST or None,
        scenario=scenario,
        initial={"target_year": min(scenario.base_year + 5, scenario.base_year + scenario.years)},
    )
    result = saved = None
    if request.method == "POST" and form.is_valid():
        save_as = (request.POST.get("save_as") or "").strip() if "save" in request.POST else ""
        if save_as and not _can_edit(request):
            raise PermissionDenied("planning.edit_scenarios")
        try:
            result, saved = services.run_goal_seek(
                actor=request.user,
                scenario=scenario,
                lever=form.cleaned_data["lever"],
                target_year=form.cleaned_data["target_year"],
                save_as=save_as,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if saved:
                messages.success(request, f"Saved as scenario ‘{saved.name}’")
                return redirect("planning:scenario", saved.pk)
    lever = form.cleaned_data.get("lever") if form.is_bound and form.is_valid() else None
    return render(
        request,
        "planning/goal_seek.html",
        {
            "page_title": "Goal seek",
            "scenario": scenario,
            "form": form,
            "result": result,
            "lever": lever,
            "shown": exports.describe_value(lever, result.value) if result is not None and result.reached else "",
            "can_edit": _can_edit(request),
            "error_title": bool(form.errors),
        },
    )


def _chosen(request) -> tuple[forms.CompareForm, list[Scenario]]:
    choices = [(str(s.pk), s.name) for s in Scenario.objects.all()]
    form = forms.CompareForm(request.GET if "scenarios" in request.GET else None, choices=choices)
    if form.is_bound and form.is_valid():
        found = {s.pk: s for s in Scenario.objects.filter(pk__in=form.cleaned_data["scenarios"])}
        return form, [found[pk] for pk in form.cleaned_data["scenarios"] if pk in found]
    return form, []


@requires("planning.view_forecast")
def compare(request):
    form, chosen = _chosen(request)
    table = None
    if chosen:
        found, page = _runs(request, chosen, "Compare scenarios")
        if page:
            return page
        table = presenting.comparison([(s.name, r.projection, r.baseline) for s, r in zip(chosen, found)])
        for total, scenario in zip(table["totals"], chosen, strict=True):  # each scenario's assumptions beside it
            total.update(
                allocation_growth=scenario.allocation_growth,
                population_growth=scenario.population_growth,
                cost_growth=eb.levers_from_dict(scenario.levers).cost_growth,
            )
    query = "&".join(f"scenarios={s.pk}" for s in chosen)
    return render(
        request,
        "planning/compare.html",
        {
            "page_title": "Compare scenarios",
            "form": form,
            "chosen": chosen,
            "table": table,
            "query": query,
            "error_title": bool(form.errors),
        },
    )


@requires("planning.view_forecast")
def export_scenario(request, pk: int, fmt: str):
    scenario = _scenario(pk)
    return _export(request, [scenario], fmt, exports.slug(scenario.name), reverse("planning:scenario", args=[pk]))


@requires("planning.view_forecast")
def export_comparison(request, fmt: str):
    _form, chosen = _chosen(request)
    if not chosen:
        raise Http404("Choose 2 to 4 scenarios to compare")
    back = reverse("planning:compare") + "?" + "&".join(f"scenarios={s.pk}" for s in chosen)
    return _export(request, chosen, fmt, "scenario-comparison", back)


def _export(request, scenarios: list[Scenario], fmt: str, name: str, back: str) -> HttpResponse:
    """The kept runs as a workbook or CSV. A run not kept yet (its inputs changed since the page was shown) is
    followed on the page the export came from, which queues it and shows its progress."""
    if fmt not in ("xlsx", "csv"):
        raise Http404("Unknown format")
    found = [runs.kept(s) for s in scenarios]
    if not all(found):
        messages.info(request, "The forecast is being calculated again: download the export when it is ready")
        return redirect(back)
    problem = next((r.problem for r in found if r.problem), "")
    if problem:
        return _forecast_error(request, problem)
    named = [(s, r.projection, r.baseline) for s, r in zip(scenarios, found)]
    services.record_export(actor=request.user, scenarios=scenarios, fmt=fmt)
    if fmt == "xlsx":
        policy = disclosure.policy_for(request.user)
        lines = {s.pk: r.about["assumptions"] for s, r in zip(scenarios, found)}
        response = HttpResponse(
            exports.workbook_bytes(
                named, count=lambda v: disclosure.modelled(policy, v), assumptions=lambda s: lines[s.pk]
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.csv_text(named), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@requires("planning.view_forecast")
def neighbours(request):
    try:
        found = nb.comparison()
    except (LookupError, ValueError, OSError) as exc:
        return _forecast_error(request, exc)
    return render(request, "planning/neighbours.html", {"page_title": "Compare with statistical neighbours", **found})
