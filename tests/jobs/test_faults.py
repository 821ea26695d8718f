"""Faults a scaled-out deployment meets (docs/scaling.md): a task worker killed mid-task, PostgreSQL restarted
mid-import. Nothing is lost and nothing is half-written.

Each test catches its victim inside its transaction: the test holds the audit chain head's row lock, which every
service takes as its last step before commit (audit.log.append), so the worker or import has written its rows and
waits, uncommitted, until the test strikes. Runs on PostgreSQL only (skipped on SQLite-only runs).

The worker faults run in a database of their own on the suite's own server, copied from the suite's migrated test
database (a copy takes about a second where migrating a new database took half a minute). Restarting that server
would cut every other test's connection, so the restart test alone gets a throwaway cluster, loaded from a dump of
that database. The whole module takes well under a minute (it took two with a cluster and a demo council).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from psycopg import sql as q

from benchmarks._common import PGBIN, ROOT, child_env, throwaway_postgres
from highneeds.accounts.roles import SYSTEM
from highneeds.casework.models import AssessmentRequest
from highneeds.jobs.nightly import nightly
from highneeds.jobs.recovery import requeue_abandoned
from highneeds.jobs.services import retry_job
from tests.conftest import allow_writes
from tests.imports.conftest import GIAS_SAMPLE

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL runs only (the faults are PostgreSQL's)",
    ),
    pytest.mark.skipif(not (PGBIN / "pg_ctl").exists(), reason="PostgreSQL 15 server binaries not installed"),
    pytest.mark.django_db,  # so the suite's test database exists (and is migrated) when this module runs alone
]
OPEN = tuple(AssessmentRequest.OPEN)
STALE = "(stale: set by the fault test)"
# A few open requests for the nightly recalculation to work on (what a demo council gave, in a second not fifteen).
SEED = """
from datetime import date, timedelta
from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import ChainHead
from highneeds.casework import services as cw
from highneeds.people import services as people

ChainHead.objects.get_or_create(pk=1)  # a data migration's row, gone if a test before this one flushed the tables
for n in range(3):
    child = people.create_child(actor=SYSTEM, data={"first_name": f"Faultchild{n}", "last_name": "Samplefield",
        "date_of_birth": date(2015, 1, 1 + n), "sex": "F", "responsible_la": "999"})
    cw.submit_request(actor=SYSTEM, child=child, received_on=date.today() - timedelta(days=30 + n), source="2")
"""
# The nightly recalculation the worker test kills, queued after the test has made every open case stale.
QUEUE_NIGHTLY = "from highneeds.jobs.nightly import nightly\nprint(nightly.enqueue().id)"


@dataclass
class Database:
    url: str
    name: str
    env: dict = field(default_factory=dict)
    own: object = None  # the restart test's cluster (a future)


def _url(db: dict, name: str) -> str:
    auth = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(name)}"


def _env(url: str, var_dir) -> dict:
    env = child_env(url, str(var_dir))
    env.update({"PYTHONPATH": str(ROOT), "HIGHNEEDS_SHARED_DATA": str(settings.SHARED_DATA_DIR)})
    return env


@pytest.fixture(scope="module")
def cluster(django_db_setup, tmp_path_factory):
    """A database of the fault tests' own on the suite's PostgreSQL server, with a few open requests."""
    db = settings.DATABASES["default"]
    name = f"highneeds_faults_{os.getpid()}"
    admin = _url(db, "postgres")
    connections.close_all()  # a database can be copied only while no one is connected to it
    with psycopg.connect(admin, autocommit=True) as conn:
        try:
            conn.execute(q.SQL("CREATE DATABASE {} TEMPLATE {}").format(q.Identifier(name), q.Identifier(db["NAME"])))
            copied = True
        except psycopg.errors.ObjectInUse:  # another connection to the suite's database: start from empty
            conn.execute(q.SQL("CREATE DATABASE {}").format(q.Identifier(name)))
            copied = False
    target = Database(_url(db, name), name)
    target.env = _env(target.url, tmp_path_factory.mktemp("var"))
    try:
        if not copied:
            highneeds(target, "migrate", "-v0")
        in_django(target, SEED)
        with ExitStack() as stack, ThreadPoolExecutor(1) as pool:
            # The restart test's own cluster is made beside the worker test, which mostly waits.
            target.own = pool.submit(_own_cluster, stack, target, tmp_path_factory.mktemp("var-own"))
            yield target
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(q.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(q.Identifier(name)))


def _own_cluster(stack: ExitStack, source: Database, var_dir):
    """A throwaway cluster to restart, holding a copy of the fault database (pg_dump: seconds, not a migration)."""
    own = stack.enter_context(throwaway_postgres("highneeds-fault-pg-"))
    own.name, own.env = "highneeds", _env(own.url, var_dir)
    dump = subprocess.run(
        [PGBIN / "pg_dump", "--no-owner", "--no-privileges", "-d", source.url], capture_output=True, check=False
    )
    load = [PGBIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", own.url]
    if dump.returncode or subprocess.run(load, input=dump.stdout, capture_output=True, check=False).returncode:
        highneeds(own, "migrate", "-v0")  # a server of another version than these client tools: migrate instead
    return own


def highneeds(cluster, *args, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "highneeds", *args],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert not check or result.returncode == 0, result.stderr[-3000:]
    return result


def in_django(cluster, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def sql(cluster, query: str, params=()):
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def hold_chain_head(cluster) -> psycopg.Connection:
    conn = psycopg.connect(cluster.url)
    conn.execute("SELECT 1 FROM audit_chainhead WHERE id = 1 FOR UPDATE")
    return conn


def wait_until(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


def waiting_on_a_lock(cluster) -> bool:
    return bool(
        sql(cluster, "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", (cluster.name,))
    )


def test_a_worker_killed_mid_task_loses_nothing_and_half_writes_nothing(cluster):
    # Make the nightly recalculation's effect visible: every open case's next step is wrong until it runs.
    sql(cluster, "UPDATE casework_assessmentrequest SET next_step = %s WHERE status = ANY(%s)", (STALE, list(OPEN)))
    open_cases = sql(cluster, "SELECT count(*) FROM casework_assessmentrequest WHERE status = ANY(%s)", (list(OPEN),))
    assert open_cases[0][0] > 0, "no open cases to recalculate"
    recalculated = "SELECT count(*) FROM audit_auditevent WHERE action = 'clock.recalculate'"
    before = sql(cluster, recalculated)[0][0]
    task_id = in_django(cluster, QUEUE_NIGHTLY)

    lock = hold_chain_head(cluster)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "highneeds",
            "db_worker",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
            "-v0",
        ],
        cwd=ROOT,
        env=cluster.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until(lambda: waiting_on_a_lock(cluster), "the worker's recalculation waits to commit")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        lock.rollback()
        lock.close()
    # The dead worker's server process finishes its statement, finds no client and rolls back.
    wait_until(
        lambda: (
            not sql(
                cluster,
                "SELECT 1 FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                (cluster.name,),
            )
        ),
        "the killed worker's connection is gone",
    )

    status = sql(
        cluster,
        "SELECT status, cardinality(ARRAY(SELECT jsonb_array_elements(worker_ids))) "
        "FROM django_tasks_database_dbtaskresult WHERE id = %s",
        (task_id,),
    )
    assert status == [("RUNNING", 1)]  # not lost: still there, claimed by a worker that no longer exists
    stale = "SELECT count(*) FROM casework_assessmentrequest WHERE status = ANY(%s) AND next_step = %s"
    assert sql(cluster, stale, (list(OPEN), STALE)) == open_cases  # not half-written
    assert sql(cluster, recalculated) == [(before,)]

    # What cron runs every 15 minutes, then a worker: in one process (each Python start-up costs seconds here).
    out = in_django(
        cluster,
        "from django.core.management import call_command\n"
        "call_command('requeue-abandoned', '--older-than-minutes', '0')\n"
        "call_command('db_worker', '--batch', '--no-startup-delay', '--no-reload', '-v0')",
    )
    assert out == "requeued 1, failed 0"

    assert sql(cluster, "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)) == [
        ("SUCCESSFUL",)
    ]
    assert sql(cluster, stale, (list(OPEN), STALE)) == [(0,)]  # the whole effect, once re-run
    assert sql(cluster, recalculated)[0][0] > before
    assert sql(cluster, "SELECT count(*) FROM audit_auditevent WHERE action = 'job.requeue'") == [(1,)]


def test_a_task_that_keeps_killing_its_worker_ends_failed_and_retryable():
    """On the suite's own database, in this process: the row's state is set by hand, so no worker need die."""
    task_id = nightly.enqueue().id
    with allow_writes():  # the state three dead workers would have left
        DBTaskResult.objects.filter(id=task_id).update(
            status="RUNNING", started_at=timezone.now(), worker_ids=["a", "b", "c"]
        )
    assert requeue_abandoned(actor=SYSTEM, older_than=timedelta(0)) == {"requeued": 0, "failed": 1}
    job = DBTaskResult.objects.get(id=task_id)
    assert (job.status, job.exception_class_path) == ("FAILED", "highneeds.jobs.recovery.WorkerStopped")
    retried = retry_job(actor=SYSTEM, job=job)
    assert DBTaskResult.objects.get(id=retried.id).status == "READY"  # retryable, as an administrator would


def test_postgresql_restarted_mid_import_leaves_nothing_then_the_retry_imports_everything(cluster):
    cluster = cluster.own.result(timeout=120)
    urns = [int(line.split(",", 1)[0]) for line in GIAS_SAMPLE.read_text(encoding="cp1252").splitlines()[1:] if line]
    imported = "SELECT count(*) FROM establishments_establishment WHERE urn = ANY(%s)"
    assert sql(cluster, imported, (urns,)) == [(0,)]

    lock = hold_chain_head(cluster)
    importing = subprocess.Popen(
        [sys.executable, "-m", "highneeds", "import-establishments", str(GIAS_SAMPLE), "--no-progress"],
        cwd=ROOT,
        env=cluster.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until(lambda: waiting_on_a_lock(cluster), "the import has written its rows and waits to commit")
        cluster.restart()  # an immediate stop: every connection is cut, as in a crash or a failover
        _, err = importing.communicate(timeout=60)
    finally:
        if importing.poll() is None:
            importing.kill()
        lock.close()

    assert importing.returncode == 1
    assert "Traceback" not in err and "Lost the database connection during the import" in err
    assert "nothing was imported" in err and len(err.strip().splitlines()) == 1
    assert sql(cluster, imported, (urns,)) == [(0,)]  # all or nothing: nothing

    highneeds(cluster, "import-establishments", str(GIAS_SAMPLE), "--no-progress")
    assert sql(cluster, imported, (urns,)) == [(len(urns),)]  # and then all
