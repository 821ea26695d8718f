"""Bearer tokens: anything but a live token on an active user is a 401 problem body, never a redirect."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from highneeds.accounts.models import ApiToken
from highneeds.accounts.roles import SYSTEM
from highneeds.accounts.services import revoke_api_token
from highneeds.api.permissions import endpoints

from .conftest import API

PATHS = [
    "/children",
    "/children/1",
    "/establishments",
    "/establishments/1",
    "/children/1/plan",
    "/plan-versions/1",
    "/plan-versions/1/quality",
    "/reviews",
    "/phase-transfers",
    "/reassessments",
    "/children/1/disagreements",
    "/planning/scenarios",
    "/planning/scenarios/1",
    "/funding/frameworks",
    "/funding/position",
    "/funding/commitments",
    "/funding/establishments/1/statement",
    "/children/1/documents",
    "/documents/1/file",
    "/children/1/notes",
    "/children/1/tasks",
]
POST_PATHS = ["/funding/price"]


def assert_401(response):
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["title"] == "Unauthorized"
    assert "Bearer" in body["detail"]


def test_paths_cover_every_endpoint():
    served = {re.sub(r"\{\w+_id\}", "1", e.path) for e in endpoints()}
    assert served == {API + p for p in PATHS + POST_PATHS}


@pytest.mark.parametrize("path", PATHS)
def test_no_token_is_401(client, db, path):
    assert_401(client.get(API + path))


@pytest.mark.parametrize("path", POST_PATHS)
def test_no_token_is_401_on_a_post(client, db, path):
    assert_401(client.post(API + path, "{}", content_type="application/json"))


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer hn_not-a-real-token", "Basic dXNlcjpwYXNz", "hn_no-scheme", "Token abc"],
)
def test_bad_header_is_401(client, db, header):
    assert_401(client.get(f"{API}/children", headers={"Authorization": header}))


def test_valid_token_is_accepted(caseworker_api):
    assert caseworker_api.get("/children").status_code == 200


def test_revoked_token_is_401(client, caseworker, make_token):
    key = make_token(caseworker)
    assert client.get(f"{API}/establishments", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    revoke_api_token(actor=SYSTEM, token=ApiToken.objects.get(key_hash=ApiToken.hash_key(key)))
    assert_401(client.get(f"{API}/establishments", headers={"Authorization": f"Bearer {key}"}))


def test_expired_token_is_401(client, caseworker, make_token):
    key = make_token(caseworker, expires_at=timezone.now() - timedelta(seconds=1))
    assert_401(client.get(f"{API}/establishments", headers={"Authorization": f"Bearer {key}"}))


def test_token_not_yet_expired_is_accepted(client, caseworker, make_token):
    key = make_token(caseworker, expires_at=timezone.now() + timedelta(days=1))
    assert client.get(f"{API}/establishments", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_inactive_user_token_is_401(client, caseworker, make_token):
    key = make_token(caseworker)
    type(caseworker).objects.filter(pk=caseworker.pk).update(is_active=False)
    assert_401(client.get(f"{API}/establishments", headers={"Authorization": f"Bearer {key}"}))


def test_scheme_is_case_insensitive(client, caseworker, make_token):
    key = make_token(caseworker)
    assert client.get(f"{API}/establishments", headers={"Authorization": f"bearer {key}"}).status_code == 200


def test_session_is_not_api_auth(client, caseworker):
    """A signed-in browser is still anonymous to the API: no session auth, so no CSRF exposure."""
    client.force_login(caseworker)
    assert_401(client.get(f"{API}/children"))


def test_use_records_last_used(client, caseworker, make_token):
    key = make_token(caseworker)
    client.get(f"{API}/establishments", headers={"Authorization": f"Bearer {key}"})
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(key)).last_used_at is not None


# --- the schema and the docs page ----------------------------------------------------------


def test_openapi_json_needs_token_or_session(client, caseworker, make_token):
    assert_401(client.get(f"{API}/openapi.json"))
    assert_401(client.get(f"{API}/openapi.json", headers={"Authorization": "Bearer nope"}))
    key = make_token(caseworker)
    with_token = client.get(f"{API}/openapi.json", headers={"Authorization": f"Bearer {key}"})
    assert with_token.status_code == 200
    schema = with_token.json()
    assert schema["openapi"].startswith("3.1")
    assert schema["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    client.force_login(caseworker)
    assert client.get(f"{API}/openapi.json").status_code == 200


def test_docs_page_needs_sign_in(client, caseworker, make_token):
    """The docs are a page: a session, not a token. Under /api/ nothing redirects: 401 with a sign-in link."""
    anonymous = client.get(f"{API}/docs")
    assert anonymous.status_code == 401
    assert 'href="/sign-in/?next=/api/v1/docs"' in anonymous.content.decode()
    key = make_token(caseworker)
    assert client.get(f"{API}/docs", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert client.get(f"{API}/docs/assets/swagger-ui-bundle.js").status_code == 401
    assert client.get(f"{API}/docs/assets/nothing-here").status_code == 401
    client.force_login(caseworker)
    page = client.get(f"{API}/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{API}/openapi.json" in html
    assert f"{API}/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    asset = client.get(f"{API}/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert asset["Content-Type"].startswith("text/javascript")
    assert client.get(f"{API}/docs/assets/..%2Fsettings.py").status_code == 404
    assert client.get(f"{API}/docs/assets/swagger-ui.css.map").status_code == 404


def test_api_root_needs_credentials_then_is_404(client, caseworker, make_token):
    assert_401(client.get(f"{API}/"))
    key = make_token(caseworker)
    assert client.get(f"{API}/", headers={"Authorization": f"Bearer {key}"}).status_code == 404
