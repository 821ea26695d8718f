"""Demo plans: one issued plan for every child with a plan, written from their needs; idempotent."""

from __future__ import annotations

from datetime import date

from highneeds.accounts.roles import SYSTEM
from highneeds.casework.models import CaseEvent
from highneeds.demo.extras import prepare_app
from highneeds.engine import plandiff, planquality
from highneeds.plans import demo
from highneeds.plans.models import Plan, PlanVersion


def test_demo_plans_for_children_with_plans(make_child, make_establishment):
    school = make_establishment(name="Demo Primary")
    ehc = [make_child(sen_status="E", needs=("ASD", "SLCN"), establishment=school) for _ in range(21)]
    history_only = make_child(sen_status="K", needs=("MLD",))
    CaseEvent.objects.create(child=history_only, event_type="final_plan_issued", occurred_on=date(2021, 3, 1))
    CaseEvent.objects.create(
        child=history_only, event_type="plan_ceased", occurred_on=date(2023, 7, 20), detail={"reason": "2"}
    )
    make_child(sen_status="K")  # no plan: nothing made
    counts = prepare_app(actor=SYSTEM, module=demo)
    assert counts["plans"] == 22
    assert Plan.objects.filter(status="final").count() == 21
    ceased = Plan.objects.get(child=history_only)
    assert ceased.status == "ceased" and ceased.first_issued_on == date(2021, 3, 1) and ceased.cease_reason == "2"
    version = PlanVersion.objects.filter(plan__child=ehc[1], state="issued").get()
    assert version.sections["I"]["name"] == "Demo Primary" and version.establishment == school
    assert [n["code"] for n in version.sections["B"]["needs"]] == ["ASD", "SLCN"]
    assert planquality.check(version.sections, ncy=5).score == 100
    amended = PlanVersion.objects.filter(kind="amended_final")
    assert amended.count() == 2  # every 20th plan: the 1st and the 21st
    first = amended.first()
    assert first.plan.versions.get(number=1).state == "superseded"
    changes = plandiff.diff(first.plan.versions.get(number=1).sections, first.sections)
    assert any(d.changes for d in changes)
    # idempotent
    assert prepare_app(actor=SYSTEM, module=demo) == {"plans": 0, "plan_versions": 0}
    assert Plan.objects.count() == 22
