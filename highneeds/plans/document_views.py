"""Plan pages: the document (HTML, PDF, easy-read profile), its pictures and video, and the difference between versions.

Read pages, gated by `people.open_records` and then `plans.view_plan` on the child (404 for missing and
not-permitted alike).
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from highneeds.engine import plandiff
from highneeds.jobs.queue import enqueue_once
from highneeds.web.access import requires

from . import queries, rendering, tasks
from . import sections as S
from .views import READ, _staff, media_url

# ---------------------------------------------------------------------------------------------------------------
# The document


@requires(READ)
def version_page(request, version_id: int):
    version = queries.open_version(request.user, version_id)
    context = rendering.document_context(version, media_url=media_url)
    others = [v for v in queries.visible_versions(request.user, version.plan) if v.pk != version.pk]
    staff = _staff(request.user)
    return render(
        request,
        "plans/version.html",
        {
            **context,
            "page_title": f"{version.plan.child.full_name}: {version.label}",
            "others": others,
            "staff": staff,
            "sections_editable": S.EDITABLE,
            "comments": list(queries.contributions(version, "comment").filter(version=version)) if staff else [],
        },
    )


def _pdf_response(request, kind: str, version, filename: str) -> HttpResponse:
    """An issued version's PDF is rendered once by a task and kept; one being written is rendered each time."""
    if version.is_locked:
        kept = tasks.kept_pdf(version, kind)
        if kept is None:
            job = enqueue_once(tasks.render_plan_pdf, version.pk, kind, requested_by=request.user.pk)
            return redirect("job-status", job_id=job.id)
        pdf = bytes(kept.content)
    else:
        try:
            pdf = tasks.KINDS[kind][0](version)
        except rendering.PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@requires(READ)
def version_pdf(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.download")
    return _pdf_response(request, "plan", version, f"ehc-plan-{version.plan_id}-v{version.number}.pdf")


@requires(READ)
@csp_update({"style-src": [UNSAFE_INLINE]})  # a standalone print page whose <style> is rendered without a request
def profile(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.profile")
    return HttpResponse(rendering.render_profile(version))


@requires(READ)
def profile_pdf(request, version_id: int):
    version = queries.open_version(request.user, version_id, what="plan.profile")
    return _pdf_response(request, "profile", version, f"one-page-profile-{version.plan_id}.pdf")


@requires(READ)
def media_file(request, media_id: int):
    media = queries.open_media(request.user, media_id)
    storage, name = storages["default"], queries.media_name(media.stored_name)
    if not storage.exists(name):
        raise Http404("media")
    response = FileResponse(storage.open(name, "rb"), content_type=media.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@requires(READ)
def compare(request, a: int, b: int):
    old = queries.open_version(request.user, a, what="plan.compare")
    new = queries.open_version(request.user, b, what="plan.compare")
    if old.plan_id != new.plan_id:
        raise Http404("plan")
    if old.number > new.number:
        old, new = new, old
    changes = plandiff.diff(old.sections or {}, new.sections or {}, labels=S.FIELD_LABELS)
    return render(
        request,
        "plans/compare.html",
        {
            "page_title": f"What changed: {old.label} and {new.label}",
            "old": old,
            "new": new,
            "changed": [d for d in changes if d.changes],
            "unchanged": [d for d in changes if not d.changes],
            "child": old.plan.child,
        },
    )
