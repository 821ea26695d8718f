"""/api/v1: a child's EHC plan and its versions, one version's sections (A to K), and its quality check.

Read-only. Needs `plans.view_plan` on the child (families, the setting and invited professionals see only
versions that have been sent or issued; caseworkers see every version). Each call is audited as a read of the
child's record (`plan.view_api`). 404 means the plan or child does not exist *or* you may not see it.
"""
# No `from __future__ import annotations` here: ninja reads the views' annotations at import.

from datetime import date, datetime
from typing import Any

from django.http import Http404
from ninja import Path, Router, Schema

from highneeds.engine import planquality
from highneeds.plans import queries, rendering

from .errors import DETAIL_ERRORS
from .permissions import guarded
from .schemas import MAX_ID

router = Router(tags=["plans"])


class VersionSummary(Schema):
    id: int
    number: int
    kind: str
    state: str
    source: str
    sent_on: date | None
    issued_on: date | None


class PlanOut(Schema):
    id: int
    child_id: int
    status: str
    first_issued_on: date | None
    ceased_on: date | None
    cease_reason: str
    versions: list[VersionSummary]


class VersionOut(VersionSummary):
    plan_id: int
    child_id: int
    establishment_id: int | None
    updated_at: datetime
    sections: dict[str, Any]


class RuleOut(Schema):
    rule: str
    title: str
    passed: int
    total: int
    score: float
    weight: int


class FindingOut(Schema):
    rule: str
    section: str
    item: str
    message: str


class QualityOut(Schema):
    score: int
    max_score: int
    rules: list[RuleOut]
    findings: list[FindingOut]


def _summary(v) -> dict:
    return {
        "id": v.pk,
        "number": v.number,
        "kind": v.kind,
        "state": v.state,
        "source": v.source,
        "sent_on": v.sent_on,
        "issued_on": v.issued_on,
    }


@router.get(
    "/children/{child_id}/plan",
    response={200: PlanOut, **DETAIL_ERRORS},
    summary="A child's EHC plan",
    description="The child's current plan (or the latest ceased one) with the versions you may see, newest "
    "first. Needs `plans.view_plan` on the child. 404 for a missing child, a child without a "
    "plan, and a child you may not see alike.",
)
@guarded("plans.view_plan", gate="people.open_records", object_level=True)
def child_plan(request, child_id: int = Path(..., ge=1, le=MAX_ID)):
    child, plan = queries.open_child_plans(request.auth, child_id, what="plan.view_api")
    if plan is None:
        raise Http404("plan")
    return {
        "id": plan.pk,
        "child_id": child.pk,
        "status": plan.status,
        "first_issued_on": plan.first_issued_on,
        "ceased_on": plan.ceased_on,
        "cease_reason": plan.cease_reason,
        "versions": [_summary(v) for v in queries.visible_versions(request.auth, plan)],
    }


@router.get(
    "/plan-versions/{version_id}",
    response={200: VersionOut, **DETAIL_ERRORS},
    summary="One version of a plan, with its sections",
    description="Sections A to K as structured data (see docs/plans.md). Section K is the stored appendix "
    "list once issued. Needs `plans.view_plan` on the child.",
)
@guarded("plans.view_plan", gate="people.open_records", object_level=True)
def plan_version(request, version_id: int = Path(..., ge=1, le=MAX_ID)):
    v = queries.open_version(request.auth, version_id, what="plan.view_api")
    return {
        **_summary(v),
        "plan_id": v.plan_id,
        "child_id": v.plan.child_id,
        "establishment_id": v.establishment_id,
        "updated_at": v.updated_at,
        "sections": v.sections,
    }


@router.get(
    "/plan-versions/{version_id}/quality",
    response={200: QualityOut, **DETAIL_ERRORS},
    summary="The quality check of a plan version",
    description="The score out of 100 and itemised findings: every need has provision, provision is "
    "quantified, no vague words in section F, outcomes linked with a time frame and measure, "
    "preparation-for-adulthood outcomes from Year 9. Needs `plans.view_plan` on the child.",
)
@guarded("plans.view_plan", gate="people.open_records", object_level=True)
def plan_quality(request, version_id: int = Path(..., ge=1, le=MAX_ID)):
    v = queries.open_version(request.auth, version_id, what="plan.view_api")
    report: planquality.Report = rendering.quality(v)
    return report.as_dict()
