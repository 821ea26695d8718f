"""A small council for the forecast pages: LA 384's published money, a handful of plans in casework."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from highneeds.accounts.roles import SYSTEM
from highneeds.council.services import update_council_settings
from highneeds.engine import publicdata
from highneeds.people import services as people
from highneeds.planning import services
from highneeds.planning.casework_counts import default_base_year

needs_data = pytest.mark.skipif(
    not (settings.SHARED_DATA_DIR / publicdata.CASELOAD_FILE).is_file(), reason="shared data folder not present"
)


@pytest.fixture
def small_council(db, make_child, make_establishment):
    update_council_settings(actor=SYSTEM, name="Wakefield Council", old_la_code="384")
    base = default_base_year()
    school = make_establishment(establishment_type="MS_LA", la_code="384")
    special = make_establishment(establishment_type="SP_INDEPENDENT", la_code="999", phase="ALL_THROUGH")
    for k in range(12):
        child = make_child(sen_status="N", dob=date(base - 8 - k % 8, 3, 1 + k))
        people.set_sen_status(actor=SYSTEM, child=child, status="E", on=date(base - 1 - k % 4, 2, 1))
        people.set_needs(actor=SYSTEM, child=child, need_codes=["ASD" if k % 2 else "SEMH"])
        people.add_placement(
            actor=SYSTEM,
            child=child,
            establishment=special if k % 3 == 0 else school,
            placement_type="ON_ROLL",
            start_date=date(base - 5, 9, 1),
        )
    return base


def scenario_data(year: int, /, **changes) -> dict:
    data = {
        "name": "Test scenario",
        "description": "",
        "base": "casework",
        "la_code": "",
        "base_year": year,
        "years": 5,
        "levers": {},
        "unit_costs": {},
        "hnb_allocation": None,
        "opening_balance": None,
        "allocation_growth": 0.0,
        "population_growth": 0.0,
        "is_baseline": False,
    }
    data.update(changes)
    return data


@pytest.fixture
def make_scenario(small_council):
    def make(actor=SYSTEM, **changes):
        return services.create_scenario(actor=actor, data=scenario_data(small_council, **changes))

    return make


def settled(client, path: str):
    """GET a forecast page as a person would: the first visit queues the run and shows that it is being
    calculated; a worker runs it; the same page then shows the kept forecast."""
    from highneeds.jobs.queue import run_pending

    response = client.get(path)
    if response.status_code == 200 and b"data-poll-url" in response.content:
        run_pending()
        response = client.get(path)
    return response
