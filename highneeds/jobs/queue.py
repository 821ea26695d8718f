"""Enqueueing once, and running what is queued in this process (tests, `--sync` callers).

`enqueue_once` is the idempotency guard at the door: a task with the same arguments that is still waiting or
running is returned instead of queued again (a double click, a timer that fires twice). The tasks themselves
are idempotent by state as well, so a retry after a failure does no harm either.
"""

from __future__ import annotations

from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult

UNFINISHED = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


def enqueue_once(task: Task, *args, **kwargs):
    """Queue `task(*args, **kwargs)` unless the same call is already waiting or running; return its result."""
    wanted = normalize_json({"args": list(args), "kwargs": kwargs})
    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status__in=UNFINISHED)
    for row in waiting.only("id", "args_kwargs", "task_path", "status"):
        if normalize_json(row.args_kwargs) == wanted:
            return task.get_result(str(row.id))
    return task.enqueue(*args, **kwargs)


def run_pending(limit: int | None = None) -> int:
    """Run queued tasks here and now, oldest first (tests; the demo loader). Returns how many ran."""
    from django_tasks_db.management.commands.db_worker import (
        Worker,  # the worker's own run-and-record step
    )

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-process",
        excluded_queue_names=[],
    )
    ran = 0
    while limit is None or ran < limit:
        row = DBTaskResult.objects.ready().first()
        if row is None:
            return ran
        row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1
    return ran
