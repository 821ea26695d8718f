"""Reads of casework that several pages and commands share."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from highneeds.accounts.roles import Role
from highneeds.audit import log
from highneeds.people.models import Child
from highneeds.people.queries import visible_children

from .models import DRAFT, NOT_STARTED, SUBMITTED, AdviceRequest, AssessmentRequest


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


# Where an advice request sits in the adviser's list: overdue first, then still to give, then done with.
OVERDUE, TO_GIVE, DONE = 0, 1, 2


def my_advice_requests(user, today: date | None = None) -> QuerySet[AdviceRequest]:
    """Every piece of advice asked of this person (a professional: asked of them; a SENCO: the school's advice
    asked of their setting), for children they may still see: overdue first, then soonest due, then the ones
    given or closed. Each row carries `stage` (not started, draft, submitted: the SQL twin of AdviceRequest.progress) and `bucket`; the home page's
    counts (`advice_counts`) come from this same query."""
    if not user.has_perm("casework.give_advice"):
        raise PermissionDenied("casework.give_advice")
    today = today or date.today()
    asked_of = Q(adviser=user)
    if user.role == Role.SENCO and user.establishment_id:
        asked_of |= Q(adviser__isnull=True, establishment_id=user.establishment_id)
    waiting = Q(received_on__isnull=True, request__status__in=AssessmentRequest.OPEN)
    return (
        AdviceRequest.objects.filter(asked_of, request__child__in=visible_children(user))
        .annotate(
            stage=Case(
                When(received_on__isnull=False, then=Value(SUBMITTED)),
                When(Q(draft_saved_at__isnull=False) | ~Q(draft_report=""), then=Value(DRAFT)),
                default=Value(NOT_STARTED),
            ),
            bucket=Case(
                When(waiting & Q(due_on__lt=today), then=Value(OVERDUE)),
                When(waiting, then=Value(TO_GIVE)),
                default=Value(DONE),
            ),
        )
        .select_related("request__child")
        .order_by("bucket", F("due_on").asc(nulls_last=True), "id")
    )


def advice_counts(requests: QuerySet[AdviceRequest]) -> dict[str, int]:
    """Counts for the home page, from `my_advice_requests` itself."""
    return requests.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(bucket=OVERDUE)),
        to_give=Count("id", filter=Q(bucket__in=(OVERDUE, TO_GIVE))),
        drafts=Count("id", filter=Q(bucket__in=(OVERDUE, TO_GIVE), stage=DRAFT)),
        submitted=Count("id", filter=Q(stage=SUBMITTED)),
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


def due_dates(request: AssessmentRequest) -> dict[str, date]:
    """Each step's due date as the statutory clock last set it (never recomputed here)."""
    return {d["step"]: date.fromisoformat(d["due"]) for d in request.deadlines}


def is_giver(actor, advice: AdviceRequest) -> bool:
    """The person the advice was asked of: the named professional, or a SENCO of the setting asked."""
    if not getattr(actor, "pk", None):
        return False
    if advice.adviser_id:
        return actor.pk == advice.adviser_id
    return bool(advice.establishment_id) and actor.role == "senco" and actor.establishment_id == advice.establishment_id
