"""The EHC needs assessment pipeline. Each step records a dated event in the clock's vocabulary,
re-runs the statutory clock for the case, generates the letter the law expects, and tells the family.

Impossible orders of events are refused: the clock validates the case with the new event before
anything is saved, and its message becomes the error shown to the caseworker.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from highneeds.accounts.roles import SystemActor
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.council.models import CouncilSettings
from highneeds.engine.clock.machines import ASSESSMENT
from highneeds.letters import context as letter_context
from highneeds.letters.services import generate_letter, letters_to_family
from highneeds.people import services as people
from highneeds.people.models import Child
from highneeds.people.validation import clean_child, refuse_hidden_characters

from . import notify
from .clock import apply_result, exception_json, results_for, run_clock
from .models import (
    ADVISER_TYPES,
    EXCEPTION_TYPES,
    AdviceRequest,
    AssessmentRequest,
    CaseEvent,
    ClockException,
    Decision,
    Representation,
    SchoolConsultation,
)
from .queries import find_duplicate

# ---------------------------------------------------------------------------------------------
# The clock


def _refresh(request: AssessmentRequest) -> None:
    apply_result(request, run_clock(request))
    request.save(update_fields=["deadlines", "next_step", "next_due", "status", "closed_on"])


@service
def recalculate_clocks(
    *, actor, requests, today: date | None = None, batch_size: int = 2000, progress=None
) -> dict[str, int]:
    """Re-run the clock for many requests (nightly, so 'pending' turns 'overdue' as days pass, and
    after loading history). Cases the clock cannot read are counted and listed in the audit event."""
    require(actor, "casework.manage")
    ids = list(requests.values_list("pk", flat=True))
    done, broken = 0, []
    for start in range(0, len(ids), batch_size):
        batch = list(
            AssessmentRequest.objects.filter(pk__in=ids[start : start + batch_size]).prefetch_related(
                "events", "exceptions"
            )
        )
        for request, result in zip(batch, results_for(batch, today)):
            if result.errors:
                broken.append(request.pk)
            else:
                apply_result(request, result)
        AssessmentRequest.objects.bulk_update(
            [r for r in batch if r.pk not in broken], ["deadlines", "next_step", "next_due"], batch_size=500
        )
        done += len(batch)
        log.record(actor=actor, action="clock.recalculate", after={"requests": len(batch), "unreadable": broken[-50:]})
        if progress:
            progress(done)
    return {"recalculated": done - len(broken), "unreadable": len(broken)}


def _event(request: AssessmentRequest, event_type: str, on: date, **detail) -> CaseEvent:
    """Validate the case with this event added, then store it."""
    run_clock(request, extra_event={"type": event_type, "date": on.isoformat(), **detail})
    return CaseEvent.objects.create(
        child=request.child, request=request, event_type=event_type, occurred_on=on, detail=detail
    )


def _due(request: AssessmentRequest) -> dict[str, date]:
    return {d["step"]: date.fromisoformat(d["due"]) for d in request.deadlines}


def _letter_to_family(actor, request, code: str, **fields):
    """One letter per family recipient (letters.recipients: never the school or professional who asked).
    `fields` are the letter's own plain fields (letters.fields); the request is added."""
    letters = letters_to_family(
        actor=actor,
        code=code,
        child=request.child,
        request=request,
        fields={"request": {"reference": request.reference, "received_on": request.received_on}, **fields},
    )
    notify.family(request, letters[0].subject)
    return letters


def _advice_fields(advice: AdviceRequest) -> dict:
    return {
        **letter_context.base(advice.request.child, advice.adviser_name or advice.label),
        "advice": {"label": advice.label, "due_on": advice.due_on},
    }


def _step(request: AssessmentRequest, step: str) -> None:
    """Refuse a step the assessment's state machine does not allow from the request's status, and every
    step while an online request may be about a child we already know."""
    if request.match_status == "possible":
        raise ValidationError(
            {"__all__": "This request may be about a child we already know: confirm or reject the possible match first"}
        )
    enforce(ASSESSMENT, request.status, step)


# ---------------------------------------------------------------------------------------------
# Requests


@service
def submit_request(
    *,
    actor,
    child: Child,
    received_on: date,
    source: str,
    reason: str = "",
    requester_name: str = "",
    requester_relationship: str = "",
    requester_email: str = "",
    requester_phone: str = "",
    caseworker=None,
    responsible_from: date | None = None,
    submitted_via: str = "staff",
) -> AssessmentRequest:
    """Record a request. A second request while one is open is linked to it as a duplicate, not started."""
    if submitted_via != "portal":
        require(actor, "casework.manage")
    if received_on > date.today():
        raise ValidationError({"received_on": "The date received cannot be in the future"})
    refuse_hidden_characters({"requester_name": requester_name})
    if responsible_from and responsible_from < received_on:
        raise ValidationError(
            {"responsible_from": "Only give this if the council became responsible after the request"}
        )
    duplicate = find_duplicate(child)
    request = AssessmentRequest.objects.create(
        child=child,
        received_on=received_on,
        source=source,
        reason=reason,
        requester_name=requester_name,
        requester_relationship=requester_relationship,
        requester_email=requester_email,
        requester_phone=requester_phone,
        caseworker=caseworker or (duplicate.caseworker if duplicate else child.lead_caseworker),
        responsible_from=responsible_from,
        submitted_via=submitted_via,
        duplicate_of=duplicate,
        status="withdrawn" if duplicate else "pending",
        closed_on=received_on if duplicate else None,
    )
    CaseEvent.objects.create(
        child=child,
        request=request,
        event_type="request_received",
        occurred_on=received_on,
        detail={"source": source, "via": submitted_via},
    )
    log.record(
        actor=actor,
        action="request.duplicate" if duplicate else "request.create",
        obj=request,
        child=child,
        after={
            "received_on": received_on,
            "source": source,
            "via": submitted_via,
            "duplicate_of": duplicate.pk if duplicate else None,
        },
    )
    if duplicate:
        return request
    _refresh(request)
    _letter_to_family(
        actor,
        request,
        "request_acknowledgement",
        due={"decide_whether_to_assess": _due(request).get("decide_whether_to_assess")},
        caseworker_line=(
            f"Your caseworker is {request.caseworker.get_full_name()}."
            if request.caseworker
            else "We will tell you who your caseworker is."
        ),
    )
    return request


@service
def submit_portal_request(
    *, child_data: dict, parent_data: dict, received_on: date, reason: str, requester_relationship: str
) -> AssessmentRequest:
    """A family's request made online without an account. Whoever asks gets a new record with themself as the
    parent, and hears only about their own submission. It is never attached to a child we already know: a
    child with the same name and date of birth is held as a possible match for a caseworker to confirm or
    reject (`confirm_match`, `reject_match`), and nothing is said to anyone about the known child meanwhile."""
    actor = SystemActor("portal")
    cleaned = clean_child({**child_data, "responsible_la": CouncilSettings.current().old_la_code})
    match = (
        Child.objects.filter(
            first_name__iexact=cleaned["first_name"],
            last_name__iexact=cleaned["last_name"],
            date_of_birth=cleaned["date_of_birth"],
        )
        .order_by("pk")
        .first()
    )
    child = people.create_child(actor=actor, data=cleaned)
    people.add_parent(actor=actor, child=child, **parent_data)
    request = submit_request(
        actor=actor,
        child=child,
        received_on=received_on,
        source="1",
        reason=reason,
        requester_name=f"{parent_data['first_name']} {parent_data['last_name']}",
        requester_relationship=requester_relationship,
        requester_email=parent_data.get("email", ""),
        requester_phone=parent_data.get("phone", ""),
        submitted_via="portal",
    )
    if match is not None:
        request.possible_match, request.match_status = match, "possible"
        request.save(update_fields=["possible_match", "match_status"])
        log.record(
            actor=actor, action="request.possible_match", obj=request, child=child, after={"possible_match": match.pk}
        )
    return request


def _require_match_to_check(request: AssessmentRequest) -> Child:
    if request.match_status != "possible" or request.possible_match is None:
        raise ValidationError({"__all__": "There is no possible match to check on this request"})
    return request.possible_match


@service
def confirm_match(*, actor, request: AssessmentRequest) -> AssessmentRequest:
    """The caseworker has checked that an online request is about a child we already know. The request
    moves to that child's record (or, if they already have an open request, is linked to it as a duplicate);
    the requester's letters go with it, seen by staff only; the family on the record is sent the
    acknowledgement. The person who asked is not added to the record: they may not be family."""
    require(actor, "casework.manage")
    match = _require_match_to_check(request)
    require(actor, "people.view_child", match)
    provisional = request.child
    letters = list(request.letters.all())
    request.letters.update(child=match, family_can_see=False)
    request.events.update(child=match)
    duplicate = find_duplicate(match)
    request.child, request.match_status = match, "confirmed"
    if duplicate:
        request.duplicate_of, request.status, request.closed_on = duplicate, "withdrawn", request.received_on
        request.caseworker = duplicate.caseworker
    request.save(update_fields=["child", "match_status", "duplicate_of", "status", "closed_on", "caseworker"])
    log.record(
        actor=actor,
        action="request.match_confirm",
        obj=request,
        child=match,
        before={"child": provisional.pk},
        after={
            "child": match.pk,
            "letters_moved": [x.pk for x in letters],
            "duplicate_of": getattr(duplicate, "pk", None),
        },
    )
    # The record made from the online form held only what the requester typed: it goes, and the audit log
    # keeps what it was.
    log.record(
        actor=actor,
        action="child.delete_provisional",
        obj=provisional,
        child=provisional,
        before={
            "first_name": provisional.first_name,
            "last_name": provisional.last_name,
            "date_of_birth": provisional.date_of_birth,
            "merged_into": match.pk,
        },
    )
    provisional.delete()
    if not duplicate:
        _refresh(request)
        _letter_to_family(
            actor,
            request,
            "request_acknowledgement",
            due={"decide_whether_to_assess": _due(request).get("decide_whether_to_assess")},
            caseworker_line=(
                f"Your caseworker is {request.caseworker.get_full_name()}."
                if request.caseworker
                else "We will tell you who your caseworker is."
            ),
        )
    return request


@service
def reject_match(*, actor, request: AssessmentRequest, reason: str) -> AssessmentRequest:
    """Not the same child: the request carries on with its own new record."""
    require(actor, "casework.manage")
    match = _require_match_to_check(request)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this is not the same child"})
    request.match_status = "rejected"
    request.save(update_fields=["match_status"])
    log.record(
        actor=actor,
        action="request.match_reject",
        obj=request,
        child=request.child,
        after={"possible_match": match.pk, "reason": reason},
    )
    return request


@service
def assign(*, actor, requests: list[AssessmentRequest], caseworker) -> int:
    """Bulk reassignment by a manager."""
    require(actor, "casework.reassign")
    if caseworker.role not in ("caseworker", "manager") or not caseworker.is_active:
        raise ValidationError({"caseworker": "Choose an active caseworker"})
    for request in requests:
        before = request.caseworker_id
        request.caseworker = caseworker
        request.save(update_fields=["caseworker"])
        log.record(
            actor=actor,
            action="request.assign",
            obj=request,
            child=request.child_id,
            before={"caseworker": before},
            after={"caseworker": caseworker.pk},
        )
    return len(requests)


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
    log.record(
        actor=actor,
        action="request.decide_assess",
        obj=decision,
        child=request.child_id,
        after={
            "assess": assess,
            "reasons": reasons,
            "recommendation": getattr(recommendation, "pk", None),
            "departure_reasons": departure_reasons,
        },
    )
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
    log.record(
        actor=actor,
        action="request.decide_issue",
        obj=decision,
        child=request.child_id,
        after={
            "issue": issue,
            "reasons": reasons,
            "recommendation": getattr(recommendation, "pk", None),
            "departure_reasons": departure_reasons,
        },
    )
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
