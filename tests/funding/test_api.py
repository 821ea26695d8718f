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
