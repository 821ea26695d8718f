"""Shared fixtures: users of every role, children and establishments made through the services."""

from __future__ import annotations

import itertools
import os
from datetime import date

import pytest

from tests.write_guard import allow_writes, install_write_guard, take_violations  # noqa: F401 (allow_writes: for tests)

os.environ.setdefault("HIGHNEEDS_TESTING", "1")

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_write_outside_a_service():
    """Fail a test in which application code wrote to a domain table outside a running `@service`
    (tests/write_guard.py). The guard raises at the write; this also catches a write whose error was swallowed."""
    install_write_guard()
    take_violations()
    yield
    found = take_violations()
    if found:
        pytest.fail("write to a domain table outside a @service:\n" + "\n".join(found), pytrace=False)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The council's settings are cached; a test's rolled-back settings must not leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_database_baseline(request):
    """Let tests on a flushed (transactional) database work with the append-only audit table.

    Transactional tests, live-server browser tests among them, empty every table afterwards, which also empties
    what data migrations created. Re-apply the audit app's migration 0002 (chain head row, append-only triggers)
    before each such test, and drop its triggers after, before pytest-django's flush, which they would refuse.
    The cache is cleared because the council's settings are cached in it.
    """
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps
    from django.core.cache import cache, caches
    from django.db import connection

    append_only = import_module("highneeds.audit.migrations.0002_append_only")
    with connection.schema_editor() as editor:
        append_only.backwards(apps, editor)
        append_only.forwards(apps, editor)
    cache.clear()
    caches["shared"].clear()  # in the database but not a model's table, so a flush leaves it (rate-limit counts)
    yield
    with connection.schema_editor() as editor:
        append_only.backwards(apps, editor)
    cache.clear()


@pytest.fixture
def make_establishment(db):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.establishments.services import save_establishment

    def make(**overrides):
        n = next(_counter)
        data = {
            "name": f"Testbrook Primary {n}",
            "establishment_type": "MS_LA",
            "phase": "PRIMARY",
            "urn": 900000 + n,
            "la_code": "999",
            "la_name": "Exampleshire",
            "age_low": 4,
            "age_high": 11,
        }
        data.update(overrides)
        return save_establishment(actor=SYSTEM, data=data)

    return make


@pytest.fixture
def make_child(db):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.people import services

    def make(*, sen_status="K", needs=("SLCN",), establishment=None, dob=date(2014, 5, 3), **fields):
        n = next(_counter)
        data = {
            "first_name": fields.pop("first_name", f"Testchild{n}"),
            "last_name": fields.pop("last_name", "Samplefield"),
            "date_of_birth": dob,
            "sex": "F",
            "responsible_la": "999",
        }
        data.update(fields)
        child = services.create_child(actor=SYSTEM, data=data)
        if sen_status != "N":
            services.set_sen_status(actor=SYSTEM, child=child, status=sen_status, on=date(2020, 9, 1))
            services.set_needs(actor=SYSTEM, child=child, need_codes=list(needs))
        if establishment is not None:
            services.add_placement(
                actor=SYSTEM,
                child=child,
                establishment=establishment,
                placement_type="ON_ROLL",
                start_date=date(2021, 9, 1),
            )
        return child

    return make


@pytest.fixture
def make_user(db):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.accounts.services import create_user

    def make(role, *, password="correct horse battery staple", **fields):
        n = next(_counter)
        return create_user(
            actor=SYSTEM, username=fields.pop("username", f"{role}{n}"), password=password, role=role, **fields
        )

    return make


def fill_plan_version(version, actor):
    """Write what every issued plan must say (a described need in B linked to an outcome in E and to specific,
    quantified provision in F) into a version being written, through the plans services."""
    from highneeds.plans import services as plans

    needs = version.sections["B"]["needs"] or [{"id": "b1", "area": "", "code": "", "text": ""}]
    for n in needs:
        n["text"] = n["text"] or "Finds it hard to express needs in class"
    plans.save_items(actor=actor, version=version, section="B", items=needs)
    ids = [n["id"] for n in needs]
    plans.save_items(
        actor=actor,
        version=version,
        section="E",
        items=[
            {
                "id": "e1",
                "text": "Uses 3-word sentences in class",
                "by_when": "July 2026",
                "measure": "Speech and language therapist's termly assessment",
                "needs": ids,
            }
        ],
    )
    plans.save_items(
        actor=actor,
        version=version,
        section="F",
        items=[
            {
                "id": "f1",
                "what": "Speech and language therapy programme",
                "who": "Speech and language therapist",
                "expertise": "HCPC registered",
                "frequency": "Weekly",
                "duration": "30 minutes a session for the school year",
                "group_size": "1:1",
                "needs": ids,
                "outcomes": ["e1"],
            }
        ],
    )
    version.refresh_from_db()
    return version


@pytest.fixture
def fill_plan():
    return fill_plan_version


def issue_plan_through_assessment(worker, child, establishment, issued_on=None):
    """A final plan made the lawful way: request, decision to assess, advice, decision to issue, draft sent,
    the family's 15 days, then issued. Returns the issued version."""
    from datetime import timedelta

    from highneeds.casework import flows as cw_flows
    from highneeds.casework import services as cw
    from highneeds.plans.queries import current_plan

    issued_on = issued_on or date.today()
    start = issued_on - timedelta(days=120)
    request = cw.submit_request(actor=worker, child=child, received_on=start, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=True,
        decided_on=start + timedelta(days=20),
        reasons="Needs beyond SEN support",
    )
    advice = cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=start + timedelta(days=21),
        adviser_name="Educational psychology",
    )
    cw.submit_advice(
        actor=worker, advice=advice, text="Needs speech and language therapy", received_on=start + timedelta(days=50)
    )
    cw.decide_whether_to_issue(
        actor=worker, request=request, issue=True, decided_on=start + timedelta(days=60), reasons="Provision needed"
    )
    cw_flows.send_draft_plan(actor=worker, request=request, sent_on=start + timedelta(days=70))
    plan = current_plan(child)
    fill_plan_version(plan.versions.get(state="sent"), worker)
    cw_flows.issue_final_plan(actor=worker, request=request, issued_on=issued_on, establishment=establishment)
    from highneeds.plans.models import PlanVersion

    return PlanVersion.objects.select_related("plan").get(plan_id=plan.pk, state="issued")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say where the browser journeys left their screenshots (tests/browser/screens.py), if any ran."""
    if not getattr(config, "_highneeds_browser_ran", False):
        return
    from tests.browser import screens

    shots = screens.saved()
    if shots:
        roles = sorted({p.parent.name for p in shots})
        terminalreporter.write_line(
            f"Day-one screenshots: {len(shots)} images for {len(roles)} roles ({', '.join(roles)}) in {screens.folder()}"
        )
