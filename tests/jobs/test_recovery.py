"""Tasks whose worker died are requeued, or failed after MAX_ATTEMPTS; a task still within its time is left alone.
(The real fault, a worker killed mid-task on PostgreSQL, is in test_faults.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.jobs.nightly import nightly
from highneeds.jobs.recovery import MAX_ATTEMPTS, requeue_abandoned

pytestmark = pytest.mark.django_db


def running(started_minutes_ago: int, workers: int) -> DBTaskResult:
    row = DBTaskResult.objects.get(id=nightly.enqueue().id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING",
        worker_ids=[f"w{n}" for n in range(workers)],
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
    )
    return row


def test_abandoned_tasks_are_requeued_or_failed_and_recent_ones_left_alone(settings):
    settings.TASK_ABANDONED_AFTER_MINUTES = 60
    abandoned, still_going, hopeless = running(90, 1), running(10, 1), running(90, MAX_ATTEMPTS)
    assert requeue_abandoned(actor=SYSTEM) == {"requeued": 1, "failed": 1}
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses == {abandoned.id: "READY", still_going.id: "RUNNING", hopeless.id: "FAILED"}
    assert DBTaskResult.objects.get(pk=hopeless.pk).exception_class_path == "highneeds.jobs.recovery.WorkerStopped"
    assert sorted(
        AuditEvent.objects.filter(action__in=["job.fail", "job.requeue"]).values_list("action", flat=True)
    ) == ["job.fail", "job.requeue"]
    assert requeue_abandoned(actor=SYSTEM) == {"requeued": 0, "failed": 0}  # running it again does no harm


def test_only_the_system_or_a_job_manager_may_requeue(make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        requeue_abandoned(actor=make_user("caseworker"))


def test_the_command_requeues_and_refuses_a_negative_age(capsys):
    from django.core.management import CommandError, call_command

    running(5, 1)
    call_command("requeue-abandoned")
    assert capsys.readouterr().out.strip() == "requeued 0, failed 0"  # 5 minutes is not abandoned by default
    call_command("requeue-abandoned", "--older-than-minutes", "1")
    assert capsys.readouterr().out.strip() == "requeued 1, failed 0"
    with pytest.raises(CommandError, match="--older-than-minutes must be 0 or more"):
        call_command("requeue-abandoned", "--older-than-minutes", "-1")
