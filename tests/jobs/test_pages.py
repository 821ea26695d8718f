"""The jobs page: a failed task is visible to an administrator, who can retry it (audited); nobody else can;
the person who started a job follows it; a task run twice gives one result."""

from __future__ import annotations

import uuid

import pytest
from django_tasks_db.models import DBTaskResult

from highneeds.audit.models import AuditEvent
from highneeds.jobs.queue import run_pending
from highneeds.returns import jobs as sen2_jobs
from highneeds.returns.models import KeptReturn


@pytest.fixture
def officer(make_user):
    return make_user("manager")


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def _start_build(client, officer):
    client.force_login(officer)
    assert client.post("/returns/sen2/", {"year": "2027", "la": "384"}).status_code == 302
    return KeptReturn.objects.latest("id")


def test_the_page_queues_the_build_and_the_worker_makes_one_result(council, client, officer):
    kept = _start_build(client, officer)
    job = DBTaskResult.objects.get()
    assert job.status == "READY" and job.args_kwargs["args"] == [kept.pk]
    assert "updates itself" in client.get(f"/returns/sen2/{kept.pk}/").content.decode()
    sen2_jobs.enqueue(kept.pk)  # a second enqueue while it waits is the same job
    assert DBTaskResult.objects.count() == 1
    run_pending()
    kept.refresh_from_db()
    assert kept.state == "built" and kept.xml
    built_at = kept.built_at
    sen2_jobs.build_return.enqueue(kept.pk)  # run twice: the built return is left as it is
    run_pending()
    kept.refresh_from_db()
    assert kept.built_at == built_at
    assert AuditEvent.objects.filter(action="sen2.build.finish").count() == 1


def test_a_failed_task_is_shown_to_an_administrator_who_retries_it(council, client, officer, admin, monkeypatch):
    kept = _start_build(client, officer)
    real = sen2_jobs.build_files

    def broken(*args, **kwargs):
        raise RuntimeError("the census date table is missing")

    monkeypatch.setattr(sen2_jobs, "build_files", broken)
    run_pending()
    job = DBTaskResult.objects.get()
    assert job.status == "FAILED"
    kept.refresh_from_db()
    assert kept.state == "failed"

    client.force_login(admin)
    page = client.get("/admin/jobs/?status=FAILED").content.decode()
    assert "SEN2 return build" in page and "the census date table is missing" in page and "Retry" in page

    monkeypatch.setattr(sen2_jobs, "build_files", real)
    response = client.post(f"/admin/jobs/{job.pk}/retry/")
    retried = DBTaskResult.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/admin/jobs/{retried.pk}/"
    event = AuditEvent.objects.get(action="job.retry")
    assert event.object_id == str(job.pk) and event.actor_id == admin.pk
    assert client.post(f"/admin/jobs/{job.pk}/retry/").status_code == 302  # a double click queues nothing more
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_pending()
    kept.refresh_from_db()
    assert kept.state == "built"
    page = client.get(f"/admin/jobs/{retried.pk}/").content.decode()
    assert "Finished" in page and "updates itself" not in page
    # a job that succeeded cannot be "retried" (the double click above was recorded, and queued nothing)
    assert "Only a failed task" in client.post(f"/admin/jobs/{retried.pk}/retry/", follow=True).content.decode()
    assert AuditEvent.objects.filter(action="job.retry").count() == 2


@pytest.mark.parametrize("role", ["manager", "caseworker", "finance", "parent", "panel_member"])
def test_only_administrators_see_the_jobs_page_and_retry(db, client, make_user, role):
    from highneeds.jobs.nightly import nightly

    job = nightly.enqueue("2024-01-01")
    client.force_login(make_user(role))
    assert client.get("/admin/jobs/").status_code == 403
    assert client.post(f"/admin/jobs/{job.id}/retry/").status_code == 403
    assert client.get(f"/admin/jobs/{job.id}/").status_code == 404  # not theirs to follow


def test_unknown_or_malformed_job_ids(db, client, admin):
    client.force_login(admin)
    assert client.get(f"/admin/jobs/{uuid.uuid4()}/").status_code == 404
    assert client.post(f"/admin/jobs/{uuid.uuid4()}/retry/").status_code == 404
    assert client.get("/admin/jobs/not-a-uuid/").status_code == 404
    assert client.get("/admin/jobs/?status=NONSENSE&page=9999").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(db, client):
    response = client.get("/admin/jobs/")
    assert response.status_code == 302 and "sign-in" in response["Location"]
