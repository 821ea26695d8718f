"""Issue 11: the panel's recommendation is preselected on the council's decision forms, with a hint naming the
panel and its date; the caseworker can still decide otherwise."""

import re
from datetime import date

import pytest

from highneeds.panels import services as ps

from .conftest import sign_in


def _checked(body: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="(\w+)"[^>]*checked', body) + re.findall(
        rf'<input[^>]*checked[^>]*name="{name}"[^>]*value="(\w+)"', body
    )


@pytest.fixture
def recommended(world, on_agenda):
    def make(outcome):
        ps.record_attendance(actor=world.manager, meeting=world.meeting, present=list(world.members.values()))
        return ps.record_recommendation(actor=world.manager, item=on_agenda, outcome=outcome, reasons="Evidence")

    return make


@pytest.mark.parametrize("outcome,answer", [("assess", "yes"), ("not_assess", "no")])
def test_the_case_decision_form_starts_from_the_panels_recommendation(client, world, recommended, outcome, answer):
    rec = recommended(outcome)
    sign_in(client, world.caseworker)
    body = client.get(f"/cases/{world.request.pk}/decide-assess/").content.decode()
    assert _checked(body, "outcome") == [answer]
    assert re.search(rf'<option value="{rec.pk}"\s+selected', body)
    assert f"Preselected from the recommendation of Assessment panel on {date.today():%-d %B %Y}" in body


def test_the_caseworker_can_still_decide_otherwise(client, world, recommended):
    recommended("assess")
    sign_in(client, world.caseworker)
    day = date.today()
    response = client.post(
        f"/cases/{world.request.pk}/decide-assess/",
        {
            "outcome": "no",
            "reasons": "Needs met at SEN support",
            "recommendation": str(on_rec(world)),
            "departure_reasons": "New evidence from the school",
            "decided_on-day": day.day,
            "decided_on-month": day.month,
            "decided_on-year": day.year,
        },
    )
    assert response.status_code == 302
    decision = world.request.decisions.get()
    assert decision.outcome is False and decision.recommendation_id == on_rec(world)


def on_rec(world):
    return world.meeting.items.get().recommendation.pk


def test_a_deferral_preselects_no_answer(client, world, recommended):
    recommended("defer")
    sign_in(client, world.caseworker)
    body = client.get(f"/cases/{world.request.pk}/decide-assess/").content.decode()
    assert _checked(body, "outcome") == [] and "Preselected" not in body


def test_no_panel_no_preselection(client, world):
    sign_in(client, world.caseworker)
    body = client.get(f"/cases/{world.request.pk}/decide-assess/").content.decode()
    assert _checked(body, "outcome") == [] and "Preselected" not in body


def test_the_panels_own_decision_page_preselects_too(client, world, recommended, on_agenda):
    recommended("not_assess")
    sign_in(client, world.caseworker)
    body = client.get(f"/panels/items/{on_agenda.pk}/decision/").content.decode()
    assert _checked(body, "outcome") == ["no"] and "Preselected from the recommendation" in body
