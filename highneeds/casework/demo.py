"""Demo advice: the demo professional has advice to give (one overdue, one saved as a draft) and the demo
SENCO the school's advice for a pupil. Made through the advice services, so the clock sets each due date.

Idempotent: nothing is added once the demo professional has been asked for advice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from highneeds.accounts.models import User
from highneeds.people.models import CaseAccess
from highneeds.people.services import grant_access

from . import queries, services
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


def _adopt(actor, professional, kind: str, today: date) -> list[AdviceRequest]:
    """The synthetic council's history already asks for advice on its open cases (events, no AdviceRequest
    rows): give the demo professional one overdue and two still due of those not yet answered, with the due
    date the clock holds for them. Bulk-style rows inside the audited demo load (extras.prepare_app)."""
    cases, _ = _assessing()
    events = CaseEvent.objects.filter(request__in=cases, event_type__in=("advice_requested", "advice_received"))
    seen: dict[tuple[int, str], dict[str, date]] = {}
    for request_id, event_type, on, detail in events.values_list("request_id", "event_type", "occurred_on", "detail"):
        if (detail or {}).get("adviser") == kind:
            seen.setdefault((request_id, kind), {})[event_type] = on
    # The children demo.loader invited the professional to advise on come first, and each of theirs is adopted
    # (answered ones as submitted), so the home page's children and the professional's deadlines agree.
    invited = set(CaseAccess.objects.filter(user=professional).values_list("child_id", flat=True))
    overdue, due, answered = [], [], []
    for case in sorted(cases, key=lambda c: c.child_id not in invited):
        dates = seen.get((case.pk, kind), {})
        held = queries.due_dates(case).get(f"advice:{kind}")
        if "advice_requested" not in dates or case.advice_requests.filter(adviser_type=kind).exists():
            continue
        if "advice_received" in dates:
            if case.child_id in invited:
                answered.append((case, dates["advice_requested"], held, dates["advice_received"]))
            continue
        if held is not None:
            (overdue if held < today else due).append((case, dates["advice_requested"], held, None))
    chosen = overdue[:1] + due[:2]
    chosen += [row for row in overdue[1:] + due[2:] if row[0].child_id in invited] + answered
    adopted = []
    for case, asked, held, received in chosen:
        adopted.append(
            AdviceRequest.objects.create(
                request=case,
                adviser_type=kind,
                adviser=professional,
                adviser_name=professional.get_full_name(),
                requested_on=asked,
                due_on=held,
                received_on=received,
            )
        )
        if case.child_id not in invited:
            grant_access(actor=actor, child=case.child, user=professional, reason=f"Advice for {case.reference}")
    return adopted


def prepare(actor, progress=None) -> dict[str, int]:
    users = {u.username: u for u in User.objects.filter(username__in=("caseworker", "professional", "senco"))}
    professional, senco = users.get("professional"), users.get("senco")
    if professional is None or AdviceRequest.objects.filter(adviser=professional).exists():
        return {"advice_requests": 0}
    today = date.today()
    made = _adopt(actor, professional, "educational_psychology", today)
    cases, decided = _assessing()
    # The children the demo professional was invited to advise on (demo.loader) are asked first, every one, so
    # their home page's children and their deadlines agree; then others up to three in all. The oldest decision
    # is asked the next day (overdue by now), the rest recently.
    invited = set(CaseAccess.objects.filter(user=professional).values_list("child_id", flat=True))
    unasked = [c for c in cases if not c.advice_requests.filter(adviser_type="educational_psychology")]
    for n, case in enumerate(sorted(unasked, key=lambda c: c.child_id not in invited)):
        if len(made) >= 3 and case.child_id not in invited:
            break
        on = decided[case.pk] + timedelta(days=1) if n == 0 else today - timedelta(days=ASKED_RECENTLY)
        advice = _ask(actor, case, decided[case.pk], "educational_psychology", professional, on)
        made += [advice] if advice else []
    waiting = [a for a in made if a.due_on and a.due_on >= today and not a.received_on]
    if waiting:
        services.save_advice_draft(
            actor=professional,
            advice=waiting[0],
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
