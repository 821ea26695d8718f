"""The data protection officer's audit screen and its CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from highneeds.audit import labels, log
from highneeds.audit.models import AuditEvent
from highneeds.spreadsheets import neutralise

PASSWORD = "correct horse battery staple"


def sign_in(client, user):
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302


@pytest.fixture
def story(db, make_user, make_child):
    worker = make_user("caseworker", first_name="Casey", last_name="Reader")
    snoop = make_user("caseworker", first_name="Sid", last_name="Nosy")
    child, other = make_child(first_name="Ada"), make_child(first_name="Bo")
    log.record_read(actor=worker, child=child)
    log.record_read(actor=snoop, child=other)
    log.record(actor=snoop, action="access.denied", child=child, after={"path": f"/children/{child.pk}/"})
    return worker, snoop, child, other


def test_the_dpo_sees_names_labels_and_refusals_filtered_by_child(client, make_user, story):
    worker, snoop, child, other = story
    dpo = make_user("admin")
    sign_in(client, dpo)
    body = client.get(f"/audit/?child={child.pk}").content.decode()
    assert "Casey Reader" in body and "Opened the child&#39;s record" in body and "child.view" not in body
    assert "Refused" in body and "Sid Nosy" in body
    assert "Bo " not in body  # another child's entries are filtered out
    refused = client.get(f"/audit/?child={child.pk}&kind=refused").content.decode()
    assert "Sid Nosy" in refused and "Casey Reader" not in refused
    by_person = client.get("/audit/?person=Sid+Nosy").content.decode()
    assert "Casey Reader" not in by_person and "Sid Nosy" in by_person
    # the search itself is audited
    assert AuditEvent.objects.filter(action="audit.view", actor_id=dpo.pk, child_id=child.pk).exists()


def test_csv_export_for_a_subject_access_request_is_spreadsheet_safe(client, make_user, story):
    worker, snoop, child, _ = story
    log.record_read(actor=make_user("finance", first_name="=cmd|calc"), child=child)
    sign_in(client, make_user("admin"))
    response = client.get(f"/audit/export.csv?child={child.pk}")
    assert response["Content-Type"].startswith("text/csv")
    assert f"audit-child-{child.pk}-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["When", "Who", "Role", "What"]
    whats = {r[3] for r in rows[1:]}
    assert {"Opened the child's record", "Tried to open something without permission"} <= whats
    assert "'=cmd|calc" in {r[1] for r in rows[1:]}  # a name that would run as a formula is quoted
    assert AuditEvent.objects.filter(action="audit.export", child_id=child.pk).exists()


def test_bad_filters_are_form_errors_not_crashes(client, make_user, db):
    sign_in(client, make_user("admin"))
    body = client.get("/audit/?child=abc").content.decode()
    assert "Child&#39;s record number must be a number" in body
    assert client.get("/audit/export.csv?child=abc").status_code == 400
    body = client.get("/audit/?start-day=2&start-month=1&start-year=2026&end-day=1&end-month=1&end-year=2026")
    assert "The end date must be the same as or after the start date" in body.content.decode()


def test_only_administrators_reach_the_audit_screen(client, make_user, db):
    for role in ("manager", "caseworker", "parent"):
        client.logout()
        sign_in(client, make_user(role))
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403


@given(st.text(max_size=40))
def test_a_cell_never_starts_a_formula(text):
    cell = neutralise(text)
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert cell.endswith(text)


@given(st.from_regex(r"[a-z_]{1,12}(\.[a-z_]{1,12}){0,3}", fullmatch=True))
def test_every_action_has_words_and_one_kind_that_the_database_filter_agrees_with(action):
    assert "." not in labels.label(action) or action in labels.ACTIONS
    assert labels.kind(action) in labels.KINDS


@pytest.mark.django_db
def test_kind_and_its_database_filter_agree():
    from highneeds.accounts.roles import SYSTEM

    actions = [
        *labels.ACTIONS,
        "plan.view_api",
        "dispute.appeal.lodge",
        "access.denied",
        "auth.sign_in",
        "portal.plan.view",
        "planning.export",
    ]
    log.record_many(actor=SYSTEM, entries=[log.Entry(action=a) for a in actions])
    # An old stored event whose name is no longer registered is still sorted (appended as stored, unchecked).
    log.append([AuditEvent(actor_label="system", action="thing.was_denied", request_id="")])
    actions.append("thing.was_denied")
    for k in labels.KINDS:
        in_db = set(AuditEvent.objects.filter(labels.kind_q(k)).values_list("action", flat=True))
        assert in_db == {a for a in actions if labels.kind(a) == k}, k
