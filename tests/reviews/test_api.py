"""/api/v1/reviews, /phase-transfers, /reassessments."""

from __future__ import annotations

import pytest

from highneeds.audit.models import AuditEvent
from highneeds.reviews import services

API = "/api/v1"


@pytest.fixture
def token_for(db):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.accounts.services import issue_api_token

    def make(user):
        return issue_api_token(actor=SYSTEM, user=user, name="test")[1]

    return make


def get(client, key, path, **params):
    return client.get(f"{API}{path}", params, headers={"Authorization": f"Bearer {key}"})


def test_the_tracker_api(client, token_for, caseworker, make_plan, make_user):
    review = services.schedule_review(actor=caseworker, plan=make_plan())
    key = token_for(caseworker)
    found = get(client, key, "/reviews")
    assert found.status_code == 200
    body = found.json()
    assert body["count"] == 1 and body["results"][0]["id"] == review.pk
    assert body["results"][0]["next_step"] == "review_due" and body["results"][0]["status"] in (
        "overdue",
        "at_risk",
        "on_track",
    )
    assert AuditEvent.objects.filter(action="api.reviews.list").exists()
    assert get(client, key, "/reviews", rag="overdue").json()["count"] in (0, 1)
    assert get(client, key, "/reviews", list="nonsense").status_code == 422
    assert get(client, key, "/phase-transfers").status_code == 200
    assert get(client, key, "/reassessments").json()["count"] == 0
    assert get(client, token_for(make_user("parent")), "/reviews").status_code == 403
