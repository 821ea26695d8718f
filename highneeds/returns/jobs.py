"""Building a return in the background (the `build_return` task), with its progress on the kept row.

`enqueue` queues the task on the django-tasks queue (docs/tasks.md); a worker runs `run_build(kept_id)`.
Progress updates are bookkeeping on the kept row, written outside the services' transaction so the page sees
them; starting and finishing are audited services. Running the task twice does no harm: a built or submitted
return is left as it is.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django_tasks import task

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.service import bookkeeping
from highneeds.engine.sen2 import model as m
from highneeds.engine.sen2.validate import validate_bytes
from highneeds.jobs.queue import enqueue_once

from . import extract, services, summary
from .models import KeptReturn

logger = logging.getLogger(__name__)


def enqueue(kept_id: int):
    return enqueue_once(build_return, kept_id)


@task()
def build_return(kept_id: int) -> dict:
    kept = run_build(kept_id, reraise=True)
    return {"return": kept.pk, "state": kept.state, "errors": kept.errors}


def _progress(kept_id: int):
    def report(done: int, total: int) -> None:
        with bookkeeping():  # a progress counter, not a change to anyone's record
            KeptReturn.objects.filter(pk=kept_id).update(done=done, total=total, state="building")

    return report


def build_files(year: int, la: str, progress=None, generated: datetime | None = None):
    """The XML, the validation issues and the gaps, for the command line and the job alike."""
    ex = extract.build(year=year, la=la, progress=progress, generated=generated)
    xml = m.to_xml(ex.ret)
    issues = validate_bytes(xml, year)
    return ex, xml, issues


def run_build(kept_id: int, actor=SYSTEM, reraise: bool = False) -> KeptReturn:
    kept = KeptReturn.objects.get(pk=kept_id)
    if kept.state in ("built", "submitted"):  # already done (a task run twice)
        return kept
    try:
        ex, xml, issues = build_files(kept.year, kept.la, progress=_progress(kept_id))
        kept.refresh_from_db()
        figures = summary.summarise(ex.ret, previous=summary.previous_year(kept))
        return services.finish_build(
            actor=actor,
            kept=kept,
            xml=xml,
            summary=figures,
            issues=[i.as_dict() for i in issues],
            gaps=[g.as_dict() for g in ex.gaps],
            child_ids=ex.child_ids,
        )
    except Exception as exc:  # the row must say it failed, whatever happened
        logger.exception("SEN2 build %s failed", kept_id)
        failed = services.fail_build(actor=actor, kept=kept, message=f"The build failed: {exc}")
        if reraise:  # so the task is marked failed on the jobs page, where it can be retried
            raise
        return failed
