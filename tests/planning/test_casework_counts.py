"""Counting a small council's casework for the forecast: each figure worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.casework.models import AssessmentRequest
from highneeds.engine.forecast import inputs
from highneeds.people import services as people
from highneeds.planning.casework_counts import casework_counts

pytestmark = pytest.mark.django_db
S, N = inputs.S, inputs.N


def plan(make_child, *, dob, start, need, ceased=None):
    child = make_child(sen_status="N", dob=dob)
    people.set_sen_status(actor=SYSTEM, child=child, status="E", on=start)
    people.set_needs(actor=SYSTEM, child=child, need_codes=[need])
    if ceased:
        people.set_sen_status(actor=SYSTEM, child=child, status="K", on=ceased)
    return child


@pytest.fixture
def council(make_child, make_establishment):
    mainstream = make_establishment(establishment_type="MS_LA")
    academy = make_establishment(establishment_type="MS_ACADEMY", phase="SECONDARY")
    independent = make_establishment(establishment_type="SP_INDEPENDENT", phase="ALL_THROUGH")
    a = plan(make_child, dob=date(2014, 5, 3), start=date(2021, 3, 1), need="ASD")
    people.add_placement(
        actor=SYSTEM, child=a, establishment=mainstream, placement_type="ON_ROLL", start_date=date(2019, 9, 1)
    )
    b = plan(make_child, dob=date(2010, 10, 10), start=date(2022, 6, 1), need="SEMH")
    people.add_placement(
        actor=SYSTEM, child=b, establishment=independent, placement_type="ON_ROLL", start_date=date(2022, 9, 1)
    )
    people.add_placement(
        actor=SYSTEM, child=b, establishment=mainstream, placement_type="DUAL", start_date=date(2023, 1, 1)
    )
    c = plan(make_child, dob=date(2012, 1, 1), start=date(2020, 2, 2), need="MLD", ceased=date(2023, 7, 1))
    people.add_placement(
        actor=SYSTEM, child=c, establishment=mainstream, placement_type="ON_ROLL", start_date=date(2019, 9, 1)
    )
    plan(make_child, dob=date(2016, 3, 3), start=date(2024, 3, 1), need="SLCN")  # after the base date
    e = plan(make_child, dob=date(2008, 1, 20), start=date(2019, 5, 5), need="SLD")
    people.add_placement(
        actor=SYSTEM, child=e, establishment=academy, placement_type="UNIT", start_date=date(2019, 9, 1)
    )
    plan(make_child, dob=date(2018, 6, 6), start=date(2023, 2, 2), need="DS")  # no placement recorded
    make_child(sen_status="K", dob=date(2013, 1, 1))  # SEN support only: never counted
    for received, status in (
        (date(2022, 3, 1), "plan_issued"),
        (date(2022, 5, 1), "not_assess"),
        (date(2023, 1, 9), "plan_issued"),
        (date(2024, 2, 1), "plan_issued"),
    ):
        AssessmentRequest.objects.create(child=a, received_on=received, source="1", status=status)
    AssessmentRequest.objects.create(
        child=b,
        received_on=date(2023, 2, 1),
        source="1",
        status="pending",
        duplicate_of=AssessmentRequest.objects.get(received_on=date(2023, 1, 9)),
    )


def test_plans_at_the_base_date_by_age_need_and_setting(council):
    found = casework_counts(2024)
    assert found.total == 4
    # Age on the 31 August before the January (as SEN2 counts it).
    assert found.counts[9, N["ASD"], S["mainstream"]] == 1
    assert found.counts[12, N["SEMH"], S["independent_special"]] == 1  # on roll beats the dual registration
    assert found.counts[15, N["SLD"], S["sen_unit_rp"]] == 1  # a unit in an academy
    assert found.counts[5, N["DS"], S["other"]] == 1  # no placement: "other", and noted
    assert found.unplaced == 1 and "1 plan had no placement" in found.notes[0]
    assert found.counts.shape == (26, len(inputs.NEEDS), len(inputs.SETTINGS))


def test_new_and_ceased_plans_and_requests_by_calendar_year(council):
    found = casework_counts(2024)
    assert found.history_years == [2019, 2020, 2021, 2022, 2023]
    assert found.new_plans.sum(axis=(1, 2)).tolist() == [1, 1, 1, 1, 1]
    assert found.new_plans[2, 6, N["ASD"]] == 1  # 2021, aged 6 when the plan started
    assert found.new_plans[0, 11, N["SLD"]] == 1  # 2019
    assert found.ceased.sum(axis=1).tolist() == [0, 0, 0, 0, 1]
    assert found.ceased[4, 11] == 1  # ceased in July 2023 aged 11
    # 2022: two requests, one became a plan; 2023: one (its duplicate left out); 2024 is after the history.
    assert found.requests.tolist() == [0, 0, 0, 2, 1]
    assert found.conversions.tolist() == [0, 0, 0, 1, 1]


def test_a_later_base_year_moves_the_snapshot(council):
    found = casework_counts(2025)
    assert found.total == 5  # the plan made in March 2024 is now in force
    assert np.isclose(found.new_plans[-1].sum(), 1)  # 2024
