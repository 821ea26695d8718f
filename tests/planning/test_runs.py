"""Forecast and scenario runs go on the task queue and are kept by their inputs (data files' hashes, parameters,
model version): the page shows progress, then the kept result; the same inputs are never run twice, and a change
to any input is a new run that replaces the old."""

from __future__ import annotations

import html

import numpy as np
import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from highneeds.accounts.roles import SYSTEM
from highneeds.jobs.models import KeptFile
from highneeds.jobs.queue import run_pending
from highneeds.planning import runs, services

from .conftest import needs_data, settled

pytestmark = [pytest.mark.django_db, needs_data]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def finance(make_user):
    user = make_user("finance")
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def computed(monkeypatch):
    """Count the runs the engine makes (wrapping the real one)."""
    made = []
    real = runs.compute

    def counting(scenario, report=lambda done: None):
        made.append(scenario.name)
        return real(scenario, report)

    monkeypatch.setattr(runs, "compute", counting)
    return made


def test_the_page_shows_progress_then_the_kept_forecast(finance, make_scenario, computed):
    scenario = make_scenario(name="Safety valve")
    url = f"/planning/scenarios/{scenario.pk}/"
    first = html.unescape(finance.get(url).content.decode())
    assert "being calculated" in first and "Refresh this page" in first and f'data-poll-url="{url}"' in first
    assert not computed  # nothing ran inside the request
    finance.get(url)
    assert DBTaskResult.objects.count() == 1  # asked again while waiting: the same job

    assert run_pending() == 1 and computed == ["Safety valve"]
    page = html.unescape(finance.get(url).content.decode())
    assert "data-poll-url" not in page and "Cost avoided" in page
    finance.get(url)
    assert computed == ["Safety valve"] and DBTaskResult.objects.count() == 1  # served kept, nothing queued


def test_running_twice_does_no_harm(make_scenario, computed):
    scenario = make_scenario()
    runs.run_forecast.enqueue(scenario.pk)
    runs.run_forecast.enqueue(scenario.pk)
    assert run_pending() == 2
    assert len(computed) == 1 and KeptFile.objects.count() == 1
    assert {j.status for j in DBTaskResult.objects.all()} == {"SUCCESSFUL"}


def test_a_changed_input_is_a_new_run_that_replaces_the_old(finance, make_scenario, computed, monkeypatch):
    scenario = make_scenario()
    url = f"/planning/scenarios/{scenario.pk}/"
    settled(finance, url)
    first = runs.run_key(scenario)
    services.update_scenario(actor=SYSTEM, scenario=scenario, data={"allocation_growth": 0.05})
    assert runs.run_key(scenario) != first
    assert b"data-poll-url" in finance.get(url).content  # the old result is not shown for new assumptions
    run_pending()
    assert KeptFile.objects.filter(key__startswith=runs.slot(scenario)).count() == 1  # the old run is gone
    second = runs.run_key(scenario)
    # New public data or a new model is a new run too.
    monkeypatch.setattr(runs, "data_version", lambda: "other data")
    assert runs.run_key(scenario) != second
    monkeypatch.undo()
    monkeypatch.setattr(runs, "model_version", lambda: "other model")
    assert runs.run_key(scenario) != second
    assert len(computed) == 2


def test_a_kept_run_reads_back_exactly(make_scenario):
    scenario = make_scenario(levers={"fewer_requests": {"value": 0.1, "start_year": 2025, "ramp_years": 2}})
    run = runs.compute(scenario)
    back = runs.decode(runs.encode(run))
    for name in ("projection", "baseline"):
        made, kept = getattr(run, name), getattr(back, name)
        assert made.as_rows() == kept.as_rows()
        assert np.array_equal(made.spend_draws, kept.spend_draws) and made.settings == kept.settings
        assert made.levers == kept.levers and made.years == kept.years
    assert back.about == run.about and back.about["assumptions"]


def test_a_forecast_that_cannot_be_calibrated_says_why_once(finance, make_scenario, computed, monkeypatch):
    scenario = make_scenario()

    def no_data(*args):
        raise LookupError("LA 384 published no EHCP caseload for January 2022")

    monkeypatch.setattr(runs.eb, "calibrated", no_data)  # as when the data a saved scenario used is withdrawn
    url = f"/planning/scenarios/{scenario.pk}/"
    settled(finance, url)
    page = html.unescape(finance.get(url).content.decode())
    assert "The forecast cannot be shown" in page and "published no EHCP caseload" in page
    assert DBTaskResult.objects.get().status == "SUCCESSFUL" and len(computed) == 1  # kept: not queued again


def test_the_data_version_follows_the_files(tmp_path, settings):
    settings.SHARED_DATA_DIR = tmp_path
    (tmp_path / "a.csv").write_text("x\n1\n")
    first = runs.data_version()
    assert runs.data_version() == first
    (tmp_path / "a.csv").write_text("x\n2\n")
    assert runs.data_version() != first


def test_an_export_is_of_the_kept_run(finance, make_scenario, monkeypatch):
    scenario = make_scenario(name="Places")
    url = f"/planning/scenarios/{scenario.pk}/export.xlsx"
    response = finance.get(url)  # no run kept yet: back to the page, which queues it and shows its progress
    assert response.status_code == 302 and response["Location"] == f"/planning/scenarios/{scenario.pk}/"
    settled(finance, response["Location"])
    monkeypatch.setattr(runs.eb, "calibrated", lambda *a: pytest.fail("calibrated in the request"))
    monkeypatch.setattr(runs.eb, "projection_for", lambda *a, **k: pytest.fail("projected in the request"))
    response = finance.get(url)
    assert response.status_code == 200 and 'filename="places.xlsx"' in response["Content-Disposition"]
    assert finance.get(f"/planning/scenarios/{scenario.pk}/export.csv").status_code == 200


def test_deleting_a_scenario_removes_its_kept_runs(make_scenario):
    keep, gone = make_scenario(name="Keep"), make_scenario(name="Gone")
    for scenario in (keep, gone):
        runs.run_forecast.enqueue(scenario.pk)
    run_pending()
    services.delete_scenario(actor=SYSTEM, scenario=gone)
    assert [k.split(":")[1] for k in KeptFile.objects.values_list("key", flat=True)] == [str(keep.pk)]
