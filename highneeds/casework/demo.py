"""Demo advice: the demo professional has advice to give (one overdue, one saved as a draft) and the demo
SENCO the school's advice for a pupil. Made through the advice services, so the clock sets each due date.

Idempotent: nothing is added once the demo professional has been asked for advice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from highneeds.accounts.models import User

from . import services
from .models import AdviceRequest, AssessmentRequest, CaseEvent

ASKED_RECENTLY = 10  # days ago, for the advice not yet due


def _assessing(**filters):
    """Open cases being assessed, with the day the council decided to assess, oldest decision first."""
    decided = dict(
        CaseEvent.objects.filter(
            event_type="decision_to_assess", request__status="assess", request__duplicate_of__isnull=True, **filters
        )
        .order_by("occurred_on")
        .values_list("request_id", "occurred_on")
    )
    cases = AssessmentRequest.objects.filter(pk__in=decided).select_related("child").order_by("received_on", "id")
    return sorted(cases, key=lambda c: decided[c.pk]), decided


def _ask(actor, case, decided: date, kind: str, adviser, on: date) -> AdviceRequest | None:
    try:
        with transaction.atomic():  # a savepoint: a refused case leaves nothing behind
            return services.request_advice(
                actor=actor, request=case, adviser_type=kind, requested_on=max(on, decided), adviser=adviser
            )
    except ValidationError:  # already asked, or the case's clock refuses the date: leave that case alone
        return None


def prepare(actor, progress=None) -> dict[str, int]:
    users = {u.username: u for u in User.objects.filter(username__in=("caseworker", "professional", "senco"))}
    professional, senco = users.get("professional"), users.get("senco")
    if professional is None or AdviceRequest.objects.filter(adviser=professional).exists():
        return {"advice_requests": 0}
    today, made = date.today(), []
    cases, decided = _assessing()
    # The oldest decision is asked the next day (overdue by now); two more were asked recently.
    for n, case in enumerate(c for c in cases if not c.advice_requests.filter(adviser_type="educational_psychology")):
        on = decided[case.pk] + timedelta(days=1) if n == 0 else today - timedelta(days=ASKED_RECENTLY)
        advice = _ask(actor, case, decided[case.pk], "educational_psychology", professional, on)
        made += [advice] if advice else []
        if len(made) == 3:
            break
    if len(made) > 1:
        services.save_advice_draft(
            actor=professional,
            advice=made[1],
            parts={"needs": "Reads well below the expected level; working memory assessment to follow."},
        )
    if senco is not None and senco.establishment_id:
        pupils, decided = _assessing(
            child__placements__establishment_id=senco.establishment_id, child__placements__end_date__isnull=True
        )
        for case in pupils:
            if _ask(actor, case, decided[case.pk], "setting", None, today - timedelta(days=ASKED_RECENTLY)):
                made.append(case)
                break
    return {"advice_requests": len(made)}
