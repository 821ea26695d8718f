"""Demo scenarios for the synthetic council: the baseline and one safety-valve scenario. Idempotent: a
scenario whose name is already saved is left alone."""

from __future__ import annotations

from . import engine_bridge as eb
from . import services
from .casework_counts import default_base_year
from .models import Scenario

BASELINE = "Baseline: current trends"
SAFETY_VALVE = "Safety valve: 40 in-area specialist places and stronger SEN support"


def scenarios(base_year: int) -> list[dict]:
    d = eb.DEFAULT_ASSUMPTIONS
    common = {
        "base": "casework",
        "la_code": "",
        "base_year": base_year,
        "years": 10,
        "unit_costs": {},
        "hnb_allocation": None,
        "opening_balance": None,
        "allocation_growth": d["allocation_growth"],
        "population_growth": d["population_growth"],
    }
    places = eb.engine_levers.NewPlaces(
        places=40,
        need="ASD",
        phase="secondary",
        cost_per_place=26_000.0,
        opening_year=base_year,
        diverts_from="independent_special",
    )
    valve = eb.engine_levers.Levers(
        fewer_requests=eb.engine_levers.Ramp(value=0.10, start_year=base_year + 1, ramp_years=3),
        new_places=[places],
        allocation_growth=d["allocation_growth"],
        cost_growth=d["cost_growth"],
    )
    return [
        {
            **common,
            "name": BASELINE,
            "is_baseline": True,
            "levers": eb.engine_levers.Levers(
                allocation_growth=d["allocation_growth"], cost_growth=d["cost_growth"]
            ).to_dict(),
            "description": "This council's casework at January, no levers, the allocation growing 3% a year and "
            "costs 2% a year.",
        },
        {
            **common,
            "name": SAFETY_VALVE,
            "is_baseline": False,
            "levers": valve.to_dict(),
            "description": "40 new places for autistic secondary pupils opening in September "
            f"{base_year}, taking children who would otherwise go to independent special schools, and a "
            "stronger SEN support offer bringing requests for assessment down 10% over three years.",
        },
    ]


def prepare(actor, progress=None) -> dict[str, int]:
    made = 0
    for data in scenarios(default_base_year()):
        if not Scenario.objects.filter(name=data["name"]).exists():
            services.create_scenario(actor=actor, data=data)
            made += 1
    return {"scenarios": made}
