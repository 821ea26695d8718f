"""`highneeds recalculate-reviews`: opens due reviews, lists transfers, recalculates."""

from __future__ import annotations

import io
from datetime import date

from django.core.management import call_command

from highneeds.audit.models import AuditEvent
from highneeds.reviews.models import AnnualReview, PhaseTransfer

from .test_services import dob_in_year


def run(*args) -> str:
    out = io.StringIO()
    call_command("recalculate_reviews", *args, stdout=out)
    return out.getvalue()


def test_the_nightly_command(make_plan):
    plan = make_plan(issued_on=date(2025, 12, 10), dob=dob_in_year(6))
    out = run()
    assert "1 annual reviews opened; 1 phase transfers listed" in out
    review = AnnualReview.objects.get(plan=plan)
    assert review.next_step == "review_due" and review.next_due == date(2026, 12, 10)
    assert PhaseTransfer.objects.get(plan=plan).next_step == "phase_transfer"
    assert "0 annual reviews opened; 0 phase transfers listed" in run()  # idempotent
    AnnualReview.objects.update(next_due=None)
    assert "1 reviews, 1 phase transfers and 0 reassessments recalculated" in run("--no-schedule")
    assert AnnualReview.objects.get(plan=plan).next_due == date(2026, 12, 10)
    assert AuditEvent.objects.filter(action="review.recalculate").count() == 3
