"""`highneeds apply-cessations`: only cessations past the appeal window (or decided appeals) take effect."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from highneeds.audit.models import AuditEvent
from highneeds.disputes import services
from highneeds.plans.models import Plan

from .conftest import ago

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("apply_cessations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def decided(caseworker, plan, decided_on, takes_effect_on):
    cessation = services.start_cessation(
        actor=caseworker, plan=plan, proposed_on=decided_on - timedelta(days=20), reason="3"
    )
    for who in ("family", "setting"):
        services.record_cessation_consultation(
            actor=caseworker, cessation=cessation, who=who, consulted_on=decided_on - timedelta(days=15)
        )
    return services.decide_cessation(
        actor=caseworker,
        cessation=cessation,
        decided_on=decided_on,
        cease=True,
        reasons="Started university",
        takes_effect_on=takes_effect_on,
    )


@pytest.fixture
def second_plan(make_child, school):
    child = make_child(sen_status="E", establishment=school)
    return Plan.objects.create(child=child, status="final", first_issued_on=ago(1000))


def test_applies_past_the_window_and_leaves_the_rest_in_force(caseworker, plan, second_plan):
    past = decided(caseworker, plan, decided_on=ago(100), takes_effect_on=ago(90))  # window closed ~ago(39)
    open_window = decided(caseworker, second_plan, decided_on=ago(10), takes_effect_on=ago(5))
    deadline = past.notice.due("appeal_deadline")

    dry = run("--dry-run")
    assert f"would apply  cessation {past.pk}" in dry and f"cessation {open_window.pk}" not in dry
    assert Plan.objects.get(pk=plan.pk).status == "final"

    output = run()
    assert f"applied  cessation {past.pk}  plan {plan.pk}  ceases {deadline + timedelta(days=1):%-d %B %Y}" in output
    assert "1 plan(s) ceased" in output
    ceased = Plan.objects.get(pk=plan.pk)
    assert (ceased.status, ceased.ceased_on) == ("ceased", deadline + timedelta(days=1))
    assert Plan.objects.get(pk=second_plan.pk).status == "final"
    assert AuditEvent.objects.filter(action="dispute.cessation.apply", actor_label="apply-cessations").count() == 1
    assert plan.child.first_name not in output
    assert "0 plan(s) ceased" in run()  # running again changes nothing


def test_a_lodged_appeal_holds_it_and_today_can_be_given(caseworker, plan):
    cessation = decided(caseworker, plan, decided_on=ago(100), takes_effect_on=ago(90))
    services.lodge_appeal(actor=caseworker, notice=cessation.notice, matters=["cessation"], lodged_on=ago(60))
    assert "0 plan(s) ceased" in run()
    # As of a day before the window closed, nothing was due either.
    cessation.refresh_from_db()
    assert "0 plan(s) ceased" in run("--today", ago(50).isoformat())


def test_bad_today_is_refused():
    with pytest.raises(CommandError):
        run("--today", "23/11/2026")
