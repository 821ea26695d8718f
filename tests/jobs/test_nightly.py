"""The nightly task: queued once per date, run by the worker, and harmless when run twice."""

from __future__ import annotations

from datetime import date

import pytest
from django_tasks_db.models import DBTaskResult

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.jobs import nightly as nightly_module
from highneeds.jobs.nightly import nightly
from highneeds.jobs.queue import enqueue_once, run_pending
from highneeds.letters.models import Letter

D0 = date(2024, 1, 10)


@pytest.fixture
def advice(make_child, make_user):
    worker = make_user("caseworker")
    ep = make_user("professional", email="ep@example.org")
    request = cw.submit_request(actor=worker, child=make_child(), received_on=D0, source="1", caseworker=worker)
    cw.decide_whether_to_assess(actor=worker, request=request, assess=True, decided_on=date(2024, 2, 14), reasons="x")
    return cw.request_advice(
        actor=worker, request=request, adviser_type="educational_psychology", requested_on=date(2024, 2, 15), adviser=ep
    )


def test_nightly_runs_every_step_and_twice_is_harmless(advice):
    first = enqueue_once(nightly, "2024-03-21")
    assert enqueue_once(nightly, "2024-03-21").id == first.id  # a timer firing twice queues one task
    assert run_pending() == 1
    first.refresh()
    assert first.status == "SUCCESSFUL"
    assert first.return_value["chasers"] == {"chasers sent": 1}
    assert first.return_value["clocks"]["recalculated"] == 1
    assert {"reviews", "cessations"} <= set(first.return_value)
    again = enqueue_once(nightly, "2024-03-21")
    assert again.id != first.id  # the first has finished, so a new run is queued ...
    run_pending()
    again.refresh()
    assert again.return_value["chasers"] == {"chasers sent": 0}  # ... and changes nothing
    assert Letter.objects.filter(template_code="advice_chaser").count() == 1
    assert AuditEvent.objects.filter(action="advice.chase", actor_label="nightly").count() == 1


def test_a_failing_step_fails_the_task_after_the_other_steps_ran(advice, monkeypatch):
    def broken(actor, on):
        raise RuntimeError("clock exploded")

    monkeypatch.setitem(nightly_module.STEPS, "clocks", broken)
    result = nightly.enqueue("2024-03-21")
    run_pending()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and "clock exploded" in row.traceback
    assert Letter.objects.filter(template_code="advice_chaser").count() == 1  # the chasers step still ran


def test_the_scheduler_command_queues_once_and_runs_with_now(advice, capsys):
    from django.core.management import call_command

    call_command("nightly", "--today", "2024-03-21")
    call_command("nightly", "--today", "2024-03-21")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("nightly", "--today", "2024-03-21", "--now")
    out = capsys.readouterr().out
    assert "nightly finished" in out and "'chasers sent': 1" in out
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def test_the_scheduler_command_rejects_a_bad_date(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--today"):
        call_command("nightly", "--today", "21/03/2024")
