"""Email as a task: sent by the worker after the change commits, so a slow or failing mail server never holds up
(or breaks) the page, and a failure is on the jobs page to retry.

Each message is queued with a key of its own; the task remembers keys it has sent (in the shared cache, for 30
days), so running the same task twice (a retry after a worker died mid-send) sends it once. Sign-in links are
not sent this way: their one-time tokens must not sit in the task table (accounts.links sends them itself).
"""

from __future__ import annotations

import uuid

from django.core.cache import caches
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

SENT_FOR = 30 * 24 * 3600


@task()
def send_email(key: str, subject: str, body: str, sender: str, to: str) -> dict:
    marker = f"email-sent:{key}"
    if caches["shared"].get(marker):
        return {"sent": False, "summary": "Already sent"}
    send_mail(subject, body, sender, [to])  # raises on failure: the task fails and can be retried
    caches["shared"].set(marker, True, SENT_FOR)
    return {"sent": True}


def queue_email(subject: str, body: str, sender: str, to: str) -> None:
    """Queue one message once the surrounding transaction commits (a rolled-back change emails nobody)."""
    key = uuid.uuid4().hex
    transaction.on_commit(lambda: send_email.enqueue(key, subject, body, sender, to))
