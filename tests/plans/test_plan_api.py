"""/api/v1 plan endpoints: read-only, object-checked (404 alike for missing and not yours), audited."""

from __future__ import annotations

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.people import services as people

API = "/api/v1"


@pytest.fixture
def token(db):
    from highneeds.accounts.services import issue_api_token

    def make(user):
        return {"Authorization": f"Bearer {issue_api_token(actor=SYSTEM, user=user, name='t')[1]}"}

    return make


def test_caseworker_reads_plan_versions_and_quality(client, drafted, token):
    headers = token(drafted["worker"])
    child, version = drafted["child"], drafted["version"]
    body = client.get(f"{API}/children/{child.pk}/plan", headers=headers).json()
    assert body["status"] == "draft" and body["versions"][0]["id"] == version.pk
    body = client.get(f"{API}/plan-versions/{version.pk}", headers=headers).json()
    assert body["sections"]["B"]["needs"][0]["code"] == "SLCN" and body["kind"] == "draft"
    quality = client.get(f"{API}/plan-versions/{version.pk}/quality", headers=headers).json()
    assert quality["max_score"] == 100 and 0 <= quality["score"] < 100 and quality["findings"]
    assert AuditEvent.objects.filter(action="plan.view_api", actor_id=drafted["worker"].pk).count() == 3


def test_other_parents_get_404_and_the_family_sees_sent_versions(client, drafted, make_user, token):
    stranger = make_user("parent")
    headers = token(stranger)
    version = drafted["version"]
    assert client.get(f"{API}/children/{drafted['child'].pk}/plan", headers=headers).status_code == 404
    assert client.get(f"{API}/plan-versions/{version.pk}", headers=headers).status_code == 404
    parent = make_user("parent")
    people.add_parent(actor=SYSTEM, child=drafted["child"], first_name="P", last_name="Q", user=parent)
    assert client.get(f"{API}/plan-versions/{version.pk}", headers=token(parent)).status_code == 200
    assert client.get(f"{API}/plan-versions/999999", headers=token(parent)).status_code == 404
