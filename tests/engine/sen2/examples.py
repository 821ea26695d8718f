"""A small valid SEN2 return built from the model, for tests to break one item at a time."""

from __future__ import annotations

import copy
from datetime import date

from highneeds.engine.sen2 import model as m


def valid_return(year: int = 2027) -> m.Return:
    plan = m.NamedPlan(start_date=date(2026, 5, 1), details=[m.PlacementDetail(urn="100001", rank=1)])
    assessment = m.Assessment(
        outcome="I", outcome_date=date(2026, 4, 20), week20=False, mediation=False, tribunal=False, plans=[plan]
    )
    active = m.ActivePlan(
        review_meeting=date(2026, 11, 2),
        review_outcome="M",
        last_review=date(2026, 11, 2),
        placements=[m.PlacementDetail(urn="100001", rank=1, entry_date=date(2025, 9, 1))],
        needs=[m.SENneed("ASD", 1), m.SENneed("SLCN", 2)],
    )
    request = m.Request(
        received_date=date(2026, 1, 5),
        source="1",
        outcome_date=date(2026, 2, 10),
        outcome="A",
        mediation=False,
        tribunal=False,
        assessments=[assessment],
        active_plans=[active],
    )
    first = m.Person(
        surname="Example",
        forename="Alex",
        birth_date=date(2015, 3, 2),
        sex="M",
        ethnicity="WBRI",
        postcode="LS1 4AP",
        upn="A123456789012",
        requests=[request],
    )
    second = m.Person(
        surname="Sample",
        forename="Sam",
        birth_date=date(2004, 6, 1),
        sex="F",
        ethnicity="NOBT",
        uln="1234567899",
        requests=[m.Request(received_date=date(2026, 3, 1), source="2", outcome_date=date(2026, 4, 1), outcome="N")],
    )
    return m.Return(m.Header(year=year, reference_date=date(year, 1, 21), la="384"), [first, second])


def variant(change) -> m.Return:
    ret = copy.deepcopy(valid_return())
    change(ret)
    return ret
