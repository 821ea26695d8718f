"""Where the assessment meets the plan document: the draft plan sent and the final plan issued.

The assessment's steps (services.py) and the plan's own (plans.services) each stay in their domain; these two
steps move both together, in one transaction, so neither domain's services import the other's.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine.clock.machines import REPRESENTATION_DAYS, missing_predecessors
from highneeds.letters import context as letter_context
from highneeds.people import services as people
from highneeds.plans import queries as plan_queries
from highneeds.plans import services as plans
from highneeds.plans.queries import family_plan_path

from .clock import case_for_clock
from .models import EVENT_TYPES, AssessmentRequest, CaseEvent
from .services._common import _due, _event, _letter_to_family, _refresh, _step


@service
def send_draft_plan(*, actor, request: AssessmentRequest, sent_on: date) -> CaseEvent:
    require(actor, "casework.manage")
    _step(request, "send_draft_plan")
    if not request.decisions.filter(kind="issue", outcome=True).exists():
        raise ValidationError({"__all__": "Record the decision to issue a plan before sending the draft"})
    event = _event(request, "draft_plan_sent", sent_on)
    request.status = "draft"
    _refresh(request)
    # The plan document: the draft being written, or a new one prefilled from the advice; section I blank.
    draft = plans.draft_for_request(actor=actor, request=request)
    plans.send_draft(actor=actor, version=draft, sent_on=sent_on, letter=False)
    log.record(
        actor=actor,
        action="request.draft_sent",
        obj=event,
        child=request.child_id,
        after={"sent_on": sent_on, "plan_version": draft.pk},
    )
    _letter_to_family(
        actor,
        request,
        "draft_plan",
        last_representation_day=sent_on + timedelta(days=REPRESENTATION_DAYS - 1),
        plan_url=family_plan_path(request.child),
    )
    return event


def _issue_errors(request: AssessmentRequest, issued_on: date, establishment, setting_type: str):
    """Everything a final plan needs before it is issued, checked before anything is written: the decision to
    issue, the clock's predecessors (the draft sent), the family's 15 days, advice on file, and the plan's
    own content (plans.queries.issue_errors)."""
    errors: dict[str, list[str]] = {}
    if not request.decisions.filter(kind="issue", outcome=True).exists():
        errors.setdefault("__all__", []).append("Record the decision to issue a plan before issuing it")
    history = case_for_clock(request)["events"]
    for missing in missing_predecessors("final_plan_issued", history):
        errors.setdefault("__all__", []).append(
            f"The case has no {EVENT_TYPES.get(missing.split()[0], missing).lower()}"
            f" event: a final plan cannot be issued without it"
        )
    earliest = _due(request).get("earliest_finalisation")
    if earliest and issued_on < earliest:
        errors.setdefault("issued_on", []).append(
            f"The family has until {earliest - timedelta(days=1):%-d %B %Y} to comment on the draft: the plan can be "
            f"finalised from {earliest:%-d %B %Y}"
        )
    if not request.advice_requests.filter(received_on__isnull=False).exists():
        errors.setdefault("__all__", []).append(
            "No advice is on file: record the advice received before issuing the plan (regulation 6)"
        )
    plan = plan_queries.current_plan(request.child)
    draft = plan_queries.editable_version(plan) if plan else None
    if draft is None or draft.kind != "draft":
        errors.setdefault("__all__", []).append("There is no draft plan to issue")
    else:
        for name, messages in plan_queries.issue_errors(
            draft, max(issued_on, earliest or issued_on), establishment, setting_type
        ).items():
            errors.setdefault("urn" if name == "establishment" else name, []).extend(messages)
    return errors, draft


@service
def issue_final_plan(
    *, actor, request: AssessmentRequest, issued_on: date, establishment=None, setting_type: str = ""
) -> CaseEvent:
    """Finalise. Refused unless every legal predecessor is on the case and the plan says what it must; then the
    case, the plan, the child's SEN status and the history move together (one transaction)."""
    require(actor, "casework.manage")
    _step(request, "issue_final_plan")
    errors, draft = _issue_errors(request, issued_on, establishment, setting_type)
    if errors:
        raise ValidationError(errors)
    event = _event(
        request,
        "final_plan_issued",
        issued_on,
        **({"urn": str(establishment.urn or establishment.pk)} if establishment else {}),
    )
    request.status, request.closed_on = "plan_issued", issued_on
    _refresh(request)
    child = request.child
    # The plan document: the draft becomes the final plan, fixed for good, with section I the named setting.
    plans.issue_version(
        actor=actor,
        version=draft,
        issued_on=issued_on,
        establishment=establishment,
        setting_type=setting_type,
        letter=False,
    )
    if child.sen_status != "E":
        people.set_sen_status(actor=actor, child=child, status="E", on=issued_on)
    if (
        establishment is not None
        and not child.placements.filter(establishment=establishment, end_date__isnull=True).exists()
    ):
        people.add_placement(
            actor=actor,
            child=child,
            establishment=establishment,
            placement_type="ON_ROLL",
            start_date=max(issued_on, date.today()),
        )
    log.record(
        actor=actor,
        action="request.final_plan",
        obj=event,
        child=child.pk,
        after={"issued_on": issued_on, "establishment": getattr(establishment, "pk", None)},
    )
    _letter_to_family(actor, request, "final_plan", establishment=letter_context.establishment(establishment))
    return event
