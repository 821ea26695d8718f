"""API test helpers: tokens issued through the service, and a client that sends them."""

from __future__ import annotations

import pytest

API = "/api/v1"


@pytest.fixture
def make_token(db):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.accounts.services import issue_api_token

    def make(user, *, name="test integration", expires_at=None):
        _token, key = issue_api_token(actor=SYSTEM, user=user, name=name, expires_at=expires_at)
        return key

    return make


class ApiClient:
    def __init__(self, client, key: str | None):
        self.client = client
        self.key = key

    def get(self, path: str, **params):
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return self.client.get(f"{API}{path}", params, headers=headers)

    def post(self, path: str, body):
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return self.client.post(f"{API}{path}", body, content_type="application/json", headers=headers)


@pytest.fixture
def api_as(client, make_token):
    """api_as(user).get("/children", name="Sam") -> response (with that user's bearer token)."""

    def make(user):
        return ApiClient(client, make_token(user))

    return make


@pytest.fixture
def caseworker(make_user):
    return make_user("caseworker")


@pytest.fixture
def caseworker_api(api_as, caseworker):
    return api_as(caseworker)
