"""Reads for the portal, always through the object rule, with reads of a child's record audited.

A family sees the requests for children whose record they may open (`people.view_child`: a parent with
parental responsibility, or a young person aged 16 or over, their own). An adviser sees the advice asked
of them, for children they are still invited to (an expired or revoked invitation hides the request); a SENCO
the school's advice asked of their setting, for pupils still there (casework.queries.my_advice_requests).
A request or advice that does not exist and one the user may not see get the same answer (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from highneeds.casework.models import AdviceRequest, AssessmentRequest
from highneeds.casework.queries import DONE, OVERDUE, advice_counts, is_giver, my_advice_requests  # noqa: F401 (the adviser's pages)
from highneeds.people.queries import open_child_record, visible_children

FOLLOW_REQUESTS = "portal.follow_requests"


def family_requests(user) -> QuerySet[AssessmentRequest]:
    """Requests for the user's own children, newest first. Duplicates are shown as the request they joined."""
    if not user.has_perm(FOLLOW_REQUESTS):
        raise PermissionDenied(FOLLOW_REQUESTS)
    return (
        AssessmentRequest.objects.filter(child__in=visible_children(user), duplicate_of__isnull=True)
        .select_related("child", "caseworker")
        .order_by("child__first_name", "child_id", "-received_on", "-id")
    )


def open_family_request(user, request_id: int, what: str = "portal.view") -> AssessmentRequest:
    """One request for the family's progress page; the read of the child's record is audited."""
    if not user.has_perm(FOLLOW_REQUESTS):
        raise PermissionDenied(FOLLOW_REQUESTS)
    found = AssessmentRequest.objects.filter(pk=request_id).select_related("caseworker").first()
    if found is None:
        raise PermissionDenied("people.view_child")
    found.child = open_child_record(user, found.child_id, what=what)
    return found


def open_advice_request(user, advice_id: int) -> AdviceRequest:
    if not user.has_perm("casework.give_advice"):
        raise PermissionDenied("casework.give_advice")
    found = AdviceRequest.objects.filter(pk=advice_id).select_related("request").first()
    if found is None or not is_giver(user, found):
        raise PermissionDenied("casework.give_advice")
    found.request.child = open_child_record(user, found.request.child_id, what="portal.advice.view")
    return found
