"""An issued plan's PDF is rendered once by a task and kept; later downloads serve the kept file."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from highneeds.audit.models import AuditEvent
from highneeds.jobs.models import KeptFile
from highneeds.jobs.queue import run_pending
from highneeds.plans import rendering, tasks


def test_issued_pdf_is_queued_rendered_once_and_served_kept(client, issued, make_user, monkeypatch):
    pytest.importorskip("weasyprint")
    version = issued["version"]
    client.force_login(issued["worker"])
    url = f"/plans/version/{version.pk}/plan.pdf"
    first = client.get(url)
    job = DBTaskResult.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/admin/jobs/{job.pk}/"
    waiting = client.get(first["Location"]).content.decode()
    assert "updates itself" in waiting and "Refresh this page" in waiting and "data-poll-url" in waiting
    assert client.get(url).status_code == 302 and DBTaskResult.objects.count() == 1  # asked again: same job
    assert run_pending() == 1
    done = client.get(first["Location"]).content.decode()
    assert "The PDF is ready." in done and f'href="{url}"' in done

    calls = []
    monkeypatch.setitem(tasks.KINDS, "plan", (lambda v: calls.append(v) or b"%PDF-other", "plans:pdf"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response.content != b"%PDF-other" and not calls  # kept one
    assert AuditEvent.objects.filter(action="plan.download", child_id=version.plan.child_id).count() >= 3

    tasks.render_plan_pdf.enqueue(version.pk, "plan")  # run twice: still one kept file, nothing re-rendered
    run_pending()
    assert KeptFile.objects.count() == 1 and not calls
    assert AuditEvent.objects.filter(action="job.file.keep").count() == 1


def test_only_the_person_who_asked_follows_the_job(client, issued, make_user):
    version = issued["version"]
    client.force_login(issued["worker"])
    location = client.get(f"/plans/version/{version.pk}/profile.pdf")["Location"]
    client.force_login(make_user("caseworker"))
    assert client.get(location).status_code == 404


def test_a_version_being_written_is_rendered_each_time_and_never_kept(client, drafted, monkeypatch):
    monkeypatch.setitem(tasks.KINDS, "plan", (lambda v: b"%PDF-draft", "plans:pdf"))
    client.force_login(drafted["worker"])
    response = client.get(f"/plans/version/{drafted['version'].pk}/plan.pdf")
    assert response.status_code == 200 and response.content == b"%PDF-draft"
    assert not DBTaskResult.objects.exists() and not KeptFile.objects.exists()


def test_rendering_a_draft_as_a_task_fails_visibly(drafted):
    tasks.render_plan_pdf.enqueue(drafted["version"].pk)
    run_pending()
    job = DBTaskResult.objects.get()
    assert job.status == "FAILED" and "still being written" in job.traceback
    assert rendering.PdfUnavailable  # the draft path still reports a missing renderer as before
