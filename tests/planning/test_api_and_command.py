"""The read API, the `highneeds scenario` command and the demo scenarios."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from highneeds.accounts.roles import SYSTEM
from highneeds.demo.extras import prepare_app
from highneeds.jobs.queue import run_pending
from highneeds.planning import demo, runs
from highneeds.planning.models import Scenario

from .conftest import needs_data

pytestmark = [pytest.mark.django_db, needs_data]


@pytest.fixture
def api_get(client, db):
    from highneeds.accounts.services import issue_api_token

    def get(user, path):
        _token, key = issue_api_token(actor=SYSTEM, user=user, name="test")
        return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {key}"})

    return get


def test_the_api_lists_scenarios_and_gives_a_projection(make_scenario, make_user, api_get, monkeypatch):
    scenario = make_scenario(
        name="Places", levers={"more_step_down": {"value": 0.05, "start_year": 2027, "ramp_years": 1}}
    )
    lead = make_user("strategic_lead")
    listed = api_get(lead, "/planning/scenarios").json()
    assert [s["name"] for s in listed] == ["Places"] and listed[0]["levers"]["more_step_down"]["value"] == 0.05
    detail = api_get(lead, f"/planning/scenarios/{scenario.pk}").json()
    years = detail["projection"]
    assert len(years) == scenario.years and years[0]["year"] == scenario.base_year + 1
    assert years[0]["financial_year"] == f"{scenario.base_year}-{(scenario.base_year + 1) % 100:02d}"
    first = years[0]
    assert first["plans"]["p10"] <= first["plans"]["p50"] <= first["plans"]["p90"]
    assert sum(y["cost_avoided"] for y in years) > 0
    assert api_get(lead, "/planning/scenarios/999999").status_code == 404
    assert api_get(make_user("caseworker"), "/planning/scenarios").status_code == 403

    # Once a worker has kept the scenario's run, the API answers from it: the same figures, no engine call.
    runs.run_forecast.enqueue(scenario.pk)
    run_pending()
    monkeypatch.setattr(runs.eb, "projection_for", lambda *a, **k: pytest.fail("the kept run was not used"))
    assert api_get(lead, f"/planning/scenarios/{scenario.pk}").json() == detail


def test_the_command_runs_a_scenario_to_a_workbook_and_csv(make_scenario, tmp_path):
    scenario = make_scenario(name="Command test")
    out = io.StringIO()
    call_command("scenario", "list", stdout=out)
    assert f"{scenario.pk}\tCommand test" in out.getvalue()
    out = io.StringIO()
    call_command("scenario", "run", "command", "--out", str(tmp_path / "plan.xlsx"), stdout=out)
    assert "Projecting 5 years" in out.getvalue() and "Done in" in out.getvalue()
    assert load_workbook(tmp_path / "plan.xlsx")["DSG position"].max_row == 1 + scenario.years
    call_command("scenario", "run", str(scenario.pk), "--out", str(tmp_path / "plan.csv"), stdout=io.StringIO())
    assert (tmp_path / "plan.csv").read_text().startswith("scenario,year,financial_year,plans_p10")


def test_demo_scenarios_are_made_once(small_council):
    assert prepare_app(actor=SYSTEM, module=demo) == {"scenarios": 2}
    assert prepare_app(actor=SYSTEM, module=demo) == {"scenarios": 0}
    baseline, valve = Scenario.objects.get(is_baseline=True), Scenario.objects.get(name=demo.SAFETY_VALVE)
    assert baseline.name == demo.BASELINE
    assert valve.levers["new_places"][0]["places"] == 40 and valve.levers["fewer_requests"]["value"] == 0.10


@pytest.mark.parametrize(
    "args, message",
    [
        (["backtest", "--base-years", "abc"], "--base-years must be years separated by commas"),
        (["backtest", "--base-years", "2022"], "leaves no later January to test against"),
        (["backtest", "--simulations", "0"], "--simulations must be 1 or more"),
        (["public", "--base-year", "2022", "--years", "0", "--out", "x.csv"], "--years must be 1 or more"),
        (["public", "--base-year", "2031", "--out", "x.csv"], "no EHCP caseload published for January 2031"),
    ],
)
def test_forecast_command_refuses_bad_input_in_one_line(args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("forecast", *args, stdout=io.StringIO())


def test_forecast_backtest_command_prints_the_tables_and_the_bar(tmp_path):
    out = io.StringIO()
    call_command(
        "forecast",
        "backtest",
        "--base-years",
        "2020,2021",
        "--simulations",
        "50",
        "--out",
        str(tmp_path / "detail.csv"),
        stdout=out,
    )
    text = out.getvalue()
    for heading in (
        "#### Base year 2020",
        "#### Base year 2021",
        "#### Pooled over the base years",
        "#### Model P10-P90 coverage",
        "paired bootstrap",
        "#### The bar (pooled)",
    ):
        assert heading in text, heading
    assert "| 1 | damped trend |" in text and "above P90" in text
    assert (tmp_path / "detail.csv").read_text().startswith("base_year,old_la_code,horizon,method")
