"""Saving scenarios and running goal seek. Every change is checked against `planning.edit_scenarios` and
audited; nothing here touches a child's record."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from highneeds.accounts.roles import SYSTEM
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.jobs.services import forget_files

from . import engine_bridge as eb
from . import runs
from .models import Scenario

EDITABLE = (
    "name",
    "description",
    "base",
    "la_code",
    "base_year",
    "years",
    "levers",
    "unit_costs",
    "hnb_allocation",
    "opening_balance",
    "allocation_growth",
    "population_growth",
    "is_baseline",
)


def _clean(data: dict) -> dict:
    """Check what a form cannot: that the base can be calibrated and the levers read back."""
    data = {k: v for k, v in data.items() if k in EDITABLE}
    data["name"] = (data.get("name") or "").strip()
    if not data["name"]:
        raise ValidationError({"name": "Enter a name for the scenario"})
    if data.get("base") not in ("casework", "public"):
        raise ValidationError({"base": "Choose what to calibrate the forecast from"})
    data["la_code"] = (data.get("la_code") or "").strip() if data["base"] == "public" else ""
    problem = eb.check_base(data["base"], data["la_code"], data["base_year"])
    if problem:
        raise ValidationError({problem[0]: problem[1]})
    try:
        eb.levers_from_dict(data.get("levers") or {})
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError({"levers": f"The levers could not be read: {exc}"}) from None
    unknown = set(data.get("unit_costs") or {}) - set(eb.settings())
    if unknown:
        raise ValidationError({"unit_costs": f"Unknown setting types: {', '.join(sorted(unknown))}"})
    return data


def _with_starting_point(data: dict) -> dict:
    """Assumptions a caller left out (an API client, say) come from the baseline, never from 0."""
    start = eb.starting_point()
    filled = {**{k: v for k, v in start.items() if k in EDITABLE and k not in data}, **data}
    levers = dict(filled.get("levers") or {})
    levers.setdefault("cost_growth", start["cost_growth"])
    return {**filled, "levers": levers}


@service
def create_scenario(*, actor, data: dict) -> Scenario:
    require(actor, "planning.edit_scenarios")
    data = _clean(_with_starting_point(data))
    if data.get("is_baseline"):
        Scenario.objects.filter(is_baseline=True).update(is_baseline=False)
    scenario = Scenario.objects.create(**data, created_by=_user(actor), updated_by=_user(actor))
    log.record(actor=actor, action="planning.scenario_create", obj=scenario, after=scenario.snapshot())
    return scenario


@service
def update_scenario(*, actor, scenario: Scenario, data: dict) -> Scenario:
    require(actor, "planning.edit_scenarios")
    before = scenario.snapshot()
    for key, value in _clean({**{k: getattr(scenario, k) for k in EDITABLE}, **data}).items():
        setattr(scenario, key, value)
    scenario.updated_by = _user(actor)
    if scenario.is_baseline:
        Scenario.objects.filter(is_baseline=True).exclude(pk=scenario.pk).update(is_baseline=False)
    scenario.save()
    log.record(actor=actor, action="planning.scenario_update", obj=scenario, before=before, after=scenario.snapshot())
    return scenario


@service
def delete_scenario(*, actor, scenario: Scenario) -> None:
    require(actor, "planning.edit_scenarios")
    log.record(actor=actor, action="planning.scenario_delete", obj=scenario, before=scenario.snapshot())
    forget_files(actor=SYSTEM, prefix=runs.slot(scenario))  # its kept forecast runs: never shown again
    scenario.delete()


@service
def duplicate_scenario(*, actor, scenario: Scenario, name: str | None = None) -> Scenario:
    require(actor, "planning.edit_scenarios")
    data = {k: getattr(scenario, k) for k in EDITABLE}
    data.update(name=(name or f"Copy of {scenario.name}")[:120], is_baseline=False)
    copy = Scenario.objects.create(**data, created_by=_user(actor), updated_by=_user(actor))
    log.record(
        actor=actor, action="planning.scenario_duplicate", obj=copy, after={"from": scenario.pk, **copy.snapshot()}
    )
    return copy


@service
def run_goal_seek(*, actor, scenario: Scenario, lever: str, target_year: int, save_as: str = ""):
    """Find the value of one lever that brings the in-year position to balance by `target_year` (P50);
    with `save_as`, save the scenario with that value as a new scenario. Returns (result, new scenario or None).
    Running it is audited too: it is how a lever's value in a management plan was chosen."""
    require(actor, "planning.view_forecast")
    if lever not in eb.GOAL_SEEK_LEVERS:
        raise ValidationError({"lever": "Choose the lever to change"})
    first, last = scenario.base_year + 1, scenario.base_year + scenario.years
    if not first <= target_year <= last:
        raise ValidationError({"target_year": f"Year to reach in-year balance must be between {first} and {last}"})
    result = eb.goal_seek(scenario, lever, target_year)
    saved = None
    if save_as and result.reached:
        require(actor, "planning.edit_scenarios")
        data = {k: getattr(scenario, k) for k in EDITABLE}
        data.update(name=save_as[:120], is_baseline=False, levers=dict(result.projection.levers))
        saved = Scenario.objects.create(**_clean(data), created_by=_user(actor), updated_by=_user(actor))
        log.record(
            actor=actor,
            action="planning.scenario_create",
            obj=saved,
            after={"goal_seek_from": scenario.pk, **saved.snapshot()},
        )
    log.record(
        actor=actor,
        action="planning.goal_seek",
        obj=scenario,
        after={
            "lever": lever,
            "target_year": target_year,
            "reached": result.reached,
            "value": result.value,
            "saved_as": saved.pk if saved else None,
        },
    )
    return result, saved


def _user(actor):
    return actor if getattr(actor, "pk", None) and not getattr(actor, "is_system", False) else None


@service
def record_export(*, actor, scenarios, fmt: str) -> None:
    """Exports leave the system, so who took which figures is kept (aggregates only: no child named)."""
    require(actor, "planning.view_forecast")
    log.record(actor=actor, action="planning.export", after={"scenarios": [s.pk for s in scenarios], "format": fmt})
