"""The nightly recalculation of every open review's clock."""

from __future__ import annotations

from datetime import date

from highneeds.audit import log
from highneeds.audit.service import require, service

from .. import clock
from ..models import (
    AnnualReview,
    PhaseTransfer,
    Reassessment,
)
from ._common import _describe, _setting_of

# ---------------------------------------------------------------------------------------------
# Nightly


@service
def recalculate_reviews(*, actor, today: date | None = None, batch_size: int = 2000, progress=None) -> dict[str, int]:
    """Refresh every open review, transfer and reassessment: the clock's answer, the child's phase and
    setting. Records the clock cannot read are counted (and listed in the audit event)."""
    require(actor, "reviews.manage")
    today = today or date.today()
    counts = {"reviews": 0, "transfers": 0, "reassessments": 0, "unreadable": 0}
    sets = (
        ("reviews", AnnualReview.objects.filter(stage__in=AnnualReview.OPEN_STAGES), ["due_on"]),
        ("transfers", PhaseTransfer.objects.filter(closed_on__isnull=True), ["deadline"]),
        ("reassessments", Reassessment.objects.filter(stage__in=Reassessment.OPEN_STAGES), []),
    )
    broken: list[str] = []
    for name, queryset, extra in sets:
        ids = list(queryset.values_list("pk", flat=True))
        model = queryset.model
        for start in range(0, len(ids), batch_size):
            batch = list(model.objects.filter(pk__in=ids[start : start + batch_size]).select_related("child", "plan"))
            previous = {}
            if model is AnnualReview:
                previous = _previous_meetings(batch)
            settings = _setting_of([r.child_id for r in batch])
            good = []
            meetings = [previous.get(r.pk) for r in batch]
            for record, result in zip(batch, clock.run_many(batch, meetings, today)):
                _describe(record, record.child, settings.get(record.child_id), today)
                if result.errors:
                    broken.append(f"{name}:{record.pk}")
                else:
                    clock.apply(record, result)
                good.append(record)
            model.objects.bulk_update(
                good,
                ["deadlines", "next_step", "next_due", "phase", "establishment", "caseworker", *extra],
                batch_size=500,
            )
            counts[name] += len(batch)
            if progress:
                progress(name, counts[name])
    counts["unreadable"] = len(broken)
    log.record(actor=actor, action="review.recalculate", after={**counts, "unreadable_ids": broken[-50:]})
    return counts


def _previous_meetings(reviews: list[AnnualReview]) -> dict[int, date]:
    """For each review, the last meeting of an earlier review of the same plan: one query."""
    plan_ids = {r.plan_id for r in reviews}
    held = AnnualReview.objects.filter(plan_id__in=plan_ids, held_on__isnull=False).values_list(
        "plan_id", "counted_from", "held_on"
    )
    by_plan: dict[int, list[tuple[date, date]]] = {}
    for plan_id, counted_from, held_on in held:
        by_plan.setdefault(plan_id, []).append((counted_from, held_on))
    out = {}
    for r in reviews:
        earlier = [h for c, h in by_plan.get(r.plan_id, []) if c < r.counted_from]
        if earlier:
            out[r.pk] = max(earlier)
    return out
