"""/api/v1/funding: the pricing contract over HTTP, aggregates by role, and statements for one's own setting only."""

from __future__ import annotations

import json

import pytest

from highneeds.audit.models import AuditEvent
from tests.api.conftest import make_token  # noqa: F401 - the shared token fixture

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def api(client, make_token):
    def call(user, method, path, body=None, **params):
        headers = {"Authorization": f"Bearer {make_token(user)}"}
        if method == "post":
            return client.post(API + path, json.dumps(body), content_type="application/json", headers=headers)
        return client.get(API + path, params, headers=headers)

    return call


def test_position_for_lead_members_commitments_for_finance_only(api, make_user, banded_child):
    lead = make_user("strategic_lead")
    body = api(lead, "get", "/funding/position", year=2026).json()
    assert body["financial_year"] == 2026 and body["forecast_outturn"] == "1600.00"
    assert api(lead, "get", "/funding/commitments", year=2026).status_code == 403
    finance = make_user("finance")
    rows = api(finance, "get", "/funding/commitments", year=2026).json()
    assert len(rows) == 1 and rows[0]["high_needs_total"] == "1600.00"
    assert AuditEvent.objects.filter(action="api.funding.commitments").exists()
    assert api(finance, "get", "/funding/position", year=99999).status_code == 422


def test_statement_for_own_setting_only(api, make_user, make_establishment, banded_child):
    child, school, _ = banded_child
    senco = make_user("senco", establishment=school)
    body = api(senco, "get", f"/funding/establishments/{school.pk}/statement", year=2026).json()
    assert body["children"][0]["child_id"] == child.pk
    assert sum(float(t["amount"]) for t in body["children"][0]["terms"]) == pytest.approx(1600, abs=0.02)
    other = make_establishment()
    assert api(senco, "get", f"/funding/establishments/{other.pk}/statement").status_code == 404
    assert api(make_user("caseworker"), "get", f"/funding/establishments/{school.pk}/statement").status_code == 403


def test_price_over_http_gives_the_command_lines_answer(api, make_user, capsys):
    """POST /funding/price: the same JSON in and out as `highneeds funding price`, to the penny."""
    from django.core.management import call_command

    package = {
        "setting_type": "mainstream",
        "start": "2026-09-01",
        "financial_year": 2026,
        "framework": "mainstream-top-up",
        "band": "2",
        "attendance": "0.5",
        "transport_annual": 1234.567,
    }
    response = api(make_user("caseworker"), "post", "/funding/price", package)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["days"] == 212 and body["financial_year"] == 2026
    amounts = {c["name"]: c["amount"] for c in body["components"]}
    # £3,100 x 212/365 x 0.5 = 900.27 (half up); transport is the general fund's, not high needs.
    assert amounts["top_up"] == "900.27" and body["high_needs_total"] == "900.27"
    assert amounts["transport"] == "717.06"  # 1234.567 x 212 / 365 = 717.0636
    import io
    import sys

    stdin = sys.stdin
    sys.stdin = io.StringIO(json.dumps(package))
    try:
        call_command("funding", "price", "--compact")
    finally:
        sys.stdin = stdin
    assert json.loads(capsys.readouterr().out) == body


def test_price_refuses_bad_input_naming_each_field(api, make_user):
    finance = make_user("finance")
    bad = {
        "setting_type": "castle",
        "start": "2026-09-01",
        "end": "2026-08-01",
        "financial_year": 2026,
        "costed_provision": [{"kind": "item", "annual_cost": "-5"}],
    }
    response = api(finance, "post", "/funding/price", bad)
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(fields) >= {"setting_type", "end", "costed_provision[0].annual_cost"}
    assert "negative" in fields["costed_provision[0].annual_cost"]
    unknown = api(
        finance,
        "post",
        "/funding/price",
        {"setting_type": "mainstream", "start": "2026-09-01", "financial_year": 2026, "framework": "nope", "band": "1"},
    )
    assert unknown.status_code == 422 and "framework" in {e["field"] for e in unknown.json()["errors"]}
    outside = api(
        finance, "post", "/funding/price", {"setting_type": "special", "start": "2030-09-01", "financial_year": 2026}
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "start"
    assert api(finance, "post", "/funding/price", [1, 2]).status_code == 422


def test_price_is_refused_to_roles_without_the_frameworks(api, make_user):
    parent = make_user("parent")
    assert api(parent, "post", "/funding/price", {"setting_type": "special"}).status_code == 403
