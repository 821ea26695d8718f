"""Fixtures for disagreements: a caseworker and a child whose plan is in force, naming a school."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.fixture
def caseworker(make_user):
    return make_user("caseworker")


@pytest.fixture
def school(make_establishment):
    return make_establishment(name="Brookside Primary")


@pytest.fixture
def plan(make_child, school):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.people.services import add_parent
    from highneeds.plans.models import Plan, PlanVersion

    child = make_child(sen_status="E", establishment=school)
    add_parent(
        actor=SYSTEM,
        child=child,
        first_name="Pat",
        last_name="Samplefield",
        relationship="Mother",
        parental_responsibility=True,
    )
    found = Plan.objects.create(child=child, status="final", first_issued_on=date(2022, 3, 1))
    PlanVersion.objects.create(
        plan=found, number=1, kind="final", state="issued", issued_on=date(2022, 3, 1), establishment=school
    )
    return found


@pytest.fixture
def child(plan):
    return plan.child


@pytest.fixture
def notice(caseworker, child):
    from highneeds.disputes import services

    return services.record_decision_notice(
        actor=caseworker, child=child, matter="plan_content", sent_on=ago(100), summary="Amended plan issued"
    )
