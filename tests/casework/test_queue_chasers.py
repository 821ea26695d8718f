"""`highneeds send-chasers`: reminders for advice due soon, sent as the system actor, printed, audited,
and not repeated within a week."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.jobs.queue import run_pending  # emails are sent by the task worker
from highneeds.letters.models import Letter

D0 = date(2024, 1, 10)
ASKED = date(2024, 2, 15)  # advice due 6 weeks later: 28 March 2024


@pytest.fixture
def advice(make_child, make_user):
    worker = make_user("caseworker")
    ep = make_user("professional", email="ep@example.org", first_name="Edna", last_name="Psych")
    child = make_child(first_name="Secretname", last_name="Hiddenfield")
    request = cw.submit_request(actor=worker, child=child, received_on=D0, source="1", caseworker=worker)
    cw.decide_whether_to_assess(actor=worker, request=request, assess=True, decided_on=date(2024, 2, 14), reasons="x")
    ep_advice = cw.request_advice(
        actor=worker, request=request, adviser_type="educational_psychology", requested_on=ASKED, adviser=ep
    )
    health = cw.request_advice(
        actor=worker, request=request, adviser_type="health", requested_on=ASKED, adviser_name="Community paediatrics"
    )
    return {"ep": ep_advice, "health": health, "request": request, "worker": worker}


def run(*args) -> str:
    out = StringIO()
    call_command("send_chasers", *args, stdout=out)
    return out.getvalue()


def test_chases_advice_due_within_the_window_and_prints_what_it_sent(advice, django_capture_on_commit_callbacks):
    assert advice["ep"].due_on == date(2024, 3, 28)
    assert "0 reminders sent" in run("--today", "2024-03-20")  # 8 days before: not yet
    with django_capture_on_commit_callbacks(execute=True):
        out = run("--today", "2024-03-21")  # 7 days before
    reference = advice["request"].reference
    assert f"chased  {reference}  Educational psychology  Edna Psych  due 28 March 2024" in out
    assert f"chased  {reference}  Health (designated medical or clinical officer)  Community paediatrics" in out
    assert "2 reminders sent" in out
    assert "Secretname" not in out and "Hiddenfield" not in out  # no child's name in scheduler logs
    events = AuditEvent.objects.filter(action="advice.chase")
    assert events.count() == 2 and set(events.values_list("actor_label", flat=True)) == {"send-chasers"}
    assert events.filter(actor_id__isnull=True).count() == 2
    assert Letter.objects.filter(template_code="advice_chaser", family_can_see=False).count() == 2
    run_pending()
    assert any("ep@example.org" in m.to and "Reminder" in m.subject for m in mail.outbox)
    advice["ep"].refresh_from_db()
    assert advice["ep"].chased_on == date(2024, 3, 21)


def test_not_chased_again_within_a_week_then_chased_while_overdue(advice):
    run("--today", "2024-03-21")
    assert "0 reminders sent" in run("--today", "2024-03-27")
    out = run("--today", "2024-03-29")  # due yesterday, last chased 8 days ago
    assert "(overdue)" in out and "2 reminders sent" in out


def test_advice_given_or_closed_requests_are_not_chased(advice):
    cw.submit_advice(
        actor=advice["worker"], advice=advice["health"], text="Report attached", received_on=date(2024, 3, 1)
    )
    out = run("--today", "2024-03-21")
    assert "1 reminder sent" in out and "Health" not in out
    cw.withdraw_request(
        actor=advice["worker"], request=advice["request"], withdrawn_on=date(2024, 3, 22), reason="Moved"
    )
    assert "0 reminders sent" in run("--today", "2024-04-30")


def test_days_before_and_dry_run(advice):
    out = run("--today", "2024-03-08", "--days-before", "20", "--dry-run")
    assert out.count("would chase") == 2 and "2 reminders would be sent (dry run)" in out
    assert not AuditEvent.objects.filter(action="advice.chase").exists()
    assert "0 reminders sent" in run("--today", "2024-03-08")


def test_bad_arguments_are_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--today", "21/03/2024")
    with pytest.raises(CommandError, match="from 0 to 42"):
        run("--days-before", "-1")


def test_the_hyphenated_command_name_works(db, monkeypatch):
    """`highneeds send-chasers` reaches this command (run_from_argv would close the test's connection, so the
    last step, Django's own dispatch, is replaced)."""
    import django.core.management as management

    from highneeds.cli import main

    seen = []
    monkeypatch.setattr(management, "execute_from_command_line", seen.append)
    main(["send-chasers", "--today", "2024-03-21", "--dry-run"])
    assert seen == [["highneeds", "send_chasers", "--today", "2024-03-21", "--dry-run"]]
