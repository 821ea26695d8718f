"""Tasks whose worker died: put back on the queue, or failed where an administrator can see and retry them.

django-tasks-db claims a task by marking its row RUNNING and has no heartbeat, so a worker killed mid-task (out of
memory, a deploy, a lost machine) leaves the row RUNNING for ever. Nothing it was writing is lost or half-kept: the
task's transactions were open on a connection that died, so PostgreSQL rolled them back. Every task is idempotent
(docs/tasks.md), so running it again is safe. A task found abandoned MAX_ATTEMPTS times is marked failed instead,
so one that kills its worker does not loop (an administrator can then retry it at /admin/jobs/). Run by
`highneeds requeue-abandoned` from cron every 15 minutes (docs/scaling.md).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from highneeds.audit import log
from highneeds.audit.service import require, service

MAX_ATTEMPTS = 3


class WorkerStopped(RuntimeError):
    """Recorded as the error of a task whose worker kept dying under it."""


def abandoned_after() -> timedelta:
    """How long a task may run before its worker is presumed dead: longer than the longest task (setting
    TASK_ABANDONED_AFTER_MINUTES, from HIGHNEEDS_TASK_ABANDONED_MINUTES, default 360)."""
    return timedelta(minutes=settings.TASK_ABANDONED_AFTER_MINUTES)


@service
def requeue_abandoned(*, actor, older_than: timedelta | None = None, now=None) -> dict[str, int]:
    require(actor, "jobs.manage")
    cutoff = (now or timezone.now()) - (abandoned_after() if older_than is None else older_than)
    requeued = failed = 0
    stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
        status=TaskResultStatus.RUNNING, started_at__lte=cutoff
    )
    for row in stale:
        if len(row.worker_ids) >= MAX_ATTEMPTS:
            row.set_failed(WorkerStopped(f"The worker stopped while running this task {len(row.worker_ids)} times"))
            failed += 1
        else:
            row.status, row.started_at = TaskResultStatus.READY, None
            row.save(update_fields=["status", "started_at"])
            requeued += 1
        log.record(
            actor=actor,
            action="job.requeue" if row.status == TaskResultStatus.READY else "job.fail",
            after={"task": row.task_path, "id": str(row.id), "attempts": len(row.worker_ids)},
        )
    return {"requeued": requeued, "failed": failed}
