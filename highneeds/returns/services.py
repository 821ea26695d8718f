"""Writes for SEN2 returns: start and finish a build, mark a return submitted, import a council's last return.
Each is a @service: permission checked, audited, one transaction."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.audit import log
from highneeds.audit.service import require, service

from .models import KeptReturn

FIRST_YEAR, LAST_YEAR = 2024, 2040


@service
def start_build(*, actor, year: int, la: str) -> KeptReturn:
    require(actor, "returns.manage")
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValidationError({"year": f"Enter a return year from {FIRST_YEAR} to {LAST_YEAR}"})
    if not (la.isdecimal() and len(la) == 3):
        raise ValidationError({"la": "Enter the council's 3-digit LA number, like 384"})
    # A build that has not finished within the hour died with its process: it no longer blocks a new one.
    if KeptReturn.objects.filter(
        year=year, state__in=("queued", "building"), created_at__gte=timezone.now() - timedelta(hours=1)
    ).exists():
        raise ValidationError({"year": f"A {year} return is already being built: wait for it to finish"})
    kept = KeptReturn.objects.create(year=year, la=la, created_by=actor if getattr(actor, "pk", None) else None)
    log.record(actor=actor, action="sen2.build.start", obj=kept, after={"year": year, "la": la})
    return kept


@service
def finish_build(
    *, actor, kept: KeptReturn, xml: bytes, summary: dict, issues: list[dict], gaps: list[dict], child_ids: list[int]
) -> KeptReturn:
    """Keep the built file with what was found. Building a return reads every included child's record: the audit
    event lists them, so a subject access request can show who exported whose data."""
    require(actor, "returns.manage")
    kept.xml, kept.issues, kept.gaps = xml, issues, gaps
    kept.summary = {**summary, "child_ids": child_ids}  # Person[n] in the file is child_ids[n - 1]
    kept.errors = sum(i["severity"] == "error" for i in issues)
    kept.queries = len(issues) - kept.errors
    kept.state, kept.built_at, kept.done = "built", timezone.now(), kept.total
    kept.message = ""
    kept.save()
    log.record(
        actor=actor,
        action="sen2.build.finish",
        obj=kept,
        after={
            "persons": summary.get("persons"),
            "errors": kept.errors,
            "queries": kept.queries,
            "gaps": len(gaps),
            "children": child_ids,
        },
    )
    return kept


@service
def fail_build(*, actor, kept: KeptReturn, message: str) -> KeptReturn:
    require(actor, "returns.manage")
    kept.state, kept.message = "failed", message[:300]
    kept.save(update_fields=["state", "message"])
    log.record(actor=actor, action="sen2.build.fail", obj=kept, after={"message": kept.message})
    return kept


@service
def mark_submitted(*, actor, kept: KeptReturn) -> KeptReturn:
    require(actor, "returns.manage")
    if kept.state != "built":
        raise ValidationError({"__all__": "Only a built return can be marked as submitted"})
    if kept.errors:
        raise ValidationError({"__all__": "This return has validation errors: fix them and build it again"})
    kept.state, kept.submitted_at = "submitted", timezone.now()
    kept.save(update_fields=["state", "submitted_at"])
    log.record(actor=actor, action="sen2.submitted", obj=kept, after={"year": kept.year})
    return kept
