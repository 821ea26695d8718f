"""/api/v1/children/{id}/disagreements: a child's decision notices with their mediation and statutory
deadlines, tribunal appeals with orders, cessations, and complaints or Ombudsman cases.

For the SEND team only (`disputes.view`); each call is audited as a read of the child's record
(`disputes.view_api`).
"""
# No `from __future__ import annotations` here: ninja reads the views' annotations at import.

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Path, Router, Schema

from highneeds.disputes import clock, queries
from highneeds.people.queries import open_child_record

from .errors import DETAIL_ERRORS
from .permissions import guarded
from .schemas import MAX_ID

router = Router(tags=["disagreements"])


class Deadline(Schema):
    step: str
    due: date
    done: date | None = None
    status: str


class MediationOut(Schema):
    stage: str
    adviser_contacted_on: date | None = None
    declined_on: date | None = None
    requested_on: date | None = None
    health_in_dispute: bool
    health_only: bool
    arranged_on: date | None = None
    mediation_on: date | None = None
    held_on: date | None = None
    outcome: str
    certificate_on: date | None = None


class NoticeOut(Schema):
    id: int
    matter: str
    sent_on: date
    letter_id: int | None = None
    deadlines: list[Deadline]
    mediation: MediationOut | None = None


class OrderOut(Schema):
    id: int
    kind: str
    made_on: date
    due_on: date
    binding: bool
    complied_on: date | None = None
    overdue: bool


class AppealOut(Schema):
    id: int
    notice_id: int
    matters: list[str]
    tribunal_reference: str
    lodged_on: date
    response_due: date
    response_sent_on: date | None = None
    hearing_on: date | None = None
    outcome: str
    outcome_on: date | None = None
    orders: list[OrderOut]


class CessationOut(Schema):
    id: int
    plan_id: int
    status: str
    reason: str
    proposed_on: date
    decided_on: date | None = None
    takes_effect_on: date | None = None
    can_take_effect_from: date | None = None
    ceased_on: date | None = None
    notice_id: int | None = None


class ComplaintOut(Schema):
    id: int
    stage: str
    received_on: date
    response_due: date
    responded_on: date | None = None
    outcome: str
    escalated_from_id: int | None = None


class Disagreements(Schema):
    child_id: int
    notices: list[NoticeOut]
    appeals: list[AppealOut]
    cessations: list[CessationOut]
    complaints: list[ComplaintOut]


MEDIATION_FIELDS = tuple(MediationOut.model_fields)


@router.get(
    "/children/{child_id}/disagreements",
    response={200: Disagreements, **DETAIL_ERRORS},
    summary="A child's disagreements",
    description=(
        "Decision notices with the mediation that followed and their statutory deadlines (from the statutory "
        "clock: `mediation_arranged:<key>`, `mediation_certificate:<key>`, `appeal_deadline:<key>`), tribunal "
        "appeals with their orders, cessations of the plan (with the first day each may take effect), and "
        "complaints and Ombudsman cases. Needs `disputes.view` (caseworkers and managers). 404 means the child "
        "does not exist. Each call is audited as a read of the child's record."
    ),
)
@guarded("disputes.view")
def child_disagreements(request, child_id: int = Path(..., ge=1, le=MAX_ID)):
    try:
        child = open_child_record(request.auth, child_id, what="dispute.view_api")
    except PermissionDenied:
        raise Http404("child") from None
    found = queries.child_disputes(child)
    today = date.today()
    for notice in found["notices"]:  # statuses move from pending to overdue as days pass: ask the clock afresh
        try:
            clock.apply_result(notice, clock.run_clock(notice, today=today))
        except ValidationError:
            pass  # keep the answer cached when the record was last saved
    return {
        "child_id": child.pk,
        "notices": [
            {
                "id": n.pk,
                "matter": n.matter,
                "sent_on": n.sent_on,
                "letter_id": n.letter_id,
                "deadlines": n.deadlines,
                "mediation": (
                    {f: getattr(n.mediation, f) for f in MEDIATION_FIELDS} if getattr(n, "mediation", None) else None
                ),
            }
            for n in found["notices"]
        ],
        "appeals": [
            {
                "id": a.pk,
                "notice_id": a.notice_id,
                "matters": a.matters,
                "tribunal_reference": a.tribunal_reference,
                "lodged_on": a.lodged_on,
                "response_due": a.response_due,
                "response_sent_on": a.response_sent_on,
                "hearing_on": a.hearing_on,
                "outcome": a.outcome,
                "outcome_on": a.outcome_on,
                "orders": [
                    {
                        "id": o.pk,
                        "kind": o.kind,
                        "made_on": o.made_on,
                        "due_on": o.due_on,
                        "binding": o.binding,
                        "complied_on": o.complied_on,
                        "overdue": o.overdue(today),
                    }
                    for o in a.orders.all()
                ],
            }
            for a in found["appeals"]
        ],
        "cessations": [
            {
                "id": c.pk,
                "plan_id": c.plan_id,
                "status": c.status,
                "reason": c.reason,
                "proposed_on": c.proposed_on,
                "decided_on": c.decided_on,
                "takes_effect_on": c.takes_effect_on,
                "can_take_effect_from": queries.cessation_effective(c).on,
                "ceased_on": c.ceased_on,
                "notice_id": c.notice_id,
            }
            for c in found["cessations"]
        ],
        "complaints": [
            {
                "id": c.pk,
                "stage": c.stage,
                "received_on": c.received_on,
                "response_due": c.response_due,
                "responded_on": c.responded_on,
                "outcome": c.outcome,
                "escalated_from_id": c.escalated_from_id,
            }
            for c in found["complaints"]
        ],
    }
