"""Bad query strings never give a 500 (issue 11): every GET page, opened by someone allowed to open it, with
absurd values for every parameter a page reads, answers 200, 302, 400, 403 or 404; a filter form says what was
wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from highneeds.accounts.roles import Role
from highneeds.casework import services as cw
from tests.conftest import issue_plan_through_assessment
from tests.security.test_every_route import PASSWORD, WEB

ROOT = Path(__file__).resolve().parents[2] / "highneeds"
# Every query parameter a page reads (request.GET.get("x"), request.GET["x"], "x" in request.GET) and the fields of
# the filter forms pages bind to request.GET, read from the code so a new one is walked too.
READ = re.compile(r"""GET(?:\.get|\.getlist)?\(\s*["'](\w+)["']|GET\[["'](\w+)["']\]|["'](\w+)["'] in request\.GET""")
NAMES = sorted(
    {name for path in ROOT.rglob("*.py") for found in READ.findall(path.read_text()) for name in found if name}
    | {"child", "page", "year", "date", "q", "format", "period", "sort", "order", "id"}
    | {
        f"{d}-{part}"
        for d in ("received_from", "received_to", "date_from", "date_to", "date_of_birth", "date")
        for part in ("day", "month", "year")
    }
)
ABSURD = {
    "letters": "abc",
    "negative": "-1",
    "huge": "99999999999999999999",
    "not-a-day": "2026-02-30",
    "long": "x" * 5000,
    "unicode": "Zoë ٣ 🙂 𝔘",
    "superscript": "²",  # "²".isdigit() is True but int("²") raises
    "nul": "a\x00b",
    "empty": "",
}
OK = {200, 302, 400, 403, 404, 405}
# The role that opens a page needing this permission, in order of preference (a page's object rule still applies).
ROLES = [
    Role.CASEWORKER,
    Role.MANAGER,
    Role.ADMIN,
    Role.FINANCE,
    Role.S151,
    Role.STRATEGIC_LEAD,
    Role.PANEL_MEMBER,
    Role.PROFESSIONAL,
    Role.SENCO,
    Role.PARENT,
]


@pytest.fixture
def world(make_user, make_child, make_establishment):
    """A caseworker's child with an issued plan and an open request, so id routes reach their pages."""
    school = make_establishment()
    users = {role: make_user(role, **({"establishment": school} if role == Role.SENCO else {})) for role in ROLES}
    worker = users[Role.CASEWORKER]
    child = make_child(establishment=school)
    version = issue_plan_through_assessment(worker, child, school)
    other = make_child(establishment=school)
    case = cw.submit_request(actor=worker, child=other, received_on=version.issued_on, source="1", caseworker=worker)
    ids = {
        "child_id": child.pk,
        "request_id": case.pk,
        "version_id": version.pk,
        "plan_id": version.plan_id,
        "user_id": worker.pk,
        "establishment_id": school.pk,
    }
    return users, ids


def _path(route: str, ids: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), route)


def _clients(users) -> dict:
    clients = {}
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302
        clients[role] = client
    return clients


def _opener(view, users, clients):
    if getattr(view, "is_public", False):
        return Client(raise_request_exception=False)
    perm = view.required_permission
    return next((clients[role] for role, user in users.items() if user.has_perm(perm)), None)


def _unsafe_for_postgresql(params) -> str | None:
    """What PostgreSQL refuses with an error (a 500) though SQLite may take it: a NUL in a string, an integer beyond
    64 bits. Checked on every query, so the walk finds on SQLite what would break on PostgreSQL."""
    for value in params if isinstance(params, (list, tuple)) else (params or {}).values():
        if isinstance(value, str) and "\x00" in value:
            return "a NUL character"
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63 - 1:
            return f"the integer {value}"
    return None


@pytest.mark.parametrize("kind", sorted(ABSURD))
def test_no_page_gives_a_500_for_an_absurd_query_string(world, kind):
    users, ids = world
    clients = _clients(users)
    query = {name: ABSURD[kind] for name in NAMES}
    failures = []
    current = [""]

    def guard(execute, sql, params, many, context):
        problem = None if many else _unsafe_for_postgresql(params)
        if problem:
            failures.append(f"{current[0]}?...={kind}: {problem} reached the database")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        for route, view in ROUTES:
            client = _opener(view, users, clients)
            if client is None or "sign-out" in route:
                continue
            current[0] = path = _path(route, ids)
            status = client.get(path, query).status_code
            if status not in OK:
                failures.append(f"{path}?...={kind}: {status}")
    assert failures == [], "\n".join(failures)


def test_the_walk_reads_the_parameters_and_reaches_pages(world):
    assert {"child", "page", "year", "case", "framework", "show"} <= set(NAMES)
    users, ids = world
    clients = _clients(users)
    reached = sum(
        1
        for route, view in ROUTES
        if (client := _opener(view, users, clients)) is not None and client.get(_path(route, ids)).status_code == 200
    )
    assert reached > 90  # most pages open with the world's ids, so their query handling is really exercised


def _route_patterns():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield "/" + prefix + str(p.pattern), p.callback

    return [(r, v) for r, v in walk(get_resolver().url_patterns) if not r.startswith("/api/")]


ROUTES = _route_patterns()
assert len(ROUTES) == len(WEB)


@pytest.mark.parametrize(
    "role,path,query,message",
    [
        (
            Role.CASEWORKER,
            "/cases/",
            {"received_from-day": "30", "received_from-month": "2", "received_from-year": "2026"},
            "real date",
        ),
        (
            Role.CASEWORKER,
            "/cases/",
            {"received_from-day": "x", "received_from-month": "2", "received_from-year": "2026"},
            "in numbers",
        ),
        (
            Role.CASEWORKER,
            "/children/",
            {"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "2015"},
            "real",
        ),
        (Role.CASEWORKER, "/cases/new/", {"q": ""}, "Enter the child or young person"),
        (Role.ADMIN, "/audit/", {"child": "abc"}, "must be a number, like 1234"),
        (Role.ADMIN, "/audit/", {"child": "99999999999999999999"}, "must be a number, like 1234"),
        (
            Role.MANAGER,
            "/panels/outcomes/",
            {"date_from-day": "30", "date_from-month": "2", "date_from-year": "2026"},
            "real date",
        ),
    ],
)
def test_a_filter_form_says_what_was_wrong(world, role, path, query, message):
    users, _ = world
    client = _clients({role: users[role]})[role]
    response = client.get(path, query)
    body = response.content.decode()
    assert response.status_code in (200, 400) and "There is a problem" in body and message in body
