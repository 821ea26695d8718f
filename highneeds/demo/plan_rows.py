"""Plan rows without plan documents, in bulk: for the national synthetic set (about 470,000 plans), where writing
each plan's document as `highneeds demo-data` does (plans.demo) would take longer than the SEN2 return it feeds.

For every child with EHC status and no plan yet: a Plan in force since the child's first `final_plan_issued` case
event (a fixed 400 days ago without one) and its issued version naming the child's current school. Written like
the demo loader's tables (`bulk.load_table`: executemany on SQLite, COPY on PostgreSQL, one `demo.load` audit
event per batch), inside one service; `flush_demo_data` removes them with their children.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Min

from highneeds.audit.service import require, service
from highneeds.casework.models import CaseEvent
from highneeds.people.models import Child, Placement
from highneeds.plans.models import Plan, PlanVersion

from .bulk import load_table

NO_EVENT_DAYS = 400  # a plan with no recorded issue: in force since this many days ago


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


@service
def load_plan_rows(*, actor, batch_size: int = 20000) -> int:
    """The number of plans written (each with one issued version)."""
    require(actor, "people.import_children")
    first = dict(
        CaseEvent.objects.filter(event_type="final_plan_issued")
        .values("child_id")
        .annotate(first=Min("occurred_on"))
        .values_list("child_id", "first")
    )
    school = dict(
        Placement.objects.filter(end_date__isnull=True, placement_type="ON_ROLL").values_list(
            "child_id", "establishment_id"
        )
    )
    planned = set(Plan.objects.values_list("child_id", flat=True))
    children = [
        c for c in Child.objects.filter(sen_status="E").order_by("pk").values_list("pk", flat=True) if c not in planned
    ]
    fallback = date.today() - timedelta(days=NO_EVENT_DAYS)
    issued = [(first.get(c) or fallback).isoformat() for c in children]
    plan_first, version_first = _next_id(Plan), _next_id(PlanVersion)

    def plans(start: int, stop: int) -> dict[str, list]:
        return {
            "child_id": children[start:stop],
            "status": ["final"] * (stop - start),
            "first_issued_on": issued[start:stop],
        }

    def versions(start: int, stop: int) -> dict[str, list]:
        n = stop - start
        return {
            "plan_id": list(range(plan_first + start, plan_first + stop)),
            "number": [1] * n,
            "kind": ["final"] * n,
            "state": ["issued"] * n,
            "issued_on": issued[start:stop],
            "establishment_id": [school.get(c) for c in children[start:stop]],
        }

    extra = {"scope": "plan rows"}
    with connection.cursor() as cursor:
        for model, renderer, first_id in ((Plan, plans, plan_first), (PlanVersion, versions, version_first)):
            load_table(cursor, actor, model, renderer, len(children), first_id, batch_size, lambda n: None, extra)
        for sql in connection.ops.sequence_reset_sql(no_style(), [Plan, PlanVersion]):  # ids were given: PostgreSQL
            cursor.execute(sql)
    return len(children)
