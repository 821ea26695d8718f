"""What a running task tells the page that started it: how far it has got, and who may look.

Progress lives in the shared cache (the database cache by default, so every web process sees it). Tasks
started from a page take `requested_by` (the user's id): only that person, or an administrator, may follow it.
"""

from __future__ import annotations

from django.core.cache import caches

LABELS = {
    "nightly": "Nightly recalculation",
    "send_chasers": "Advice chasers",
    "build_return": "SEN2 return build",
    "render_plan_pdf": "Plan PDF",
    "render_panel_pack": "Panel pack",
    "run_forecast": "Forecast",
    "import_actuals_file": "Import of actual payments",
    "send_email": "Email",
}


def label(task_name: str) -> str:
    return LABELS.get(task_name, task_name.replace("_", " ").capitalize())


def _key(job_id) -> str:
    return f"job-progress:{job_id}"


def report(context, done: int, total: int | None = None) -> None:
    """Called by a task that takes its context: `report(context, 40, 200)`."""
    caches["shared"].set(_key(context.task_result.id), {"done": done, "total": total}, 24 * 3600)


def read(job_id) -> dict:
    return caches["shared"].get(_key(job_id)) or {}


def may_follow(user, row) -> bool:
    if user.has_perm("jobs.manage"):
        return True
    return user.pk is not None and (row.args_kwargs.get("kwargs") or {}).get("requested_by") == user.pk
