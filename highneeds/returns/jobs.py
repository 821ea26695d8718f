"""Building a return in the background, with its progress on the kept row.

There is no task queue yet: `enqueue` runs `run_build` in a thread after the request's transaction commits (or
inline under tests and on the command line). `run_build(kept_id)` is the whole job, so a task queue (django-tasks,
Celery) adopts it unchanged. Progress updates are bookkeeping on the kept row, written outside the services'
transaction so the page sees them; starting and finishing are audited services.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, transaction

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.service import bookkeeping
from highneeds.engine.sen2.validate import validate_bytes
from highneeds.engine.sen2 import model as m

from . import extract, services, summary
from .models import KeptReturn

logger = logging.getLogger(__name__)


def enqueue(kept_id: int) -> None:
    if getattr(settings, "TESTING", False) or getattr(settings, "HIGHNEEDS_SEN2_INLINE", False):
        run_build(kept_id)
        return

    def work():
        try:
            run_build(kept_id)
        finally:
            close_old_connections()

    transaction.on_commit(lambda: threading.Thread(target=work, daemon=True, name=f"sen2-{kept_id}").start())


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


def run_build(kept_id: int, actor=SYSTEM) -> KeptReturn:
    kept = KeptReturn.objects.get(pk=kept_id)
    try:
        ex, xml, issues = build_files(kept.year, kept.la, progress=_progress(kept_id))
        kept.refresh_from_db()
        figures = summary.summarise(ex.ret, previous=summary.previous_year(kept))
        return services.finish_build(actor=actor, kept=kept, xml=xml, summary=figures,
                                     issues=[i.as_dict() for i in issues], gaps=[g.as_dict() for g in ex.gaps],
                                     child_ids=ex.child_ids)
    except Exception as exc:  # the row must say it failed, whatever happened
        logger.exception("SEN2 build %s failed", kept_id)
        return services.fail_build(actor=actor, kept=kept, message=f"The build failed: {exc}")
