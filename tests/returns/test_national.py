"""The national run (benchmarks/sen2.py --national): several synthetic councils in one database, each LA's return
cut by its children, must be the return that LA's own database gives."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.conf import settings

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.demo import synthetic
from highneeds.demo.loader import load_demo
from highneeds.demo.plan_rows import load_plan_rows
from highneeds.engine import publicdata
from highneeds.engine.sen2 import model as m
from highneeds.plans.models import Plan, PlanVersion
from highneeds.returns import extract

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (settings.SHARED_DATA_DIR / publicdata.CASELOAD_FILE).is_file(), reason="shared data folder not present"
    ),
]

SCALE, CODES, AT = 0.02, ["380", "384"], datetime(2027, 1, 2, 9, 0)


@pytest.fixture(scope="module")
def generated():
    targets = publicdata.load_targets(settings.SHARED_DATA_DIR)
    shared = synthetic.shared_for(targets, settings.SHARED_DATA_DIR, seed=2022)
    return targets, shared


def load(generated, codes) -> None:
    targets, shared = generated
    councils = list(synthetic.generate_national(targets, shared, scale=SCALE, seed=2022, codes=codes))
    load_demo(
        actor=SYSTEM,
        councils=councils,
        shared=shared,
        council_name="England (synthetic)",
        la_code="999",
        flush=True,
        expected_councils=len(codes),
    )
    load_plan_rows(actor=SYSTEM)


def by_la() -> dict[str, list[int]]:
    out: dict[str, set[int]] = {}
    for model in (Plan, extract.AssessmentRequest):
        for child_id, la in model.objects.values_list("child_id", "child__responsible_la"):
            out.setdefault(la, set()).add(child_id)
    return {la: sorted(ids) for la, ids in out.items()}


def exported(la: str, **cut) -> tuple[bytes, list]:
    ex = extract.build(year=2027, la=la, generated=AT, **cut)
    return m.to_xml(ex.ret), sorted((g.name, g.module, g.item, g.why) for g in ex.gaps)


def test_each_la_of_a_national_set_exports_as_its_own_database_would(generated):
    load(generated, CODES)
    national = {la: exported(la, children=ids) for la, ids in by_la().items()}
    assert sorted(national) == CODES
    for la in CODES:
        assert national[la] == exported(la, only_responsible=True)  # both ways of cutting agree
    # One council alone (the same synthetic council, other ids): the same return, byte for byte.
    load(generated, ["384"])
    alone = exported("384")
    assert alone == national["384"]
    assert alone[0].count(b"<Person>") > 20 and b"<ActivePlans>" in alone[0]


def test_plan_rows_are_one_issued_plan_per_ehc_child_audited_per_batch(generated):
    load(generated, ["384"])
    plans = Plan.objects.count()
    assert plans == extract.Child.objects.filter(sen_status="E").count() > 0
    assert PlanVersion.objects.filter(state="issued", number=1).count() == plans
    assert not PlanVersion.objects.filter(issued_on__isnull=True).exists()
    batches = AuditEvent.objects.filter(action="demo.load", object_type="plans.plan")
    assert sum(e.after["rows"] for e in batches) == plans
    assert load_plan_rows(actor=SYSTEM) == 0  # children who have a plan are skipped
    assert Plan.objects.count() == plans
