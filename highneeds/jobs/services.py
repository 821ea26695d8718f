"""Retrying a failed task: the one write an administrator makes on the queue, permission-checked and audited."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation, ValidationError
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from highneeds.audit import log
from highneeds.audit.service import require, service

from .models import KeptFile
from .queue import enqueue_once


@service
def retry_job(*, actor, job: DBTaskResult):
    """Queue the failed task again with the same arguments (the tasks are idempotent, so this is safe)."""
    require(actor, "jobs.manage")
    if job.status != TaskResultStatus.FAILED:
        raise ValidationError({"__all__": "Only a failed task can be retried"})
    try:
        task = job.task
    except (ImportError, SuspiciousOperation) as exc:  # the code it names is gone: nothing to retry
        raise ValidationError({"__all__": f"This task can no longer be run: {exc}"}) from None
    args = job.args_kwargs
    result = enqueue_once(task, *args["args"], **args["kwargs"])
    log.record(actor=actor, action="job.retry", obj=job, after={"task": job.task_path, "new_job": str(result.id)})
    return result


@service
def keep_file(*, actor, key: str, content: bytes, content_type: str, child=None, replaces: str = "") -> KeptFile:
    """Keep a file a task made; a second call with the same key keeps the first (issued documents never change).

    `replaces`: a key prefix whose other files this one supersedes (a panel pack made again after its papers
    changed); they are removed in the same transaction, so personal data is not kept twice."""
    require(actor, "jobs.manage")
    kept, created = KeptFile.objects.get_or_create(key=key, defaults={"content": content, "content_type": content_type})
    if created:
        removed = forget_files(actor=actor, prefix=replaces, keep=key) if replaces else 0
        log.record(
            actor=actor,
            action="job.file.keep",
            obj=kept,
            child=child,
            after={"key": key, "bytes": len(content), "replaced": removed},
        )
    return kept


@service
def forget_files(*, actor, prefix: str, keep: str = "") -> int:
    """Remove kept files whose key starts with `prefix` (all but `keep`); returns how many went."""
    require(actor, "jobs.manage")
    if not prefix:
        raise ValueError("a prefix is needed: this never removes every kept file")
    gone, _ = KeptFile.objects.filter(key__startswith=prefix).exclude(key=keep).delete()
    if gone:
        log.record(actor=actor, action="job.file.forget", after={"prefix": prefix, "removed": gone})
    return gone
