"""GET /api/v1/children/{id}/disagreements: casework only, 404 for a missing child, reads audited."""

from __future__ import annotations

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.accounts.services import issue_api_token
from highneeds.audit.models import AuditEvent
from highneeds.disputes import services

from .conftest import ago

pytestmark = pytest.mark.django_db


def get(client, user, path):
    _token, key = issue_api_token(actor=SYSTEM, user=user, name="test")
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {key}"})


def test_a_childs_disagreements(client, caseworker, notice):
    services.record_adviser_contact(actor=caseworker, notice=notice, contacted_on=ago(95))
    services.record_mediation_declined(actor=caseworker, notice=notice, declined_on=ago(94))
    services.record_certificate(actor=caseworker, notice=notice, issued_on=ago(93))
    appeal = services.lodge_appeal(actor=caseworker, notice=notice, matters=["section_b"], lodged_on=ago(60))
    services.record_appeal_outcome(actor=caseworker, appeal=appeal, outcome="allowed_part", outcome_on=ago(20))
    services.add_order(actor=caseworker, appeal=appeal, kind="amend_plan", made_on=ago(20), due_on=ago(1))
    services.record_complaint(
        actor=caseworker, child=notice.child, stage="stage1", received_on=ago(2), complainant="Pat", subject="Late"
    )
    response = get(client, caseworker, f"/children/{notice.child_id}/disagreements")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["notices"][0]["mediation"]["stage"] == "certificate"
    deadline = next(d for d in body["notices"][0]["deadlines"] if d["step"].startswith("appeal_deadline:"))
    assert deadline["done"] == ago(60).isoformat()
    assert body["appeals"][0]["orders"][0]["overdue"] is True
    assert body["complaints"][0]["stage"] == "stage1"
    assert AuditEvent.objects.filter(action="dispute.view_api", child_id=notice.child_id).count() == 1


def test_other_roles_get_403_and_missing_children_404(client, make_user, caseworker, child):
    assert get(client, make_user("finance"), f"/children/{child.pk}/disagreements").status_code == 403
    assert get(client, make_user("parent"), f"/children/{child.pk}/disagreements").status_code == 403
    assert get(client, caseworker, "/children/99999999/disagreements").status_code == 404
