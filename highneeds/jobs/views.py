"""The administrator's jobs page (status, error, retry) and the page that follows one task for whoever started it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from highneeds.web.access import requires

from . import progress, services

STATUS_LABELS = {"READY": "Waiting", "RUNNING": "Running", "SUCCESSFUL": "Finished", "FAILED": "Failed"}
STATUS_TAGS = {"READY": "grey", "RUNNING": "blue", "SUCCESSFUL": "green", "FAILED": "red"}


def _row(job: DBTaskResult) -> dict:
    """Plain data for the templates: the error is the exception's last line (its class and message)."""
    error = ""
    if job.status == TaskResultStatus.FAILED:
        lines = [line for line in job.traceback.strip().splitlines() if line.strip()]
        error = lines[-1] if lines else job.exception_class_path
    result = job.return_value if isinstance(job.return_value, dict) else {}
    return {
        "id": str(job.id),
        "task": progress.label(job.task_path.rsplit(".", 1)[-1]),
        "status": job.status,
        "status_label": STATUS_LABELS.get(job.status, job.status),
        "tag": STATUS_TAGS.get(job.status, "grey"),
        "enqueued_at": job.enqueued_at,
        "finished_at": job.finished_at,
        "error": error,
        "attempts": len(job.worker_ids),
        "url": result.get("url", ""),
        "link": result.get("link", "See the result"),
        "summary": result.get("summary", ""),
        "problems": [str(p) for p in result.get("problems", [])][:500],
        "progress": progress.read(job.id),
        "unfinished": job.status in ("READY", "RUNNING"),
    }


def _job(job_id: str) -> DBTaskResult:
    try:
        job = DBTaskResult.objects.filter(pk=uuid.UUID(job_id)).first()
    except ValueError:  # not a job's id at all
        job = None
    if job is None:
        raise Http404
    return job


@requires("jobs.manage")
def job_list(request):
    status = request.GET.get("status", "")
    jobs = DBTaskResult.objects.order_by("-enqueued_at")
    if status in STATUS_LABELS:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {
            "page_title": "Background jobs",
            "rows": [_row(j) for j in page],
            "page": page,
            "status": status,
            "statuses": STATUS_LABELS,
            "query": f"status={status}" if status else "",
            "failed": DBTaskResult.objects.failed().count(),
        },
    )


@requires("jobs.manage")
@require_POST
def job_retry(request, job_id):
    job = _job(job_id)
    try:
        result = services.retry_job(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("job-list")
    messages.success(request, f"{progress.label(job.task_path.rsplit('.', 1)[-1])} queued again")
    return redirect("job-status", job_id=result.id)


@requires("jobs.follow")
def job_status(request, job_id):
    """Progress while it runs (a link to refresh; app.js polls where JavaScript runs), then the result."""
    job = _job(job_id)
    if not progress.may_follow(request.user, job):
        raise Http404  # not yours: the same answer as a job that does not exist
    row = _row(job)
    return render(
        request,
        "jobs/status.html",
        {"page_title": row["task"], "job": row, "is_admin": request.user.has_perm("jobs.manage")},
    )
