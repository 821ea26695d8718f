"""Faults a scaled-out deployment meets (docs/scaling.md): a task worker killed mid-task, PostgreSQL restarted
mid-import. Nothing is lost and nothing is half-written.

Each test catches its victim inside its transaction: the test holds the audit chain head's row lock, which every
service takes as its last step before commit (audit.log.append), so the worker or import has written its rows and
waits, uncommitted, until the test strikes. Runs on PostgreSQL only (skipped on SQLite-only runs), against a
throwaway cluster of its own, since restarting the suite's server would break every other test's connection.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings

from benchmarks._common import PGBIN, ROOT, child_env, throwaway_postgres
from highneeds.casework.models import AssessmentRequest
from tests.imports.conftest import GIAS_SAMPLE

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL runs only (the faults are PostgreSQL's)",
    ),
    pytest.mark.skipif(not (PGBIN / "pg_ctl").exists(), reason="PostgreSQL 15 server binaries not installed"),
    pytest.mark.skipif(not settings.SHARED_DATA_DIR.is_dir(), reason="the demo council needs the public data"),
]
OPEN = tuple(AssessmentRequest.OPEN)
STALE = "(stale: set by the fault test)"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A cluster with the schema and a small demo council (about 10 s)."""
    with throwaway_postgres("highneeds-fault-pg-") as cluster:
        cluster.env = child_env(cluster.url, str(tmp_path_factory.mktemp("var")))
        cluster.env.update({"PYTHONPATH": str(ROOT), "HIGHNEEDS_SHARED_DATA": str(settings.SHARED_DATA_DIR)})
        highneeds(cluster, "migrate", "-v0")
        highneeds(cluster, "demo-data", "--scale", "0.01", "--no-progress")
        yield cluster


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
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()


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
        time.sleep(0.1)


def waiting_on_a_lock(cluster) -> bool:
    return bool(sql(cluster, "SELECT 1 FROM pg_stat_activity WHERE datname = 'highneeds' AND wait_event_type = 'Lock'"))


def test_a_worker_killed_mid_task_loses_nothing_and_half_writes_nothing(cluster):
    # Make the nightly recalculation's effect visible: every open case's next step is wrong until it runs.
    sql(cluster, "UPDATE casework_assessmentrequest SET next_step = %s WHERE status = ANY(%s)", (STALE, list(OPEN)))
    open_cases = sql(cluster, "SELECT count(*) FROM casework_assessmentrequest WHERE status = ANY(%s)", (list(OPEN),))
    assert open_cases[0][0] > 0, "the demo council has no open cases to recalculate"
    recalculated = "SELECT count(*) FROM audit_auditevent WHERE action = 'clock.recalculate'"
    before = sql(cluster, recalculated)[0][0]  # the demo's own load recalculated once
    task_id = in_django(cluster, "from highneeds.jobs.nightly import nightly\nprint(nightly.enqueue().id)")

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
                "SELECT 1 FROM pg_stat_activity WHERE datname = 'highneeds' "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
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

    assert highneeds(cluster, "requeue-abandoned", "--older-than-minutes", "0").stdout.strip() == "requeued 1, failed 0"
    highneeds(cluster, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0")

    assert sql(cluster, "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)) == [
        ("SUCCESSFUL",)
    ]
    assert sql(cluster, stale, (list(OPEN), STALE)) == [(0,)]  # the whole effect, once re-run
    assert sql(cluster, recalculated)[0][0] > before
    assert sql(cluster, "SELECT count(*) FROM audit_auditevent WHERE action = 'job.requeue'") == [(1,)]


def test_a_task_that_keeps_killing_its_worker_ends_failed_and_retryable(cluster):
    task_id = in_django(cluster, "from highneeds.jobs.nightly import nightly\nprint(nightly.enqueue().id)")
    sql(
        cluster,
        "UPDATE django_tasks_database_dbtaskresult SET status = 'RUNNING', started_at = now(), "
        'worker_ids = \'["a", "b", "c"]\' WHERE id = %s',
        (task_id,),
    )
    out = in_django(
        cluster,
        "from datetime import timedelta\nfrom highneeds.accounts.roles import SYSTEM\n"
        "from highneeds.jobs.recovery import requeue_abandoned\n"
        "print(requeue_abandoned(actor=SYSTEM, older_than=timedelta(0)))",
    )
    assert out == "{'requeued': 0, 'failed': 1}"
    assert sql(
        cluster, "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult WHERE id = %s", (task_id,)
    ) == [("FAILED", "highneeds.jobs.recovery.WorkerStopped")]
    retried = in_django(
        cluster,
        "from django_tasks_db.models import DBTaskResult\nfrom highneeds.accounts.roles import "
        f"SYSTEM\nfrom highneeds.jobs.services import retry_job\nprint(retry_job(actor=SYSTEM, "
        f"job=DBTaskResult.objects.get(id='{task_id}')).id)",
    )
    assert sql(cluster, "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", (retried,)) == [
        ("READY",)
    ]  # retryable, as an administrator would from /admin/jobs/


def test_postgresql_restarted_mid_import_leaves_nothing_then_the_retry_imports_everything(cluster):
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
