"""Emails are sent by the worker after the change commits; a task run twice sends once; a failure can be retried."""

from __future__ import annotations

from django.core import mail
from django_tasks_db.models import DBTaskResult

from highneeds.jobs.queue import run_pending
from highneeds.letters import tasks


def test_queued_on_commit_sent_by_the_worker_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_email("Update", "Something changed.", "council@example.org", "pat@example.org")
    assert mail.outbox == []  # nothing is sent inside the request
    job = DBTaskResult.objects.get()
    run_pending()
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    tasks.send_email.enqueue(*job.args_kwargs["args"])  # the same message's task run a second time
    run_pending()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_a_rolled_back_change_emails_nobody(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.queue_email("Update", "x", "council@example.org", "pat@example.org")
    assert len(callbacks) == 1 and not DBTaskResult.objects.exists()  # queued only if the change commits


def test_a_mail_server_failure_fails_the_task_and_a_retry_sends(db, monkeypatch):
    job = tasks.send_email.enqueue("k1", "Update", "x", "council@example.org", "pat@example.org")

    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(tasks, "send_mail", down)
    run_pending()
    job.refresh()
    assert job.status == "FAILED" and mail.outbox == []
    monkeypatch.undo()
    from highneeds.accounts.roles import SYSTEM
    from highneeds.jobs.services import retry_job

    retry_job(actor=SYSTEM, job=DBTaskResult.objects.get(pk=job.id))
    run_pending()
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
