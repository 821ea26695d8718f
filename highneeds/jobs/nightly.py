"""The nightly task: statutory clocks, reviews, cessations, chasers and removing deleted documents' files whose
retention period has ended, as the system actor.

Every step is idempotent by state (a recalculation writes the same answer twice; a review, a phase transfer,
a cessation or a chaser is made once), so a retried or doubled run does no harm. Steps run one after the
other; a step that fails does not stop the rest, and the task fails at the end so the jobs page shows it.
"""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django_tasks import task

from highneeds.accounts.roles import SystemActor
from highneeds.casework import queries as casework_queries
from highneeds.casework import services as casework_services
from highneeds.casework.models import AssessmentRequest
from highneeds.disputes import flows as disputes_flows
from highneeds.disputes import queries as disputes_queries
from highneeds.records import retention as records_retention
from highneeds.reviews import services as reviews_services

logger = logging.getLogger(__name__)


class NightlyFailed(RuntimeError):
    pass


def _clocks(actor, on: date) -> dict:
    open_requests = AssessmentRequest.objects.filter(status__in=AssessmentRequest.OPEN)
    return casework_services.recalculate_clocks(actor=actor, requests=open_requests, today=on)


def _reviews(actor, on: date) -> dict:
    opened = reviews_services.schedule_due_reviews(actor=actor, today=on)
    listed = reviews_services.identify_phase_transfers(actor=actor, today=on)
    return {"opened": opened, "transfers listed": listed, **reviews_services.recalculate_reviews(actor=actor, today=on)}


def _cessations(actor, on: date) -> dict:
    applied = refused = 0
    for cessation, effective_on in disputes_queries.cessations_due(on):
        try:
            disputes_flows.apply_cessation(actor=actor, cessation=cessation, ceased_on=effective_on)
            applied += 1
        except ValidationError:
            refused += 1
    return {"ceased": applied, "refused": refused}


def _chasers(actor, on: date, days_before: int = 7) -> dict:
    sent = 0
    for advice in casework_queries.open_requests_due_for_chasing(on, days_before).order_by("due_on", "id"):
        casework_services.chase_advice(actor=actor, advice=advice, on=on)
        sent += 1
    return {"chasers sent": sent}


def _purge(actor, on: date) -> dict:
    due, removed = records_retention.purge_due(actor=actor, today=on)
    return {"deleted document files removed": removed}


STEPS = {"clocks": _clocks, "reviews": _reviews, "cessations": _cessations, "chasers": _chasers, "purge": _purge}


def run_nightly(on: date, steps=tuple(STEPS)) -> dict:
    actor = SystemActor("nightly")
    results, failed = {}, []
    for name in steps:
        try:
            results[name] = STEPS[name](actor, on)
        except Exception as exc:  # the other steps still run; the task fails at the end
            logger.exception("nightly step %s failed", name)
            failed.append(f"{name}: {exc}")
    if failed:
        raise NightlyFailed("; ".join(failed))
    return results


@task()
def nightly(on: str | None = None) -> dict:
    """The nightly recalculation for `on` (ISO date; default today). See docs/tasks.md for the timer."""
    return run_nightly(date.fromisoformat(on) if on else date.today())


@task()
def send_chasers(on: str | None = None, days_before: int = 7) -> dict:
    """Reminders to advisers whose advice is due soon (also a step of `nightly`)."""
    return _chasers(SystemActor("send-chasers"), date.fromisoformat(on) if on else date.today(), days_before)
