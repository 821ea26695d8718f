"""Meta-tests over every API route: each one is token-authenticated, declares the permission it checks,
documents every status code it can return, and answers 403 to each role the matrix leaves out.

They walk the mounted API rather than a hand-kept list, so a new endpoint without a guard fails here.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver

from highneeds.accounts.roles import Role
from highneeds.accounts.rules import PERMISSIONS
from highneeds.api.auth import BearerToken
from highneeds.api.main import api
from highneeds.api.permissions import GUARDS, endpoints

ENDPOINTS = endpoints()


def _api_patterns():
    """(route, callback) for each URL pattern mounted under /api/v1/."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith("api/v1/"):
                found.append((route, pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found


def test_the_walk_finds_the_endpoints():
    assert len(ENDPOINTS) >= 4
    assert {e.method for e in ENDPOINTS} == {"GET", "POST"}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_every_endpoint_declares_a_known_permission(endpoint):
    assert endpoint.guard is not None, f"{endpoint.view} has no @guarded(...) permission"
    assert endpoint.guard.permission in PERMISSIONS, endpoint.guard
    assert endpoint.guard.gate in PERMISSIONS, endpoint.guard
    if endpoint.guard.object_level:
        assert "{" in endpoint.path, "an object-level permission belongs on a route that names its object"


def test_the_registry_holds_only_routed_views():
    assert set(GUARDS) == {e.view for e in ENDPOINTS}


def test_every_operation_requires_a_bearer_token():
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                assert operation.auth_callbacks, operation.view_func
                assert all(isinstance(cb, BearerToken) for cb in operation.auth_callbacks), operation.view_func


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_every_endpoint_documents_its_error_codes(endpoint):
    schema = api.get_openapi_schema()
    operation = schema["paths"][endpoint.path][endpoint.method.lower()]
    responses = {str(code): response for code, response in operation["responses"].items()}
    declared = set(responses)
    expected = {"200", "401", "403", "422"} | ({"404"} if "{" in endpoint.path else set())
    assert declared == expected
    assert operation["security"] == [{"BearerToken": []}]
    for code in expected - {"200"}:
        ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ValidationProblem" if code == "422" else "/Problem")


def test_every_api_url_is_marked():
    """Like the web's views: each route carries `required_permission`, or is deliberately public."""
    patterns = _api_patterns()
    assert len(patterns) >= len(ENDPOINTS) + 3  # + openapi.json, docs, docs assets
    for route, callback in patterns:
        marked = getattr(callback, "required_permission", None) or getattr(callback, "is_public", False)
        assert marked, f"/{route} carries no permission mark"
        permission = getattr(callback, "required_permission", None)
        if permission:
            assert permission in PERMISSIONS, route


def test_nothing_under_the_api_redirects_to_sign_in():
    """Each API route answers for itself (401 without credentials) instead of LoginRequiredMiddleware's redirect."""
    patterns = _api_patterns()
    operations = [route for route, cb in patterns if getattr(cb, "api_token_auth", False)]
    assert len(operations) == len(ENDPOINTS)
    for route, callback in patterns:
        assert getattr(callback, "login_required", True) is False, route


@pytest.mark.parametrize("route", [r for r, _ in _api_patterns()])
def test_anonymous_callers_get_401_everywhere(client, db, route):
    url = "/" + re.sub(r"<[^>]+>", "1", route)
    status = client.get(url).status_code
    if status == 405:  # a route that only takes POST
        status = client.post(url, "{}", content_type="application/json").status_code
    assert status == 401


def _concrete(path: str) -> str:
    return re.sub(r"\{\w+\}", "1", path).removeprefix("/api/v1")


@pytest.mark.parametrize("role", sorted(Role.LABELS))
def test_each_role_is_refused_exactly_where_the_matrix_says(role, make_user, make_child, make_establishment, api_as):
    extra = {}
    if role == Role.SENCO:
        extra["establishment"] = make_establishment()
    if role == Role.YOUNG_PERSON:
        extra["child"] = make_child()
    user = make_user(role, **extra)
    client = api_as(user)
    for endpoint in ENDPOINTS:
        allowed = user.has_perm("accounts.use_api") and user.has_perm(endpoint.guard.gate)
        if endpoint.method == "POST":  # an empty body: refused before it is read, else named as bad input
            status = client.post(_concrete(endpoint.path), {}).status_code
            expected = (200, 404, 422)
        else:
            status = client.get(_concrete(endpoint.path)).status_code
            expected = (200, 404)
        if allowed:
            assert status in expected, (role, endpoint.path, status)
        else:
            assert status == 403, (role, endpoint.path, status)
