"""Saving scenarios: who may, what is audited, what is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.audit.models import AuditEvent
from highneeds.planning import engine_bridge as eb
from highneeds.planning import services
from highneeds.planning.models import Scenario

from .conftest import needs_data, scenario_data

pytestmark = [pytest.mark.django_db, needs_data]

PLACES = {
    "new_places": [
        {
            "places": 40,
            "need": "ASD",
            "phase": "secondary",
            "cost_per_place": 26000.0,
            "opening_year": 2026,
            "diverts_from": "independent_special",
        }
    ]
}


def test_finance_saves_a_scenario_and_it_is_audited(small_council, make_user):
    finance = make_user("finance")
    scenario = services.create_scenario(
        actor=finance, data=scenario_data(small_council, name="  Places  ", levers=PLACES)
    )
    assert scenario.name == "Places" and scenario.created_by == finance
    event = AuditEvent.objects.get(action="planning.scenario_create", object_id=str(scenario.pk))
    assert event.actor_id == finance.pk and event.child_id is None
    assert event.after["levers"]["new_places"][0]["places"] == 40

    services.update_scenario(actor=finance, scenario=scenario, data={"years": 8})
    update = AuditEvent.objects.get(action="planning.scenario_update")
    assert (update.before["years"], update.after["years"]) == (5, 8)

    copy = services.duplicate_scenario(actor=finance, scenario=scenario)
    assert copy.name == "Copy of Places" and copy.levers == scenario.levers and not copy.is_baseline
    copy_id = copy.pk
    services.delete_scenario(actor=finance, scenario=copy)
    assert not Scenario.objects.filter(pk=copy_id).exists()
    assert AuditEvent.objects.filter(action="planning.scenario_delete", object_id=str(copy_id)).exists()


@pytest.mark.parametrize("role", ["strategic_lead", "caseworker", "parent"])
def test_only_finance_and_managers_may_save(small_council, make_user, role):
    with pytest.raises(PermissionDenied):
        services.create_scenario(actor=make_user(role), data=scenario_data(small_council))
    assert not Scenario.objects.exists()


def test_one_baseline_at_a_time(make_scenario, make_user):
    manager = make_user("manager")
    first = make_scenario(actor=manager, name="First", is_baseline=True)
    second = make_scenario(actor=manager, name="Second", is_baseline=True)
    first.refresh_from_db()
    assert second.is_baseline and not first.is_baseline


def test_bad_input_is_refused_naming_the_field(small_council):
    from highneeds.accounts.roles import SYSTEM

    with pytest.raises(ValidationError) as exc:
        services.create_scenario(actor=SYSTEM, data=scenario_data(small_council, name=" "))
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_scenario(
            actor=SYSTEM, data=scenario_data(small_council, base="public", la_code="000", base_year=2022)
        )
    assert "la_code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_scenario(actor=SYSTEM, data=scenario_data(small_council, levers={"magic": 1}))
    assert "levers" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_scenario(actor=SYSTEM, data=scenario_data(small_council, unit_costs={"castle": 1}))
    assert "unit_costs" in exc.value.message_dict


def test_goal_seek_reports_unreachable_and_saves_a_reached_value(make_scenario, make_user):
    finance, lead = make_user("finance"), make_user("strategic_lead")
    # An allocation of £1 cannot be balanced by fewer requests alone.
    starved = make_scenario(name="Starved", hnb_allocation=1)
    result, saved = services.run_goal_seek(
        actor=lead, scenario=starved, lever="fewer_requests", target_year=starved.base_year + 3
    )
    assert not result.reached and saved is None
    event = AuditEvent.objects.get(action="planning.goal_seek")
    assert event.actor_id == lead.pk and event.after["reached"] is False

    # Spend £20,000 above the allocation in the target year: a cut in unit costs balances it, and is saved.
    scenario = make_scenario(name="Tight", hnb_allocation=1)
    spend = eb.projection_for(scenario).spend[1]
    services.update_scenario(actor=finance, scenario=scenario, data={"hnb_allocation": int(spend[1] - 20_000)})
    result, saved = services.run_goal_seek(
        actor=finance,
        scenario=scenario,
        lever="tariff_change",
        target_year=scenario.base_year + 2,
        save_as="Tight, balanced",
    )
    assert result.reached and -0.5 < result.value < 0
    assert saved.name == "Tight, balanced"
    assert saved.levers["tariff_change"]["value"] == pytest.approx(result.value)
    with pytest.raises(ValidationError):
        services.run_goal_seek(actor=finance, scenario=scenario, lever="tariff_change", target_year=1990)
