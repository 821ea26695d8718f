"""Panel packs are made on the task queue and kept, keyed by the meeting, the member's items and the papers' content:
an unchanged pack is served again, a changed item makes a new one (replacing the old), and a member follows and
downloads only their own pack."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.jobs.models import KeptFile
from highneeds.jobs.queue import run_pending
from highneeds.panels import pack, tasks
from highneeds.panels import services as ps

from .conftest import download_pack, sign_in


@pytest.fixture
def rendered(monkeypatch):
    """Count the PDFs made (WeasyPrint is the slow part; what it is given is what we check)."""
    made = []

    def fake_pdf(html):
        made.append(html)
        return b"%PDF-1.7 " + str(len(made)).encode()

    monkeypatch.setattr(pack, "pdf_of", fake_pdf)
    monkeypatch.setattr(pack, "load", lambda: None)
    return made


def url(meeting) -> str:
    return f"/panels/meetings/{meeting.pk}/pack.pdf"


def test_first_ask_queues_the_pack_then_the_kept_pack_is_served(world, on_agenda, rendered):
    client = sign_in(Client(), world.members["health"].user)
    first = client.get(url(world.meeting))
    job = DBTaskResult.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/admin/jobs/{job.pk}/"
    waiting = client.get(first["Location"]).content.decode()
    assert "Panel pack" in waiting and "Refresh this page" in waiting and "data-poll-url" in waiting
    assert "Testworth" not in waiting  # the job's page names no child
    assert client.get(url(world.meeting)).status_code == 302 and DBTaskResult.objects.count() == 1  # same job
    assert not AuditEvent.objects.filter(action="panel.pack.download").exists()  # nothing seen yet

    assert run_pending() == 1
    done = client.get(first["Location"]).content.decode()
    assert "is ready" in done and f'href="{url(world.meeting)}"' in done
    for _ in range(2):
        response = client.get(url(world.meeting))
        assert response.status_code == 200 and response.content == b"%PDF-1.7 1"  # the kept one, made once
    assert len(rendered) == 1 and "Testworth" in rendered[0]
    assert AuditEvent.objects.filter(action="panel.pack.download", child_id=world.child.pk).count() == 2


def test_running_the_task_twice_does_no_harm(world, on_agenda, rendered):
    tasks.render_panel_pack.enqueue(world.meeting.pk, [on_agenda.pk])
    tasks.render_panel_pack.enqueue(world.meeting.pk, [on_agenda.pk])
    assert run_pending() == 2
    assert KeptFile.objects.count() == 1 and len(rendered) == 1
    assert AuditEvent.objects.filter(action="job.file.keep").count() == 1
    assert {j.status for j in DBTaskResult.objects.all()} == {"SUCCESSFUL"}


def test_a_changed_item_makes_a_new_pack_and_the_old_one_goes(world, on_agenda, rendered, make_user):
    client = sign_in(Client(), world.members["health"].user)
    assert download_pack(client, world.meeting).content == b"%PDF-1.7 1"
    old_key = KeptFile.objects.get().key
    # New advice arrives for the child on the agenda: the papers change.
    cw.decide_whether_to_assess(
        actor=world.caseworker, request=world.request, assess=True, decided_on=date.today(), reasons="Needs"
    )
    ep = make_user("professional", first_name="Eve", last_name="Psych")
    advice = cw.request_advice(
        actor=world.caseworker,
        request=world.request,
        adviser_type="educational_psychology",
        requested_on=date.today(),
        adviser=ep,
    )
    cw.submit_advice(actor=ep, advice=advice, text="Speech and language therapy weekly", received_on=date.today())

    assert client.get(url(world.meeting)).status_code == 302  # not the stale pack
    run_pending()
    response = client.get(url(world.meeting))
    assert response.content == b"%PDF-1.7 2" and "Speech and language therapy weekly" in rendered[-1]
    assert list(KeptFile.objects.values_list("key", flat=True)) != [old_key] and KeptFile.objects.count() == 1
    assert AuditEvent.objects.filter(action="job.file.forget").count() == 1


def test_a_member_gets_only_their_own_pack_and_follows_only_their_own_job(world, on_agenda, make_child, rendered):
    other = cw.submit_request(
        actor=world.caseworker,
        child=make_child(first_name="Bryn", last_name="Otherton"),
        received_on=world.request.received_on,
        source="2",
        caseworker=world.caseworker,
    )
    ps.add_to_agenda(actor=world.manager, meeting=world.meeting, request=other)
    conflicted, health = world.members["social_care"], world.members["health"]
    ps.declare_conflict(actor=conflicted.user, item=on_agenda, member=conflicted, note="Neighbour")

    mine = sign_in(Client(), conflicted.user)
    location = mine.get(url(world.meeting))["Location"]
    theirs = sign_in(Client(), health.user)
    assert theirs.get(location).status_code == 404  # another member's job: as if it did not exist
    assert download_pack(theirs, world.meeting).status_code == 200
    assert download_pack(mine, world.meeting).status_code == 200
    assert KeptFile.objects.count() == 2  # two sets of items, two packs
    without = next(html for html in rendered if "Testworth" not in html)
    assert "Otherton" in without
    events = AuditEvent.objects.filter(action="panel.pack.download", actor_id=conflicted.user.pk)
    assert set(events.values_list("child_id", flat=True)) == {other.child_id}


def test_a_pack_that_cannot_be_made_fails_visibly(world, on_agenda, monkeypatch):
    def broken(html):
        raise pack.PdfUnavailable("Panel packs need WeasyPrint and its system libraries")

    monkeypatch.setattr(pack, "pdf_of", broken)
    monkeypatch.setattr(pack, "load", lambda: None)
    client = sign_in(Client(), world.manager)
    location = client.get(url(world.meeting))["Location"]
    run_pending()
    job = DBTaskResult.objects.get()
    assert job.status == "FAILED" and "WeasyPrint" in job.traceback
    assert "This job failed" in client.get(location).content.decode()
    assert not KeptFile.objects.exists()


def test_closing_the_meeting_removes_its_kept_packs(world, on_agenda, rendered):
    client = sign_in(Client(), world.manager)
    assert download_pack(client, world.meeting).status_code == 200
    other = ps.schedule_meeting(actor=world.manager, panel=world.panel, meets_on=date.today(), location="Room 3")
    ps.add_to_agenda(actor=world.manager, meeting=other, request=world.request)
    assert download_pack(client, other).status_code == 200
    assert KeptFile.objects.count() == 2
    ps.close_meeting(actor=world.manager, meeting=world.meeting)
    assert [k.key.split(":")[1] for k in KeptFile.objects.all()] == [str(other.pk)]  # only the closed one's went
    assert download_pack(client, world.meeting).status_code == 200  # casework can still have it, made afresh
