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
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, reset_queries, transaction
from django.utils import timezone

from highneeds.accounts.models import User
from highneeds.accounts.roles import Role
from highneeds.accounts.services import create_user
from highneeds.audit import log
from highneeds.audit.models import AuditEvent
from highneeds.audit.service import require, service
from highneeds.casework.models import AssessmentRequest, CaseEvent
from highneeds.council.services import update_council_settings
from highneeds.demo.synthetic import Council, SharedEstablishments, calibration, render
from highneeds.demo.synthetic.helpers import NONE
from highneeds.demo.synthetic.vocabulary import REQUEST_STATUSES
from highneeds.establishments.models import Establishment
from highneeds.people.models import Child, ChildNeed, CohortFlag, ParentCarer, Placement, SenStatusPeriod
from highneeds.people.services import grant_access

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
    DemoUser("panel", Role.PANEL_MEMBER, "Pat", "Demoley", "Multi-agency panel", "invited to children awaiting a decision"),
    DemoUser("finance", Role.FINANCE, "Frankie", "Examplewood"),
    DemoUser("senco", Role.SENCO, "Sam", "Fixtureford", note="SENCO at the school with most children with SEN"),
    DemoUser("professional", Role.PROFESSIONAL, "Priya", "Trialbury", "Educational psychology service",
             "invited to children being assessed"),
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
_ID_MODELS = (Establishment, Child, ParentCarer, SenStatusPeriod, ChildNeed, CohortFlag, Placement,
              AssessmentRequest, CaseEvent)


class DemoDataError(Exception):
    """The database is not in a state the demo loader can safely write to."""


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


# --------------------------------------------------------------------------------------------
# Low-level insert
# --------------------------------------------------------------------------------------------


def _fill_defaults(model, columns: dict[str, list], n: int) -> None:
    """Give every concrete field the loader was not handed the value Django itself would use.

    auto_now fields get now; fields with a default get it (adapted for this database, so a JSON
    default becomes JSON text); nullable fields get NULL; optional text fields an empty string.
    The models grow while the generator does not, so a required field with no default is an error
    that names it.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for f in model._meta.concrete_fields:
        if f.attname in columns:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            value = f.get_db_prep_save(f.get_default(), connection)
        elif f.null:
            value = None
        elif f.empty_strings_allowed and f.blank:
            value = ""
        else:
            raise DemoDataError(f"{model._meta.label}.{f.name} needs a value and has no default; "
                                "the demo generator has to be taught about it")
        columns[f.attname] = [value] * n


def _insert(cursor, model, columns: dict[str, list]) -> int:
    """Insert the rows held column-wise in `columns` (field attnames); returns the row count."""
    n = len(next(iter(columns.values())))
    if not n:
        return 0
    known = {f.attname for f in model._meta.concrete_fields}
    columns = {name: values for name, values in columns.items() if name in known}  # fields this model version has
    _fill_defaults(model, columns, n)
    quote = connection.ops.quote_name
    names = list(columns)
    table = quote(model._meta.db_table)
    db_columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    rows = zip(*(columns[name] for name in names), strict=True)
    if connection.vendor == "postgresql":
        # COPY on Django's own connection, in the same transaction. Measured here: 179,000 rows/s,
        # against 8,000-9,000 for executemany or multi-row VALUES through Django's cursor (which
        # binds parameters client-side, in Python).
        with cursor.cursor.copy(f"COPY {table} ({db_columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({db_columns}) VALUES ({placeholders})", list(rows))
    if settings.DEBUG:
        reset_queries()  # the debug query log would otherwise hold every batch's SQL
    return n


def _next_ids() -> dict:
    out = {}
    with connection.cursor() as cursor:
        for model in _ID_MODELS:
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) "
                           f"FROM {connection.ops.quote_name(model._meta.db_table)}")
            out[model] = (cursor.fetchone()[0] or 0) + 1
    return out


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(_ID_MODELS))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _audit_batch(actor, model, first_id: int, rows: int, **extra) -> None:
    log.record_many(actor=actor, entries=[log.Entry(
        action="demo.load", object_type=model._meta.label_lower,
        after={"table": model._meta.db_table, "rows": rows, "first_id": first_id, "last_id": first_id + rows - 1,
               **extra})])


def _load_table(cursor, actor, model, renderer, total: int, first_id: int, batch_size: int, progress_rows,
                extra: dict, **kwargs) -> None:
    for start in range(0, total, batch_size):
        stop = min(start + batch_size, total)
        columns = renderer(start=start, stop=stop, **kwargs)
        columns.setdefault("id", list(range(first_id + start, first_id + stop)))
        _insert(cursor, model, columns)
        _audit_batch(actor, model, first_id + start, stop - start, **extra)
        progress_rows(stop - start)


# --------------------------------------------------------------------------------------------
# Choosing who the demo users are linked to
# --------------------------------------------------------------------------------------------


def _age_today(dob_days: np.ndarray, shift_days: int = 0) -> np.ndarray:
    today = date.today()
    days = dob_days.astype(np.int64) + shift_days
    dates = (np.datetime64("1970-01-01") + days.astype("timedelta64[D]")).astype(object)
    return np.array([today.year - d.year - ((today.month, today.day) < (d.month, d.day)) for d in dates])


@dataclass
class _Links:
    senco_establishment: int | None = None  # local establishment index
    parent_row: int | None = None  # parents table row
    young_person: int | None = None  # child index
    professional: list = field(default_factory=list)  # child indices
    panel: list = field(default_factory=list)


def choose_links(council: Council, shift_days: int = 0) -> _Links:
    """Deterministic choices among the generated arrays, so the demo users see sensible records."""
    links = _Links()
    c = council.children.columns
    p = council.placements.columns
    est = council.establishments.columns
    n_local = len(council.establishments)
    current = (p["end"] == NONE) & (p["establishment"] < n_local)
    local = p["establishment"][current].astype(np.int64)
    est_type = np.asarray(est["establishment_type"], dtype=object)
    in_area = np.asarray(est["la_code"], dtype=object) == council.la_code
    primary = np.asarray(est["phase"], dtype=object) == "PRIMARY"
    mainstream = np.isin(est_type, ["MS_LA", "MS_ACADEMY", "MS_FREE"])
    eligible = mainstream & in_area & primary
    counts = np.bincount(local, minlength=n_local) * eligible
    if counts.any():
        links.senco_establishment = int(np.argmax(counts))
    status = c["status"]
    children_here = p["child"][current][local == links.senco_establishment] if links.senco_establishment is not None \
        else np.zeros(0, dtype=np.int64)
    parents = council.parents.columns
    n = len(council.children)
    # parents rows 0..n-1 are each child's first parent; prefer a child with a plan at the SENCO's school
    candidates = [int(k) for k in children_here if status[k] == 2] + [int(k) for k in np.flatnonzero(status == 2)]
    for k in candidates:
        if k < n and bool(parents["responsibility"][k]):
            links.parent_row = k
            break
    ages = _age_today(c["dob"], shift_days)
    adults = np.flatnonzero((status == 2) & (ages >= 16) & (ages <= 19))
    if not len(adults):
        adults = np.flatnonzero((status == 2) & (ages >= 16) & (ages <= 25))
    if len(adults):
        links.young_person = int(adults[0])
    requests = council.requests.columns
    for status_name, target in (("assess", links.professional), ("pending", links.panel)):
        rows = np.flatnonzero(requests["status"] == REQUEST_STATUSES.index(status_name))
        target.extend(dict.fromkeys(int(k) for k in requests["child"][rows]))
        del target[5:]
    if not links.professional:
        links.professional.extend(int(k) for k in np.flatnonzero(status == 2)[:3])
    if not links.panel:
        links.panel.extend(int(k) for k in np.flatnonzero(status == 2)[3:6])
    return links


# --------------------------------------------------------------------------------------------
# Flush
# --------------------------------------------------------------------------------------------


def _demo_ranges(model) -> list[tuple[int, int]]:
    ranges = []
    for after in AuditEvent.objects.filter(action="demo.load", object_type=model._meta.label_lower).values_list(
            "after", flat=True):
        if isinstance(after, dict) and "first_id" in after:
            ranges.append((int(after["first_id"]), int(after["last_id"])))
    return ranges


def _purge(cursor, model, where: str, params: list, counts: dict) -> None:
    """Delete `model` rows matching `where`, first cascading along every relation pointing at them."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    selected = f"SELECT {quote(model._meta.pk.column)} FROM {table} WHERE {where}"
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        related, fk = rel.related_model, rel.field
        condition = f"{quote(fk.column)} IN ({selected})"
        on_delete = fk.remote_field.on_delete
        if on_delete is models.CASCADE:
            _purge(cursor, related, condition, params, counts)
        elif on_delete is models.SET_NULL:
            cursor.execute(f"UPDATE {quote(related._meta.db_table)} SET {quote(fk.column)} = NULL WHERE {condition}",
                           params)
        elif on_delete is models.DO_NOTHING:
            continue
        else:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(related._meta.db_table)} WHERE {condition}", params)
            blocking = cursor.fetchone()[0]
            if blocking:
                raise DemoDataError(
                    f"{blocking} {related._meta.verbose_name_plural} that were not made by demo-data still refer to "
                    f"demo {model._meta.verbose_name_plural}; remove them first")
    cursor.execute(f"DELETE FROM {table} WHERE {where}", params)
    counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + max(cursor.rowcount, 0)


def _where_ranges(column: str, ranges: list[tuple[int, int]]) -> tuple[str, list]:
    quoted = connection.ops.quote_name(column)
    return " OR ".join([f"({quoted} BETWEEN %s AND %s)"] * len(ranges)), [v for r in ranges for v in r]


@service
def flush_demo_data(*, actor) -> dict[str, int]:
    """Remove what demo-data loaded (found through its own audit events) and the demo users."""
    require(actor, "people.import_children")
    counts: dict[str, int] = {}
    users = User.objects.filter(username__in=DEMO_USERNAMES, email__endswith="@" + DEMO_EMAIL_DOMAIN)
    if users.exists():
        counts["accounts.user"] = users.count()
        users.delete()
    with connection.cursor() as cursor:
        for model in (Child, Establishment):
            ranges = _demo_ranges(model)
            for start in range(0, len(ranges), 200):  # keep each statement a sensible size
                where, params = _where_ranges(model._meta.pk.column, ranges[start : start + 200])
                _purge(cursor, model, where, params, counts)
    log.record(actor=actor, action="demo.flush", after=counts)
    return counts


# --------------------------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------------------------


def _make_user(actor, spec: DemoUser, **links) -> User:
    existing = User.objects.filter(username=spec.username).first()
    if existing is not None:
        raise DemoDataError(f"A user called {spec.username!r} already exists and was not made by demo-data; "
                            "rename it or load the demo into another database")
    # Made without a password; _set_demo_passwords gives them all one hash (Argon2 costs 0.3 s a time).
    return create_user(actor=actor, username=spec.username, password=None, role=spec.role,
                       first_name=links.pop("first_name", spec.first_name), last_name=links.pop("last_name", spec.last_name),
                       email=f"{spec.username}@{DEMO_EMAIL_DOMAIN}", agency=spec.agency, **links)


def _set_demo_passwords(actor, users: list[User]) -> None:
    """The shared, printed demo password, hashed once for all demo users (same salt: they share it anyway)."""
    hashed = make_password(DEMO_PASSWORD)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=hashed)
    log.record_many(actor=actor, entries=[log.Entry(action="user.password.set", object_type="accounts.user",
                                                    object_id=str(u.pk), after={"username": u.username, "demo": True})
                                          for u in users])


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
        return (self.senco_school is None or self.young_person is None or self.parents_child is None
                or len(self.professional) < 5 or len(self.panel) < 5)


@service
def begin_demo(*, actor, shared: SharedEstablishments, council_name: str, la_code: str, new_la_code: str = "",
               flush: bool = False, batch_size: int = 20000, shift_days: int = 0) -> _Run:
    """Flush if asked, refuse to mix with other records, set the council, add staff users and shared settings."""
    require(actor, "people.import_children")
    if flush:
        flush_demo_data(actor=actor)
    existing = Child.objects.count()
    if existing:
        raise DemoDataError(
            f"The database already holds {existing:,} children. Run demo-data with --flush to replace demo data; "
            "highneeds will not mix demo records with other records.")
    for spec in DEMO_USERS:
        if User.objects.filter(username=spec.username).exists():
            raise DemoDataError(f"A user called {spec.username!r} already exists; run with --flush to replace demo "
                                "users (only users made by demo-data are removed)")
    update_council_settings(actor=actor, name=council_name[:120], old_la_code=la_code, new_la_code=new_la_code)
    users = {spec.username: _make_user(actor, spec) for spec in DEMO_USERS
             if spec.username in ("caseworker", "manager", "panel", "finance", "professional", "leadmember", "admin")}
    run = _Run(users=users, next_ids=_next_ids(), shared_first=0, batch_size=batch_size,
               result=LoadResult(council_name=council_name), shift_days=shift_days)
    run.shared_first = run.next_ids[Establishment]
    with connection.cursor() as cursor:
        _load_table(cursor, actor, Establishment, lambda start, stop: render.shared(shared, start, stop, run.shared_first),
                    len(shared.table), run.shared_first, batch_size, lambda n: None, {"scope": "shared"})
    run.next_ids[Establishment] += len(shared.table)
    run.result.counts["establishments"] = len(shared.table)
    return run


@service
def load_council(*, actor, run: _Run, council: Council, rows_done: Callable[[int], None] | None = None) -> None:
    """One council's records, in batches, each batch with its audit event."""
    require(actor, "people.import_children")
    links = choose_links(council, run.shift_days) if run.links_missing else _Links()
    users = run.users
    parent_row = None
    if run.parents_child is None and links.parent_row is not None:
        parent_row = links.parent_row
        parent_columns = render.parents(council, parent_row, parent_row + 1, render.Ids())
        users["parent"] = _make_user(actor, DEMO_USERS[DEMO_USERNAMES.index("parent")],
                                     first_name=parent_columns["first_name"][0], last_name=parent_columns["last_name"][0])
    next_ids = run.next_ids
    ids = render.Ids(child=next_ids[Child], establishment=next_ids[Establishment], shared_establishment=run.shared_first,
                     request=next_ids[AssessmentRequest],
                     users={"caseworker": users["caseworker"].pk, "manager": users["manager"].pk,
                            "parent": users["parent"].pk if parent_row is not None else None},
                     shift_days=run.shift_days)
    counts = council.counts()
    extra = {"la": council.la_code, "seed": council.seed, "scale": council.scale}
    tick = rows_done or (lambda n: None)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # a bigger page cache keeps index updates in memory
            cursor.execute("PRAGMA cache_size = -262144")
        est_first = next_ids[Establishment]
        _load_table(cursor, actor, Establishment,
                    lambda start, stop: render.establishments(council.establishments, start, stop, est_first),
                    counts["establishments"], est_first, run.batch_size, tick, extra)
        for name, model, renderer in _TABLES:
            kwargs = {"council": council, "ids": ids}
            if name == "parents":
                kwargs["parent_user_row"] = parent_row
            _load_table(cursor, actor, model, renderer, counts[name], next_ids[model], run.batch_size, tick, extra,
                        **kwargs)
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
        users["youngperson"] = _make_user(actor, DEMO_USERS[DEMO_USERNAMES.index("youngperson")], child=child,
                                          first_name=child.first_name, last_name=child.last_name)
        result.users["youngperson"] = f"{child.full_name} (own record)"
    if run.parents_child is not None:
        result.users["parent"] = f"parent of {Child.objects.get(pk=run.parents_child).full_name}"
        # The parent's account shows the name on the child's record, as the portal invitation would set it.
        linked = ParentCarer.objects.filter(user=users["parent"]).first()
        if linked is not None:
            User.objects.filter(pk=users["parent"].pk).update(first_name=linked.first_name, last_name=linked.last_name)
            log.record(actor=actor, action="user.update", obj=users["parent"],
                       after={"first_name": linked.first_name, "last_name": linked.last_name})
    for username, kids, reason in (
            ("professional", run.professional, "Educational psychology advice for the EHC needs assessment"),
            ("panel", run.panel, "Panel decision whether to assess")):
        for child in Child.objects.filter(pk__in=kids):
            grant_access(actor=actor, child=child, user=users[username], reason=reason)
        result.users[username] = f"invited to {len(kids)} children"
    result.users["caseworker"] = (f"lead caseworker for "
                                  f"{Child.objects.filter(lead_caseworker=users['caseworker']).count():,} children")
    result.users["manager"] = f"lead for {Child.objects.filter(lead_caseworker=users['manager']).count():,} children"
    _set_demo_passwords(actor, list(users.values()))
    _reset_sequences()
    result.checks = run.checks[0] if len(run.checks) == 1 else calibration.combine(run.checks)
    return result


def load_demo(*, actor, councils: Iterable[Council], shared: SharedEstablishments, council_name: str, la_code: str,
              new_la_code: str = "", flush: bool = False, expected_councils: int = 1, batch_size: int = 20000,
              progress: Progress | None = None, shift_years: int = 0, shift_days: int | None = None) -> LoadResult:
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
        run = begin_demo(actor=actor, shared=shared, council_name=council_name, la_code=la_code,
                         new_la_code=new_la_code, flush=flush, batch_size=batch_size,
                         shift_days=render.shift_days_for(shift_years) if shift_days is None else shift_days)
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
