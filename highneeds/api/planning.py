"""/api/v1/planning: saved forecast scenarios and their projections (aggregates only; no child is named).

Needs `planning.view_forecast` (finance, strategic leads and the lead member, managers). Reading a projection
runs the forecast engine on a cache miss (about half a second) and is cached like the pages.
"""
# No `from __future__ import annotations` here: ninja reads the views' annotations at import.

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema

from highneeds.planning import engine_bridge as eb
from highneeds.planning import presenting, runs
from highneeds.planning.models import Scenario

from .errors import DETAIL_ERRORS, LIST_ERRORS
from .permissions import guarded
from .schemas import MAX_ID

router = Router(tags=["planning"])


class ScenarioItem(Schema):
    id: int
    name: str
    description: str
    base: str
    la_code: str
    base_year: int
    years: int
    is_baseline: bool
    levers: dict
    unit_costs: dict
    hnb_allocation: float | None
    opening_balance: float | None
    allocation_growth: float
    population_growth: float
    updated_at: datetime


class Band(Schema):
    p10: float
    p50: float
    p90: float


class YearFigures(Schema):
    year: int
    financial_year: str
    plans: Band
    spend: Band
    allocation: float
    in_year: Band
    cumulative: Band
    cost_avoided: float


class ScenarioDetail(ScenarioItem):
    projection: list[YearFigures] | None
    problem: str = ""
    notes: list[str] = []


def _item(s: Scenario) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "description": s.description,
        "base": s.base,
        "la_code": s.la_code,
        "base_year": s.base_year,
        "years": s.years,
        "is_baseline": s.is_baseline,
        "levers": s.levers,
        "unit_costs": s.unit_costs,
        "allocation_growth": s.allocation_growth,
        "population_growth": s.population_growth,
        "updated_at": s.updated_at,
        "hnb_allocation": None if s.hnb_allocation is None else float(s.hnb_allocation),
        "opening_balance": None if s.opening_balance is None else float(s.opening_balance),
    }


def _band(values) -> dict:
    return {"p10": values[0], "p50": values[1], "p90": values[2]}


@router.get(
    "/planning/scenarios",
    response={200: list[ScenarioItem], **LIST_ERRORS},
    summary="List scenarios",
    description="Saved forecast scenarios with their levers and assumptions, the baseline first. "
    "Needs `planning.view_forecast`.",
)
@guarded("planning.view_forecast")
def list_scenarios(request):
    return [_item(s) for s in Scenario.objects.all()]


@router.get(
    "/planning/scenarios/{scenario_id}",
    response={200: ScenarioDetail, **DETAIL_ERRORS},
    summary="A scenario and its projection",
    description="The scenario and its projection by model year: plans at January `year`, money for "
    "`financial_year` (April year-1 to March year), P10/P50/P90, and cost avoided against the "
    "same scenario with its levers off. `projection` is null, with `problem`, when the "
    "forecast cannot be calibrated. Needs `planning.view_forecast`.",
)
@guarded("planning.view_forecast")
def scenario_detail(request, scenario_id: int = Path(..., ge=1, le=MAX_ID)):
    scenario = get_object_or_404(Scenario, pk=scenario_id)
    out = {**_item(scenario), "projection": None}
    run = runs.kept(scenario)  # the pages' kept run when a worker has made it (planning/runs.py), else made here
    if run is not None and run.problem:
        return {**out, "problem": run.problem}
    try:
        projection, baseline = (
            (run.projection, run.baseline) if run else (eb.projection_for(scenario), eb.baseline_for(scenario))
        )
        notes = (
            run.about["notes"]
            if run
            else list(eb.calibrated(scenario.base, scenario.la_code, scenario.base_year).notes)
        )
    except (LookupError, ValueError) as exc:
        return {**out, "problem": str(exc)}
    avoided = eb.cost_avoided(baseline, projection)
    out["projection"] = [
        {
            "year": r.year,
            "financial_year": fy,
            "plans": _band(r.values["plans"]),
            "spend": _band(r.values["spend"]),
            "allocation": r.values["allocation"][1],
            "in_year": _band(r.values["in_year"]),
            "cumulative": _band(r.values["cumulative"]),
            "cost_avoided": a,
        }
        for r, fy, a in zip(presenting.rows(projection), projection.financial_years, avoided)
    ]
    out["notes"] = notes
    return out
