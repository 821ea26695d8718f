"""Reads of casework that several pages and commands share."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from highneeds.audit import log
from highneeds.people.models import Child

from .models import AdviceRequest, AssessmentRequest


def find_duplicate(child: Child) -> AssessmentRequest | None:
    return child.requests.filter(status__in=AssessmentRequest.OPEN).order_by("received_on").first()


def open_requests_due_for_chasing(on: date, days_before: int = 7):
    """Advice not yet given, due within `days_before` days, not chased in the last week."""
    return (
        AdviceRequest.objects.select_related("request__child", "adviser")
        .filter(
            received_on__isnull=True,
            due_on__isnull=False,
            due_on__lte=on + timedelta(days=days_before),
            request__status__in=AssessmentRequest.OPEN,
        )
        .filter(Q(chased_on__isnull=True) | Q(chased_on__lte=on - timedelta(days=7)))
    )


SCHOOL_REQUESTS = "casework.request_for_pupils"


def school_requests(user):
    """Requests the SENCO's school made, for pupils still at the school: a child who has left (or a possible match
    confirmed as a child at another school) drops out, so no school sees another's children."""
    if not (user.is_authenticated and user.has_perm(SCHOOL_REQUESTS)) or not user.establishment_id:
        return AssessmentRequest.objects.none()
    return (
        AssessmentRequest.objects.filter(
            requester_establishment_id=user.establishment_id,
            child__placements__establishment_id=user.establishment_id,
            child__placements__end_date__isnull=True,
        )
        .select_related("child")
        .distinct()
        .order_by("-received_on", "-id")
    )


def open_school_request(user, request_id: int) -> AssessmentRequest:
    """One of the school's requests, the read audited; another school's and a missing one get the same 403."""
    found = school_requests(user).filter(pk=request_id).first()
    if found is None:
        raise _refused(user, request_id)
    log.record_read(actor=user, child=found.child, what="school.view_request")
    return found


def _refused(user, request_id: int) -> PermissionDenied:
    log.record(actor=user, action="access.refused", after={"request_id": request_id, "what": "school.view_request"})
    refused = PermissionDenied("casework.request_for_pupil")
    refused.audited = True
    return refused
