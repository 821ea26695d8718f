"""Decisions: whether to assess, whether to issue, the family's representations, exceptions to the clock and withdrawals."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service

from .. import notify
from ..clock import exception_json, run_clock
from ..models import (
    EXCEPTION_TYPES,
    AssessmentRequest,
    ClockException,
    Decision,
    Representation,
)
from ._common import _due, _event, _letter_to_family, _refresh, _step

# ---------------------------------------------------------------------------------------------
# Decisions


def _decide(actor, request, kind, outcome, decided_on, reasons, recommendation, departure_reasons) -> Decision:
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision"})
    if decided_on > date.today():
        raise ValidationError({"decided_on": "The decision date cannot be in the future"})
    if recommendation is not None:
        follows = {
            ("assess", "assess"): True,
            ("assess", "not_assess"): False,
            ("issue", "issue"): True,
            ("issue", "not_issue"): False,
        }.get((kind, recommendation.outcome))
        if follows is not None and follows != outcome and not departure_reasons.strip():
            raise ValidationError({"departure_reasons": "Say why the decision differs from the panel's recommendation"})
    if request.decisions.filter(kind=kind).exists():
        raise ValidationError({"__all__": "This decision has already been recorded"})
    return Decision.objects.create(
        request=request,
        kind=kind,
        outcome=outcome,
        decided_on=decided_on,
        reasons=reasons,
        decided_by=actor if getattr(actor, "pk", None) else None,
        recommendation=recommendation,
        departure_reasons=departure_reasons,
    )


def _log_decision(actor, decision: Decision, action: str) -> None:
    """One audit event per council decision, with what was decided and why (the decision keeps them all)."""
    log.record(
        actor=actor,
        action=action,
        obj=decision,
        child=decision.request.child_id,
        after={
            decision.kind: decision.outcome,
            "reasons": decision.reasons,
            "recommendation": decision.recommendation_id,
            "departure_reasons": decision.departure_reasons,
        },
    )


@service
def decide_whether_to_assess(
    *,
    actor,
    request: AssessmentRequest,
    assess: bool,
    decided_on: date,
    reasons: str,
    recommendation=None,
    departure_reasons: str = "",
) -> Decision:
    require(actor, "casework.manage")
    _step(request, "decide_whether_to_assess")
    decision = _decide(actor, request, "assess", assess, decided_on, reasons, recommendation, departure_reasons)
    _event(request, "decision_to_assess", decided_on, outcome="assess" if assess else "not_assess")
    if not assess:
        request.status, request.closed_on = "not_assess", decided_on
    else:
        request.status = "assess"
    _refresh(request)
    _log_decision(actor, decision, "request.decide_assess")
    if assess:
        _letter_to_family(
            actor,
            request,
            "decision_to_assess_yes",
            decision={"reasons": reasons},
            due={"final_plan": _due(request).get("final_plan")},
        )
    else:
        _letter_to_family(actor, request, "decision_to_assess_no", decision={"reasons": reasons})
    return decision


@service
def record_exception(
    *,
    actor,
    request: AssessmentRequest,
    code: str,
    date_from: date,
    date_to: date | None,
    reason: str,
    evidence: str = "",
    adviser: str = "",
) -> ClockException:
    require(actor, "casework.manage")
    _step(request, "record_exception")
    if code not in EXCEPTION_TYPES:
        raise ValidationError({"code": f"{code} is not a permitted exception"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the exception applies"})
    exception = ClockException(
        request=request,
        code=code,
        date_from=date_from,
        date_to=date_to,
        reason=reason,
        evidence=evidence,
        adviser=adviser,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    run_clock(request, extra_exception=exception_json(exception))
    exception.save()
    _refresh(request)
    log.record(
        actor=actor,
        action="request.exception",
        obj=exception,
        child=request.child_id,
        after={"code": code, "from": date_from, "to": date_to, "reason": reason},
    )
    return exception


@service
def decide_whether_to_issue(
    *,
    actor,
    request: AssessmentRequest,
    issue: bool,
    decided_on: date,
    reasons: str,
    recommendation=None,
    departure_reasons: str = "",
) -> Decision:
    require(actor, "casework.manage")
    _step(request, "decide_whether_to_issue")
    decision = _decide(actor, request, "issue", issue, decided_on, reasons, recommendation, departure_reasons)
    if not issue:
        _event(request, "decision_not_to_issue", decided_on)
        request.status, request.closed_on = "not_issued", decided_on
    _refresh(request)
    _log_decision(actor, decision, "request.decide_issue")
    if not issue:
        _letter_to_family(actor, request, "decision_not_to_issue", decision={"reasons": reasons})
    return decision


@service
def record_representation(
    *,
    actor,
    request: AssessmentRequest,
    received_on: date,
    text: str = "",
    preferred_establishment=None,
    meeting_requested: bool = False,
) -> Representation:
    """The family's views on the draft, a setting they ask to be named, and whether they want a meeting."""
    family = getattr(actor, "role", None) in ("parent", "young_person") and actor.has_perm(
        "people.view_child", request.child
    )
    if not family:
        require(actor, "casework.manage")
    _step(request, "record_representation")
    if not (text.strip() or preferred_establishment or meeting_requested):
        raise ValidationError({"text": "Tell us your views, the setting you would like, or that you want a meeting"})
    rep = Representation.objects.create(
        request=request,
        received_on=received_on,
        text=text,
        preferred_establishment=preferred_establishment,
        meeting_requested=meeting_requested,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    log.record(
        actor=actor,
        action="request.representation",
        obj=rep,
        child=request.child_id,
        after={
            "preferred_establishment": getattr(preferred_establishment, "pk", None),
            "meeting_requested": meeting_requested,
        },
    )
    notify.caseworker(request, "The family has responded to the draft plan")
    return rep


@service
def withdraw_request(*, actor, request: AssessmentRequest, withdrawn_on: date, reason: str) -> AssessmentRequest:
    require(actor, "casework.manage")
    _step(request, "withdraw_request")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request was withdrawn"})
    _event(request, "request_withdrawn", withdrawn_on, reason=reason)
    request.status, request.closed_on = "withdrawn", withdrawn_on
    _refresh(request)
    log.record(
        actor=actor,
        action="request.withdraw",
        obj=request,
        child=request.child_id,
        after={"withdrawn_on": withdrawn_on, "reason": reason},
    )
    _letter_to_family(actor, request, "request_withdrawn", withdrawn_on=withdrawn_on, reason=reason)
    return request
