"""What the scenario form starts from and what it saves: levers and assumptions to and from the form's fields."""

from __future__ import annotations

from . import engine_bridge as eb
from . import forms
from .casework_counts import default_base_year
from .models import Scenario


def levers_from(form, rows):
    """The engine's Levers from a valid scenario form and its new places rows."""
    data = form.cleaned_data
    ramps = {}
    for key, *_ in forms.RAMP_LEVERS:
        value = data.get(f"{key}_value")
        ramps[key] = (
            None
            if value in (None, 0)
            else eb.engine_levers.Ramp(
                value=value / 100, start_year=data[f"{key}_start"], ramp_years=data.get(f"{key}_ramp") or 0
            )
        )
    places = [
        eb.engine_levers.NewPlaces(
            places=r.cleaned_data["places"],
            need=r.cleaned_data["need"],
            phase=r.cleaned_data["phase"],
            cost_per_place=float(r.cleaned_data["cost_per_place"]),
            opening_year=r.cleaned_data["opening_year"],
            diverts_from=r.cleaned_data.get("diverts_from") or "independent_special",
        )
        for r in rows
        if not r.is_empty()
    ]
    return eb.engine_levers.Levers(
        **ramps,
        new_places=places,
        population_growth=(data.get("population_growth") or 0) / 100,
        allocation_growth=(data.get("allocation_growth") or 0) / 100,
        cost_growth=(data.get("cost_growth") or 0) / 100,
    )


def scenario_data(form, rows) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "description": data["description"],
        "base": data["base"],
        "la_code": data["la_code"],
        "base_year": data["base_year"],
        "years": data["years"],
        "levers": levers_from(form, rows).to_dict(),
        "unit_costs": {s: data[f"cost_{s}"] for s in eb.settings() if data.get(f"cost_{s}") is not None},
        "hnb_allocation": data.get("hnb_allocation"),
        "opening_balance": data.get("opening_balance"),
        "population_growth": (data.get("population_growth") or 0) / 100,
        "allocation_growth": (data.get("allocation_growth") or 0) / 100,
        "is_baseline": data["is_baseline"],
    }


def initial(scenario: Scenario) -> tuple[dict, list[dict]]:
    levers = eb.levers_from_dict(scenario.levers)
    initial = {
        "name": scenario.name,
        "description": scenario.description,
        "base": scenario.base,
        "la_code": scenario.la_code,
        "base_year": scenario.base_year,
        "years": scenario.years,
        "population_growth": round(scenario.population_growth * 100, 3),
        "allocation_growth": round(scenario.allocation_growth * 100, 3),
        "cost_growth": round(levers.cost_growth * 100, 3),
        "hnb_allocation": scenario.hnb_allocation,
        "opening_balance": scenario.opening_balance,
        "is_baseline": scenario.is_baseline,
    }
    for key, *_ in forms.RAMP_LEVERS:
        ramp = getattr(levers, key)
        if ramp is not None:
            initial.update(
                {
                    f"{key}_value": round(ramp.value * 100, 3),
                    f"{key}_start": ramp.start_year,
                    f"{key}_ramp": ramp.ramp_years,
                }
            )
    for setting, cost in (scenario.unit_costs or {}).items():
        initial[f"cost_{setting}"] = cost
    rows = [
        {
            "places": p.places,
            "need": p.need,
            "phase": p.phase,
            "cost_per_place": int(p.cost_per_place),
            "opening_year": p.opening_year,
            "diverts_from": p.diverts_from,
        }
        for p in levers.new_places
    ]
    return initial, rows


def new_initial() -> dict:
    """A new scenario starts from the baseline's assumptions (as percentages on the form)."""
    start = {"base": "casework", "base_year": default_base_year(), "years": 10, **eb.starting_point()}
    for key in ("allocation_growth", "population_growth", "cost_growth"):
        start[key] = round(start[key] * 100, 3)
    return start
