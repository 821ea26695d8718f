"""Rendering an issued plan's PDF once, in the background, and keeping it (issued versions never change)."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from highneeds.accounts.roles import SystemActor
from highneeds.jobs.models import KeptFile
from highneeds.jobs.services import keep_file

from . import rendering
from .models import PlanVersion

KINDS = {"plan": (rendering.render_pdf, "plans:pdf"), "profile": (rendering.render_profile_pdf, "plans:profile-pdf")}


def pdf_key(version: PlanVersion, kind: str) -> str:
    return f"plan-version:{version.pk}:{kind}"


def kept_pdf(version: PlanVersion, kind: str) -> KeptFile | None:
    return KeptFile.objects.filter(key=pdf_key(version, kind)).first() if version.is_locked else None


@task()
def render_plan_pdf(version_id: int, kind: str = "plan", requested_by: int | None = None) -> dict:
    """Render and keep the PDF of an issued version. Run twice, the second run finds it kept and does nothing."""
    version = PlanVersion.objects.select_related("plan").get(pk=version_id)
    if not version.is_locked:
        raise ValueError(f"version {version_id} is still being written: only issued versions are kept")
    make, url_name = KINDS[kind]
    if not KeptFile.objects.filter(key=pdf_key(version, kind)).exists():
        keep_file(
            actor=SystemActor("plan-pdf"),
            key=pdf_key(version, kind),
            content=make(version),
            content_type="application/pdf",
            child=version.plan.child_id,
        )
    return {"url": reverse(url_name, args=[version_id]), "summary": "The PDF is ready."}
