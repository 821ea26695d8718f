"""Reads of casework that several pages and commands share."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

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
