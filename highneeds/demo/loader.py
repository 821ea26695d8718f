"""Loading synthetic councils into the database, fast, audited per batch.

Rows go in with explicit ids on Django's connection: ``executemany`` through Django's cursor on
SQLite, ``COPY`` on PostgreSQL (about 20 times faster there than either ``executemany`` or
multi-row ``INSERT`` through Django's client-side-binding cursor). Every write happens inside a
`@service` (`begin_demo`, `load_council`, `finish_demo`) that checks ``people.import_children``
(the command line's SYSTEM actor holds it), and every batch appends one ``demo.load`` audit
event naming the table, the row count and the id range: auditing 1.6 million rows one by one
would say nothing more. The id ranges are also how `flush_demo_data` finds what to remove.

Demo users, the council's settings and the case-access grants go through their own services,
so they are audited as any other change is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from highneeds.accounts.models import User
from highneeds.accounts.roles import Role
from highneeds.accounts.services import create_user
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.casework.models import AssessmentRequest, CaseEvent
from highneeds.council.services import update_council_settings
from highneeds.demo.synthetic import Council, SharedEstablishments, calibration, render
from highneeds.establishments.models import Establishment
from highneeds.people.models import Child, ChildNeed, CohortFlag, ParentCarer, Placement, SenStatusPeriod
from highneeds.people.services import grant_access
from highneeds.records.models import Task

from .bulk import DemoDataError, demo_ranges, load_table, next_ids, purge, reset_sequences, where_ranges
from .links import Links, choose_links

DEMO_PASSWORD = "highneeds-demo-2022"
DEMO_EMAIL_DOMAIN = "demo.invalid"  # reserved: mail to it can never be delivered
DEMO_URL = f"http://127.0.0.1:{os.environ.get('HIGHNEEDS_PORT', '8000')}"  # scripts/demo sets the port


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    agency: str = ""
    note: str = ""


DEMO_USERS = (
    DemoUser("caseworker", Role.CASEWORKER, "Casey", "Testworth", note="lead caseworker for a share of children"),
    DemoUser("manager", Role.MANAGER, "Morgan", "Samplefield", note="SEND team manager, a few children as lead"),
    DemoUser(
        "panel", Role.PANEL_MEMBER, "Pat", "Demoley", "Multi-agency panel", "invited to children awaiting a decision"
    ),
    DemoUser("finance", Role.FINANCE, "Frankie", "Examplewood"),
    DemoUser("s151", Role.S151, "Sol", "Ledgerton", note="section 151 officer: totals only, no child named"),
    DemoUser("senco", Role.SENCO, "Sam", "Fixtureford", note="SENCO at the school with most children with SEN"),
    DemoUser(
        "professional",
        Role.PROFESSIONAL,
        "Priya",
        "Trialbury",
        "Educational psychology service",
        "invited to children being assessed",
    ),
    DemoUser("parent", Role.PARENT, "", "", note="parent of a child with an EHC plan"),
    DemoUser("youngperson", Role.YOUNG_PERSON, "", "", note="a young person aged 16 or over with an EHC plan"),
    DemoUser("leadmember", Role.STRATEGIC_LEAD, "Lee", "Protodale", "Elected members"),
    DemoUser("admin", Role.ADMIN, "Alex", "Placeholderby"),
)
DEMO_USERNAMES = tuple(u.username for u in DEMO_USERS)

# Tables in load order: (council attribute, model, renderer)
_TABLES = (
    ("children", Child, render.children),
    ("parents", ParentCarer, render.parents),
    ("sen_periods", SenStatusPeriod, render.sen_periods),
    ("needs", ChildNeed, render.needs),
    ("flags", CohortFlag, render.flags),
    ("placements", Placement, render.placements),
    ("requests", AssessmentRequest, render.requests),
    ("events", CaseEvent, render.events),
)


@dataclass
class LoadResult:
    council_name: str
    counts: dict[str, int] = field(default_factory=dict)
    checks: list = field(default_factory=list)  # calibration.Check rows (combined over councils)
    users: dict[str, str] = field(default_factory=dict)  # username -> what it is linked to
    seconds: float = 0.0
    councils: int = 0
    sources: dict[str, str] = field(default_factory=dict)  # where each target came from (first council)


Progress = Callable[[str, int, int], None]


@service
def flush_demo_data(*, actor) -> dict[str, int]:
    """Remove what demo-data loaded (found through its own audit events) and the demo users."""
    require(actor, "people.import_children")
    counts: dict[str, int] = {}
    users = User.objects.filter(username__in=DEMO_USERNAMES, email__endswith="@" + DEMO_EMAIL_DOMAIN)
    if users.exists():
        # Tasks keep their assignee (PROTECT): the demo's are for demo users, and go with them.
        counts["records.task"], _ = Task.objects.filter(assigned_to__in=users).delete()
        counts["accounts.user"] = users.count()
        users.delete()
    with connection.cursor() as cursor:
        for model in (Child, Establishment):
            ranges = demo_ranges(model)
            for start in range(0, len(ranges), 200):  # keep each statement a sensible size
                where, params = where_ranges(model._meta.pk.column, ranges[start : start + 200])
                purge(cursor, model, where, params, counts)
    log.record(actor=actor, action="demo.flush", after=counts)
    return counts


# --------------------------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------------------------


def _make_user(actor, spec: DemoUser, **links) -> User:
    existing = User.objects.filter(username=spec.username).first()
    if existing is not None:
        raise DemoDataError(
            f"A user called {spec.username!r} already exists and was not made by demo-data; "
            "rename it or load the demo into another database"
        )
    # Made without a password; _set_demo_passwords gives them all one hash (Argon2 costs 0.3 s a time).
    return create_user(
        actor=actor,
        username=spec.username,
        password=None,
        role=spec.role,
        first_name=links.pop("first_name", spec.first_name),
        last_name=links.pop("last_name", spec.last_name),
        email=f"{spec.username}@{DEMO_EMAIL_DOMAIN}",
        agency=spec.agency,
        **links,
    )


def _set_demo_passwords(actor, users: list[User]) -> None:
    """The shared, printed demo password, hashed once for all demo users (same salt: they share it anyway)."""
    hashed = make_password(DEMO_PASSWORD)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=hashed)
    log.record_many(
        actor=actor,
        entries=[
            log.Entry(
                action="user.password.set",
                object_type="accounts.user",
                object_id=str(u.pk),
                after={"username": u.username, "demo": True},
            )
            for u in users
        ],
    )


@dataclass
class _Run:
    """What the steps of one load share."""

    users: dict
    next_ids: dict
    shared_first: int
    batch_size: int
    result: LoadResult
    shift_days: int = 0
    checks: list = field(default_factory=list)
    # what the demo users are linked to, as database ids, taken from the first councils that have them
    senco_school: int | None = None
    young_person: int | None = None
    parents_child: int | None = None
    professional: list = field(default_factory=list)
    panel: list = field(default_factory=list)

    @property
    def links_missing(self) -> bool:
        return (
            self.senco_school is None
            or self.young_person is None
            or self.parents_child is None
            or len(self.professional) < 5
            or len(self.panel) < 5
        )


@service
def begin_demo(
    *,
    actor,
    shared: SharedEstablishments,
    council_name: str,
    la_code: str,
    new_la_code: str = "",
    flush: bool = False,
    batch_size: int = 20000,
    shift_days: int = 0,
) -> _Run:
    """Flush if asked, refuse to mix with other records, set the council, add staff users and shared settings."""
    require(actor, "people.import_children")
    if flush:
        flush_demo_data(actor=actor)
    existing = Child.objects.count()
    if existing:
        raise DemoDataError(
            f"The database already holds {existing:,} children. Run demo-data with --flush to replace demo data; "
            "highneeds will not mix demo records with other records."
        )
    for spec in DEMO_USERS:
        if User.objects.filter(username=spec.username).exists():
            raise DemoDataError(
                f"A user called {spec.username!r} already exists; run with --flush to replace demo "
                "users (only users made by demo-data are removed)"
            )
    update_council_settings(actor=actor, name=council_name[:120], old_la_code=la_code, new_la_code=new_la_code)
    users = {
        spec.username: _make_user(actor, spec)
        for spec in DEMO_USERS
        if spec.username in ("caseworker", "manager", "panel", "finance", "s151", "professional", "leadmember", "admin")
    }
    run = _Run(
        users=users,
        next_ids=next_ids(),
        shared_first=0,
        batch_size=batch_size,
        result=LoadResult(council_name=council_name),
        shift_days=shift_days,
    )
    run.shared_first = run.next_ids[Establishment]
    with connection.cursor() as cursor:
        load_table(
            cursor,
            actor,
            Establishment,
            lambda start, stop: render.shared(shared, start, stop, run.shared_first),
            len(shared.table),
            run.shared_first,
            batch_size,
            lambda n: None,
            {"scope": "shared"},
        )
    run.next_ids[Establishment] += len(shared.table)
    run.result.counts["establishments"] = len(shared.table)
    return run


@service
def load_council(*, actor, run: _Run, council: Council, rows_done: Callable[[int], None] | None = None) -> None:
    """One council's records, in batches, each batch with its audit event."""
    require(actor, "people.import_children")
    links = choose_links(council, run.shift_days) if run.links_missing else Links()
    users = run.users
    parent_row = None
    if run.parents_child is None and links.parent_row is not None:
        parent_row = links.parent_row
        parent_columns = render.parents(council, parent_row, parent_row + 1, render.Ids())
        users["parent"] = _make_user(
            actor,
            DEMO_USERS[DEMO_USERNAMES.index("parent")],
            first_name=parent_columns["first_name"][0],
            last_name=parent_columns["last_name"][0],
        )
    next_ids = run.next_ids
    ids = render.Ids(
        child=next_ids[Child],
        establishment=next_ids[Establishment],
        shared_establishment=run.shared_first,
        request=next_ids[AssessmentRequest],
        users={
            "caseworker": users["caseworker"].pk,
            "manager": users["manager"].pk,
            "parent": users["parent"].pk if parent_row is not None else None,
        },
        shift_days=run.shift_days,
    )
    counts = council.counts()
    extra = {"la": council.la_code, "seed": council.seed, "scale": council.scale}
    tick = rows_done or (lambda n: None)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # a bigger page cache keeps index updates in memory
            cursor.execute("PRAGMA cache_size = -262144")
        est_first = next_ids[Establishment]
        load_table(
            cursor,
            actor,
            Establishment,
            lambda start, stop: render.establishments(council.establishments, start, stop, est_first),
            counts["establishments"],
            est_first,
            run.batch_size,
            tick,
            extra,
        )
        for name, model, renderer in _TABLES:
            kwargs = {"council": council, "ids": ids}
            if name == "parents":
                kwargs["parent_user_row"] = parent_row
            load_table(
                cursor, actor, model, renderer, counts[name], next_ids[model], run.batch_size, tick, extra, **kwargs
            )
    for name, model in (("establishments", Establishment), *((n, m) for n, m, _ in _TABLES)):
        next_ids[model] += counts[name]
        run.result.counts[name] = run.result.counts.get(name, 0) + counts[name]
    run.checks.append(calibration.checks(council))
    run.result.councils += 1
    run.result.sources = run.result.sources or dict(council.sources)
    if run.senco_school is None and links.senco_establishment is not None:
        run.senco_school = ids.establishment + links.senco_establishment
    if run.young_person is None and links.young_person is not None:
        run.young_person = ids.child + links.young_person
    if parent_row is not None:
        run.parents_child = ids.child + int(council.parents.columns["child"][parent_row])
    for mine, chosen in ((run.professional, links.professional), (run.panel, links.panel)):
        mine.extend(ids.child + k for k in chosen[: 5 - len(mine)])


@service
def finish_demo(*, actor, run: _Run) -> LoadResult:
    """Link the SENCO, young person, parent, professional and panel member to records; set passwords."""
    require(actor, "people.import_children")
    users, result = run.users, run.result
    if run.senco_school is not None:
        school = Establishment.objects.get(pk=run.senco_school)
        users["senco"] = _make_user(actor, DEMO_USERS[DEMO_USERNAMES.index("senco")], establishment=school)
        result.users["senco"] = f"{school.name} ({school.la_name})"
    if run.young_person is not None:
        child = Child.objects.get(pk=run.young_person)
        users["youngperson"] = _make_user(
            actor,
            DEMO_USERS[DEMO_USERNAMES.index("youngperson")],
            child=child,
            first_name=child.first_name,
            last_name=child.last_name,
        )
        result.users["youngperson"] = f"{child.full_name} (own record)"
    if run.parents_child is not None:
        result.users["parent"] = f"parent of {Child.objects.get(pk=run.parents_child).full_name}"
        # The parent's account shows the name on the child's record, as the portal invitation would set it.
        linked = ParentCarer.objects.filter(user=users["parent"]).first()
        if linked is not None:
            User.objects.filter(pk=users["parent"].pk).update(first_name=linked.first_name, last_name=linked.last_name)
            log.record(
                actor=actor,
                action="user.update",
                obj=users["parent"],
                after={"first_name": linked.first_name, "last_name": linked.last_name},
            )
    for username, kids, reason in (
        ("professional", run.professional, "Educational psychology advice for the EHC needs assessment"),
        ("panel", run.panel, "Panel decision whether to assess"),
    ):
        for child in Child.objects.filter(pk__in=kids):
            grant_access(actor=actor, child=child, user=users[username], reason=reason)
        result.users[username] = f"invited to {len(kids)} children"
    result.users["caseworker"] = (
        f"lead caseworker for {Child.objects.filter(lead_caseworker=users['caseworker']).count():,} children"
    )
    result.users["manager"] = f"lead for {Child.objects.filter(lead_caseworker=users['manager']).count():,} children"
    _set_demo_passwords(actor, list(users.values()))
    reset_sequences()
    result.checks = run.checks[0] if len(run.checks) == 1 else calibration.combine(run.checks)
    return result


def load_demo(
    *,
    actor,
    councils: Iterable[Council],
    shared: SharedEstablishments,
    council_name: str,
    la_code: str,
    new_la_code: str = "",
    flush: bool = False,
    expected_councils: int = 1,
    batch_size: int = 20000,
    progress: Progress | None = None,
    shift_years: int = 0,
    shift_days: int | None = None,
) -> LoadResult:
    """Write generated councils (an iterable, consumed one at a time) with demo users and settings.

    Each step is a service (permission checked, audited). One council loads in one transaction,
    all or nothing. Several (a national run) commit council by council, so a run of 18 million
    rows never holds them all in one transaction (SQLite's write-ahead log would otherwise grow to
    the size of the database); if it stops part way, `--flush` removes what was loaded, batch by
    batch, from the audit log's record of it.

    `shift_years` (a multiple of 4) moves every date, births included, forward: the same council
    with census day in a later January, so a demo's open cases are not years overdue. `shift_days`, when
    given, is used instead (`render.shift_days_to(today)`: census day becomes today).
    """
    started = time.perf_counter()
    tell = progress or (lambda label, done, total: None)
    with transaction.atomic() if expected_councils == 1 else nullcontext():
        run = begin_demo(
            actor=actor,
            shared=shared,
            council_name=council_name,
            la_code=la_code,
            new_la_code=new_la_code,
            flush=flush,
            batch_size=batch_size,
            shift_days=render.shift_days_for(shift_years) if shift_days is None else shift_days,
        )
        for index, council in enumerate(councils):
            total, done = sum(council.counts().values()), [0]

            def rows_done(n, label=council.la_name, total=total):
                done[0] += n
                if expected_councils == 1:
                    tell(label, done[0], total)

            load_council(actor=actor, run=run, council=council, rows_done=rows_done)
            if expected_councils > 1:
                tell(council.la_name, index + 1, expected_councils)
        result = finish_demo(actor=actor, run=run)
    result.seconds = time.perf_counter() - started
    return result
