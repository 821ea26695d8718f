"""`highneeds demo-data` on the test database, at a small scale."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from highneeds.accounts.models import User
from highneeds.audit import log
from highneeds.audit.models import AuditEvent
from highneeds.casework.models import AssessmentRequest, CaseEvent
from highneeds.council.models import CouncilSettings
from highneeds.demo import synthetic
from highneeds.demo.loader import DEMO_PASSWORD, DEMO_USERNAMES
from highneeds.engine import publicdata
from highneeds.establishments.models import Establishment
from highneeds.people.models import CaseAccess, Child, ChildNeed, CohortFlag, ParentCarer, Placement, SenStatusPeriod
from highneeds.people.queries import visible_children

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (settings.SHARED_DATA_DIR / publicdata.CASELOAD_FILE).is_file(), reason="shared data folder not present"
    ),
]

SCALE = "0.03"
MODELS = {
    "establishments": Establishment,
    "children": Child,
    "parents": ParentCarer,
    "sen_periods": SenStatusPeriod,
    "needs": ChildNeed,
    "flags": CohortFlag,
    "placements": Placement,
    "requests": AssessmentRequest,
    "events": CaseEvent,
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("demo_data", "--no-progress", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def generated():
    targets = publicdata.load_targets(settings.SHARED_DATA_DIR)
    shared = synthetic.shared_for(targets, settings.SHARED_DATA_DIR, seed=2022)
    council = synthetic.generate_council(targets.for_la("384"), scale=float(SCALE), seed=2022, shared=shared)
    return council, shared


def fingerprint() -> list:
    children = list(
        Child.objects.order_by("id").values_list(
            "first_name", "last_name", "date_of_birth", "upn", "nhs_number", "sen_status", "postcode"
        )
    )
    placements = list(
        Placement.objects.order_by("id").values_list("establishment__name", "placement_type", "start_date", "end_date")
    )
    events = list(CaseEvent.objects.order_by("id").values_list("event_type", "occurred_on", "detail"))
    return [children, placements, events]


def test_counts_in_the_database_match_the_generated_arrays(generated):
    output = run()
    council, shared = generated
    expected = council.counts()
    expected["establishments"] += len(shared.table)
    assert {name: model.objects.count() for name, model in MODELS.items()} == expected
    current = CouncilSettings.current()
    assert (current.name, current.old_la_code, current.new_la_code) == ("Wakefield (synthetic)", "384", "E08000036")
    for username in DEMO_USERNAMES:
        assert username in output
    assert DEMO_PASSWORD in output and "http://127.0.0.1:8000" in output
    assert "All figures within 2%" in output
    assert Child.objects.filter(sen_status="E").count() == council.targets["ehcp_total"]


def test_each_demo_user_sees_what_their_role_allows():
    run()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert set(users) == set(DEMO_USERNAMES)
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)

    parent = users["parent"]
    mine = list(visible_children(parent))
    assert mine == [ParentCarer.objects.get(user=parent).child]
    assert mine[0].sen_status == "E"

    young = users["youngperson"]
    assert list(visible_children(young)) == [young.child]
    assert young.child.age(date.today()) >= 16 and young.child.sen_status == "E"

    senco = users["senco"]
    here = Placement.objects.filter(establishment=senco.establishment, end_date__isnull=True)
    assert here.exists() and senco.establishment.la_code == "384"
    assert set(visible_children(senco).values_list("id", flat=True)) == set(here.values_list("child_id", flat=True))
    assert senco.establishment.establishment_type.startswith("MS_")

    for username in ("professional", "panel"):
        granted = set(CaseAccess.objects.filter(user=users[username]).values_list("child_id", flat=True))
        assert 0 < len(granted) <= 5
        assert set(visible_children(users[username]).values_list("id", flat=True)) == granted

    everyone = Child.objects.count()
    for username in ("caseworker", "manager", "finance"):
        assert visible_children(users[username]).count() == everyone
    for username in ("leadmember", "s151", "admin"):
        assert visible_children(users[username]).count() == 0
    assert Child.objects.filter(lead_caseworker=users["caseworker"]).exists()
    assert Child.objects.filter(lead_caseworker=users["manager"]).exists()


def test_every_batch_is_audited_with_its_id_range():
    run()
    loads = AuditEvent.objects.filter(action="demo.load")
    assert loads.exists()
    for name, model in MODELS.items():
        entries = [e.after for e in loads.filter(object_type=model._meta.label_lower)]
        assert sum(e["rows"] for e in entries) == model.objects.count(), name
        ids = set(model.objects.values_list("id", flat=True))
        covered = {i for e in entries for i in range(e["first_id"], e["last_id"] + 1)}
        assert covered == ids, name
    assert AuditEvent.objects.filter(action="user.create").count() == len(DEMO_USERNAMES)
    assert AuditEvent.objects.filter(action="council.settings.update").exists()
    assert AuditEvent.objects.filter(action="child.access.grant").exists()
    assert log.verify().ok


def test_refuses_without_flush_and_replaces_with_it():
    run()
    first = fingerprint()
    with pytest.raises(CommandError, match="--flush"):
        run()
    run("--flush")
    assert fingerprint() == first  # the same seed gives the same council
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)
    assert AuditEvent.objects.filter(action="demo.flush").count() == 1
    run("--flush", "--seed", "7")
    assert fingerprint() != first
    assert log.verify().ok


def test_flush_leaves_other_records_alone(make_child, make_establishment):
    own_school = make_establishment(name="Not Demo Primary")
    with pytest.raises(CommandError, match="will not mix"):
        make_child(establishment=own_school)
        run()
    Child.objects.all().delete()
    run()
    run("--flush")
    assert Establishment.objects.filter(pk=own_school.pk).exists()


def test_logins_only_prints_and_writes_nothing():
    out = io.StringIO()
    call_command("demo_data", "--logins-only", stdout=out)
    assert all(username in out.getvalue() for username in DEMO_USERNAMES)
    assert not Child.objects.exists() and not User.objects.exists()


def test_a_real_user_with_a_demo_username_is_not_replaced(make_user):
    make_user("admin", username="admin")
    with pytest.raises(CommandError, match="'admin' already exists"):
        run()
    assert not Child.objects.exists()


def test_shift_years_moves_every_date_by_whole_years():
    run()
    before = fingerprint()
    run("--flush", "--shift-years", "4")
    after = fingerprint()
    children_before, children_after = before[0], after[0]
    assert len(children_before) == len(children_after)
    for old, new in zip(children_before, children_after, strict=True):
        assert new[2] == old[2].replace(year=old[2].year + 4)  # same birthday, four years on
        assert new[:2] == old[:2] and new[3:] == old[3:]
    for old, new in zip(before[2], after[2], strict=True):
        assert new[1] == old[1].replace(year=old[1].year + 4)
    with pytest.raises(CommandError, match="multiple of 4"):
        run("--flush", "--shift-years", "3")
