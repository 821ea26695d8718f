"""Advice and consultation: asking advisers, recording and chasing their advice, consulting schools."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.letters import context as letter_context
from highneeds.letters.services import generate_letter
from highneeds.people import services as people

from .. import notify
from ..models import ADVISER_TYPES, AdviceRequest, AssessmentRequest, SchoolConsultation
from ._common import _advice_fields, _due, _event, _refresh, _step

# ---------------------------------------------------------------------------------------------
# Advice and consultation


@service
def request_advice(
    *, actor, request: AssessmentRequest, adviser_type: str, requested_on: date, adviser=None, adviser_name: str = ""
) -> AdviceRequest:
    require(actor, "casework.manage")
    _step(request, "request_advice")
    if adviser_type not in ADVISER_TYPES:
        raise ValidationError({"adviser_type": f"{adviser_type} is not a kind of advice"})
    if request.advice_requests.filter(adviser_type=adviser_type).exists():
        raise ValidationError({"adviser_type": "Advice of this kind has already been asked for"})
    if adviser is not None and adviser.role != "professional":
        raise ValidationError({"adviser": "Advice can only be asked of a professional's account"})
    _event(request, "advice_requested", requested_on, adviser=adviser_type)
    _refresh(request)
    advice = AdviceRequest.objects.create(
        request=request,
        adviser_type=adviser_type,
        adviser=adviser,
        adviser_name=adviser_name or (adviser.get_full_name() if adviser else ""),
        requested_on=requested_on,
        due_on=_due(request).get(f"advice:{adviser_type}"),
    )
    if adviser is not None:
        people.grant_access(
            actor=actor,
            child=request.child,
            user=adviser,
            reason=f"Advice for {request.reference}",
            expires_on=date.today() + timedelta(days=365),
        )
    log.record(
        actor=actor,
        action="advice.request",
        obj=advice,
        child=request.child_id,
        after={"adviser_type": adviser_type, "adviser": getattr(adviser, "pk", None), "due_on": advice.due_on},
    )
    generate_letter(
        actor=actor,
        code="advice_request",
        child=request.child,
        request=request,
        recipient=advice.adviser_name or advice.label,
        family_can_see=False,
        context=_advice_fields(advice),
    )
    notify.adviser(advice, f"Advice requested for an EHC needs assessment, due {advice.due_on:%-d %B %Y}")
    return advice


@service
def submit_advice(*, actor, advice: AdviceRequest, text: str, received_on: date | None = None) -> AdviceRequest:
    """An adviser gives advice through the portal (or a caseworker records advice that came another way)."""
    if getattr(actor, "pk", None) and actor.pk == advice.adviser_id:
        require(actor, "casework.give_advice")
        require(actor, "people.view_child", advice.request.child)
    else:
        require(actor, "casework.manage")
    _step(advice.request, "submit_advice")
    if advice.received_on:
        raise ValidationError({"__all__": "This advice has already been given"})
    if not text.strip():
        raise ValidationError({"text": "Enter your advice"})
    received_on = received_on or date.today()
    _event(advice.request, "advice_received", received_on, adviser=advice.adviser_type)
    advice.advice, advice.received_on = text, received_on
    advice.save(update_fields=["advice", "received_on"])
    _refresh(advice.request)
    log.record(
        actor=actor,
        action="advice.submit",
        obj=advice,
        child=advice.request.child_id,
        after={"received_on": received_on, "length": len(text)},
    )
    return advice


@service
def consult_school(*, actor, request: AssessmentRequest, establishment, sent_on: date) -> SchoolConsultation:
    require(actor, "casework.manage")
    _step(request, "consult_school")
    key = str(establishment.urn or establishment.pk)
    _event(request, "school_consultation_sent", sent_on, urn=key)
    consultation = SchoolConsultation.objects.create(request=request, establishment=establishment, sent_on=sent_on)
    _refresh(request)
    log.record(
        actor=actor,
        action="request.consult_school",
        obj=consultation,
        child=request.child_id,
        after={"establishment": establishment.pk, "sent_on": sent_on},
    )
    generate_letter(
        actor=actor,
        code="school_consultation",
        child=request.child,
        request=request,
        recipient=establishment.name,
        family_can_see=False,
        context={
            **letter_context.base(request.child, establishment.name),
            "establishment": letter_context.establishment(establishment),
            "reply_by": _due(request).get(f"school_consultation:{key}"),
        },
    )
    return consultation


@service
def record_consultation_response(
    *, actor, consultation: SchoolConsultation, response_on: date, response: str, notes: str = ""
) -> SchoolConsultation:
    require(actor, "casework.manage")
    _step(consultation.request, "record_consultation_response")
    if response not in dict(SchoolConsultation.RESPONSES) or not response:
        raise ValidationError({"response": "Choose the school's reply"})
    key = str(consultation.establishment.urn or consultation.establishment.pk)
    _event(consultation.request, "school_consultation_response", response_on, urn=key)
    consultation.response_on, consultation.response, consultation.notes = response_on, response, notes
    consultation.save(update_fields=["response_on", "response", "notes"])
    _refresh(consultation.request)
    log.record(
        actor=actor,
        action="request.consultation_response",
        obj=consultation,
        child=consultation.request.child_id,
        after={"response": response, "response_on": response_on},
    )
    return consultation


@service
def chase_advice(*, actor, advice: AdviceRequest, on: date) -> AdviceRequest:
    """Send a reminder before the due date (the `send-chasers` command runs this daily)."""
    generate_letter(
        actor=actor,
        code="advice_chaser",
        child=advice.request.child,
        request=advice.request,
        recipient=advice.adviser_name or advice.label,
        family_can_see=False,
        context=_advice_fields(advice),
    )
    advice.chased_on = on
    advice.save(update_fields=["chased_on"])
    log.record(actor=actor, action="advice.chase", obj=advice, child=advice.request.child_id, after={"on": on})
    notify.adviser(advice, f"Reminder: advice due {advice.due_on:%-d %B %Y}")
    return advice
