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
