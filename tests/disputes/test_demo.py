"""The demo's disagreements: made through the services, visible on the overview, and idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.demo.extras import prepare_app
from highneeds.disputes import demo, queries
from highneeds.disputes.models import Appeal, Cessation, Complaint, DecisionNotice, Mediation, TribunalOrder
from highneeds.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(make_child, make_establishment):
    school = make_establishment()
    return [
        Plan.objects.create(
            child=make_child(sen_status="E", establishment=school), status="final", first_issued_on=date(2021, 1, 1)
        )
        for _ in range(8)
    ]


def test_demo_disagreements_are_made_once(plans):
    counts = prepare_app(actor=SYSTEM, module=demo)
    assert counts["disagreement_notices"] == 5
    assert Mediation.objects.count() == 4 and Appeal.objects.count() == 2
    assert TribunalOrder.objects.count() == 2
    assert set(Complaint.objects.values_list("stage", flat=True)) == {"stage1", "stage2", "ombudsman"}
    cessation = Cessation.objects.get()
    assert cessation.status == "notice_sent"
    assert Plan.objects.get(pk=cessation.plan_id).status == "final"  # in its appeal window
    overview = queries.overview(date.today())
    assert overview["certificates"] and overview["to_arrange"] and overview["overdue_orders"]
    assert overview["responses"] and overview["cessations"] and overview["complaints"]
    assert prepare_app(actor=SYSTEM, module=demo) == {}
    assert DecisionNotice.objects.count() == 5


def test_demo_needs_plans():
    assert prepare_app(actor=SYSTEM, module=demo) == {}
