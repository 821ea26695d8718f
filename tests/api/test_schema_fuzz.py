"""Contract test: schemathesis generates requests from /api/v1/openapi.json and sends them to the Django app
over WSGI with a caseworker's token; every response must be a non-5xx, a documented status code and content
type, and match its schema.

Bounded (30 examples for each operation, in each of positive and negative modes) so the run takes well under
a minute.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from highneeds.accounts.roles import SYSTEM
from highneeds.api.permissions import endpoints
from highneeds.people import services
from highneeds.records import services as records_services

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def caseworker_key(make_user, make_token):
    return make_token(make_user("caseworker"))


@pytest.fixture
def same_connection():
    """Serve WSGI requests on the test's own database connection, as Django's test client does.

    Django closes "old" connections at the start and end of each request; inside the test's transaction that
    would throw the test data away, so the handlers are detached for the length of the test.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(same_connection, caseworker_key, make_child, make_establishment, make_user, settings):
    settings.HIGHNEEDS_VIRUS_SCANNER = "none"
    # Enough data that lists, filters and detail pages have something to return.
    school = make_establishment(name="Fuzzbury Primary", s41_approved=True)
    make_establishment(name="Out of Area Academy", la_code="931", establishment_type="MS_ACADEMY")
    child = make_child(
        first_name="Fia", last_name="Fuzz", establishment=school, needs=("ASD", "SLCN"), upn="A123456789012"
    )
    make_child(first_name="Gus", sen_status="N")
    services.add_flag(actor=SYSTEM, child=child, flag="CIN", start_date=date(2022, 1, 1))
    services.add_parent(actor=SYSTEM, child=child, first_name="Flo", last_name="Fuzz")
    worker = make_user("caseworker")  # the case file endpoints have a document, a note and a task to return
    records_services.upload_document(
        actor=worker,
        child=child,
        name="r.pdf",
        data=b"%PDF-1.7\n%%EOF\n",
        title="Report",
        category="report",
        audience="family",
    )
    records_services.add_note(actor=worker, child=child, text="Fuzzed note")
    records_services.add_task(actor=worker, child=child, title="Fuzz", due_on=date(2030, 1, 1), assigned_to=worker)
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), headers={"Authorization": f"Bearer {caseworker_key}"}
    )


# schemathesis.pytest.from_fixture() breaks on pytest 9 (it sets Function._nodeid, which pytest 9 removed), so each
# operation is driven through its documented Hypothesis strategy instead: one test per operation and mode.
OPERATIONS = [(e.method, e.path) for e in endpoints()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_matches_its_schema(api_schema, caseworker_key, method, path, mode):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {caseworker_key}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_the_schema_covers_every_operation(api_schema):
    assert sorted((op.method.upper(), op.path) for op in _operations(api_schema)) == sorted(OPERATIONS)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]
