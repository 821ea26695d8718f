"""Requests: made by a professional or parent, made online by a family, matched to a child, assigned."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.accounts.roles import SystemActor
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.models import CouncilSettings
from highneeds.people import services as people
from highneeds.people.models import Child
from highneeds.people.validation import clean_child, refuse_hidden_characters
from highneeds.records.models import COUNCIL, PROFESSIONALS
from highneeds.records.services import store_attachments

from ..models import AssessmentRequest, CaseEvent
from ..queries import find_duplicate
from ._common import _due, _letter_to_family, _refresh

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
    if submitted_via == "school":
        require(actor, "casework.request_for_pupil", child)
    elif submitted_via != "portal":
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


def _new_record(actor, child_data: dict, parent_data: dict | None) -> tuple[Child, Child | None]:
    """A new record for the child described (with the parent or carer given), and the child we already know
    with the same name and date of birth, if any: a request from outside is never attached to a known child
    until a caseworker has checked (`confirm_match`)."""
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
    if parent_data:
        people.add_parent(actor=actor, child=child, **parent_data)
    return child, match


def _hold_possible_match(actor, request: AssessmentRequest, match: Child | None) -> None:
    if match is None:
        return
    request.possible_match, request.match_status = match, "possible"
    request.save(update_fields=["possible_match", "match_status"])
    log.record(
        actor=actor,
        action="request.possible_match",
        obj=request,
        child=request.child,
        after={"possible_match": match.pk},
    )


@service
def submit_portal_request(
    *,
    child_data: dict,
    parent_data: dict,
    received_on: date,
    reason: str,
    requester_relationship: str,
    attachments=(),
) -> AssessmentRequest:
    """A family's request made online without an account. Whoever asks gets a new record with themself as the
    parent, and hears only about their own submission. It is never attached to a child we already know: a
    child with the same name and date of birth is held as a possible match for a caseworker to confirm or
    reject (`confirm_match`, `reject_match`), and nothing is said to anyone about the known child meanwhile.
    Evidence sent with it is filed on the new record for the council only (a caseworker shares it once the
    request is triaged); a file refused there leaves nothing written."""
    actor = SystemActor("portal")
    child, match = _new_record(actor, child_data, parent_data)
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
    store_attachments(
        actor=actor, child=child, request=request, attachments=attachments, category="evidence", audience=COUNCIL
    )
    _hold_possible_match(actor, request, match)
    return request


CONSENT = {
    "yes": "The parents (or the young person) agree to this request",
    "no": "The parents (or the young person) do not agree to this request",
    "not_asked": "The parents (or the young person) have not been asked yet",
}


@service
def submit_school_request(
    *,
    actor,
    received_on: date,
    reason: str,
    parent_views: str,
    consent: str,
    child: Child | None = None,
    child_data: dict | None = None,
    parent_data: dict | None = None,
    attachments=(),
) -> AssessmentRequest:
    """A request by a school or college (CFA 2014 s36(1), "a person acting on behalf of a school or post-16
    institution"), made by its SENCO for a pupil at the setting, or for a new pupil not yet on the record (a
    new record with the parent given and a placement at the school, held as a possible match like an online
    request). The setting is the requester; letters go to the parents on the record. The school's evidence is
    filed on the record, seen by the council and the school."""
    require(actor, "casework.request_for_pupils")
    school = getattr(actor, "establishment", None)
    if school is None:
        raise ValidationError({"__all__": "Your account is not linked to a school or college: ask the SEND team"})
    if consent not in CONSENT:
        raise ValidationError({"consent": "Select whether the parents or young person agree to the request"})
    reason, parent_views = (reason or "").strip(), (parent_views or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the school is asking for an assessment"})
    match = None
    if child is None:
        if not child_data or not parent_data:
            raise ValidationError({"pupil": "Choose a pupil, or give the new pupil's details"})
        # The new record is made by the system, as for an online request: a SENCO may not change children's
        # records; the request itself is recorded as the SENCO's.
        system = SystemActor("school-request")
        child, match = _new_record(system, child_data, parent_data)
        people.add_placement(
            actor=system, child=child, establishment=school, placement_type="ON_ROLL", start_date=received_on
        )
    text = f"{reason}\n\nThe parents' views: {parent_views or 'not given'}\n\nConsent: {CONSENT[consent]}"
    request = submit_request(
        actor=actor,
        child=child,
        received_on=received_on,
        source="2",
        reason=text,
        requester_name=school.name[:200],
        requester_relationship=f"SENCO: {actor.get_full_name() or actor.username}"[:100],
        requester_email=actor.email or "",
        submitted_via="school",
    )
    request.requester_establishment = school
    request.save(update_fields=["requester_establishment"])
    store_attachments(
        actor=actor, child=child, request=request, attachments=attachments, category="evidence", audience=PROFESSIONALS
    )
    _hold_possible_match(actor, request, match)
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
    request.documents.update(child=match)  # the evidence sent with it is filed on the known record
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
