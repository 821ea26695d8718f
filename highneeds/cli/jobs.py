"""`highneeds jobs worker|list|nightly|recover`: the background task queue (django-tasks with its database backend)."""

from __future__ import annotations

import sys

import typer

from . import bridge

app = typer.Typer(
    help="Background jobs: run a worker, list recent jobs and how they ended.",
    epilog="Example: highneeds jobs list --status FAILED",
    no_args_is_help=True,
)

bridge.forward(
    app,
    "worker",
    "db_worker",
    "Run a worker that takes jobs from the database queue (keep it running).",
    "highneeds jobs worker --queue-name default",
)

bridge.forward(
    app,
    "nightly",
    "nightly",
    "Queue the nightly task (clocks, reviews, cessations, chasers, document purge): the one cron or systemd timer entry.",
    "highneeds jobs nightly --today 2026-12-03",
)
bridge.forward(
    app,
    "recover",
    "requeue-abandoned",
    "Queue again the jobs whose worker died mid-task, or mark them failed after 3 tries (cron, every 15 minutes).",
    "highneeds jobs recover --older-than-minutes 360",
)

STATUSES = ("READY", "RUNNING", "SUCCESSFUL", "FAILED")


@app.command("list", epilog="Example: highneeds jobs list --status FAILED --limit 50")
def list_jobs(
    status: str = typer.Option(None, help="only jobs in this state: " + ", ".join(STATUSES)),
    limit: int = typer.Option(20, min=1, max=1000, help="how many, newest first"),
) -> None:
    """List recent jobs, newest first, with their status."""
    from django.core.management.base import CommandError

    if status is not None and status.upper() not in STATUSES:
        raise CommandError(f"--status must be one of {', '.join(STATUSES)}, not {status!r}")
    bridge.setup()
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from rich.console import Console
    from rich.table import Table

    results = DBTaskResult.objects.order_by("-enqueued_at")
    if status:
        results = results.filter(status=status.upper())
    rows = list(results[:limit])
    if not rows:
        typer.echo("No jobs.")
        return

    def when(value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"

    table = Table("id", "task", "queue", "status", "enqueued", "finished", "error", box=None, pad_edge=False)
    for job in rows:
        table.add_row(
            str(job.id)[:8],
            job.task_path,
            job.queue_name,
            job.status,
            when(job.enqueued_at),
            when(job.finished_at),
            job.exception_class_path.rsplit(".", 1)[-1],
        )
    Console(file=sys.stdout, width=200, highlight=False).print(table)
