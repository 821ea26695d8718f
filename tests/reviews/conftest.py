"""Fixtures for reviews: a child with a plan in force (made directly: the plans app's own tests cover making one)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM


@pytest.fixture
def make_plan(db, make_child, make_establishment):
    from highneeds.plans import sections
    from highneeds.plans.models import Plan, PlanVersion

    def make(*, child=None, issued_on=None, dob=date(2014, 5, 3), establishment=None, **child_fields):
        if child is None:
            establishment = establishment or make_establishment()
            child = make_child(sen_status="E", establishment=establishment, dob=dob, **child_fields)
        issued_on = issued_on or date.today() - timedelta(days=330)
        plan = Plan.objects.create(child=child, status="final", first_issued_on=issued_on)
        words = sections.blank()
        words["I"] = {"name": establishment.name if establishment else "Mainstream school", "type": "Mainstream"}
        # What every issued plan says: a described need in B and specific, quantified provision in F.
        words["B"]["needs"] = [
            {"id": "b1", "area": "cognition_learning", "code": "SLD", "text": "Reads well below age"}
        ]
        words["F"]["items"] = [
            {
                "id": "f1",
                "what": "Structured reading programme",
                "who": "Specialist teacher",
                "expertise": "",
                "frequency": "Daily",
                "duration": "20 minutes",
                "group_size": "1:1",
                "needs": ["b1"],
                "outcomes": [],
            }
        ]
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            kind="final",
            state="issued",
            sections=words,
            issued_on=issued_on,
            establishment=establishment,
        )
        return plan

    return make


@pytest.fixture
def caseworker(make_user):
    return make_user("caseworker")


@pytest.fixture
def family(make_plan, make_user):
    """A plan and a parent with an account linked to the child."""
    from highneeds.people import services as people

    plan = make_plan()
    parent = make_user("parent")
    people.add_parent(
        actor=SYSTEM, child=plan.child, first_name="Pat", last_name="Reviewer", email="pat@example.org", user=parent
    )
    return {"plan": plan, "child": plan.child, "parent": parent}


def days(n: int) -> date:
    return date.today() + timedelta(days=n)


def send_amendments(caseworker, plan, source: str, sent_on: date):
    """Proposed amendments sent to the family (from the plan's page), so that a later step may issue them."""
    from highneeds.plans import services as plans

    version = plans.start_amendment(actor=caseworker, plan=plan, source=source, started_on=sent_on)
    return plans.send_proposed_amendments(actor=caseworker, version=version, sent_on=sent_on)
