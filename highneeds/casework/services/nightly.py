"""The nightly re-run of the statutory clock over many requests."""

from __future__ import annotations

from datetime import date

from highneeds.audit import log
from highneeds.audit.service import require, service

from ..clock import apply_result, results_for
from ..models import AssessmentRequest


@service
def recalculate_clocks(
    *, actor, requests, today: date | None = None, batch_size: int = 2000, progress=None
) -> dict[str, int]:
    """Re-run the clock for many requests (nightly, so 'pending' turns 'overdue' as days pass, and
    after loading history). Cases the clock cannot read are counted and listed in the audit event."""
    require(actor, "casework.manage")
    ids = list(requests.values_list("pk", flat=True))
    done, broken = 0, []
    for start in range(0, len(ids), batch_size):
        batch = list(
            AssessmentRequest.objects.filter(pk__in=ids[start : start + batch_size]).prefetch_related(
                "events", "exceptions"
            )
        )
        for request, result in zip(batch, results_for(batch, today)):
            if result.errors:
                broken.append(request.pk)
            else:
                apply_result(request, result)
        AssessmentRequest.objects.bulk_update(
            [r for r in batch if r.pk not in broken], ["deadlines", "next_step", "next_due"], batch_size=500
        )
        done += len(batch)
        log.record(actor=actor, action="clock.recalculate", after={"requests": len(batch), "unreadable": broken[-50:]})
        if progress:
            progress(done)
    return {"recalculated": done - len(broken), "unreadable": len(broken)}
