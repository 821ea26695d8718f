"""Finding 8: concurrent writers. Several processes (as gunicorn workers are) append to the audit chain on one
SQLite file, and threads do on PostgreSQL: no "database is locked", no fork in the chain, nothing lost.

On SQLite, WAL, a busy timeout and IMMEDIATE transactions make a writer wait for the lock instead of failing
when its read snapshot cannot be upgraded. On PostgreSQL the chain head's row lock is taken as the last step of
a service's transaction, so appends serialise only for that step; the chain must still verify.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parents[2]
WORKER = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "highneeds.settings"
django.setup()
from highneeds.accounts.roles import SYSTEM
from highneeds.audit import log
from highneeds.council.models import CouncilSettings
from highneeds.council.services import update_council_settings
n = int(sys.argv[1])
for i in range(int(sys.argv[2])):
    CouncilSettings.objects.count()                   # a read first, as a page does
    log.record(actor=SYSTEM, action="child.view")      # the audited read, outside any service
    update_council_settings(actor=SYSTEM, service_name=f"worker {n} step {i}")  # a service write and its event
"""


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIGHNEEDS_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "HIGHNEEDS_DEBUG": "1",
            "HIGHNEEDS_VAR_DIR": str(tmp_path),
            "PYTHONPATH": str(PROJECT),
            "HIGHNEEDS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "HIGHNEEDS_LOG_LEVEL": "ERROR",
        }
    )
    return env


def test_processes_writing_one_sqlite_file_at_once_never_see_database_is_locked(tmp_path):
    env = _env(tmp_path)
    run = dict(cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert subprocess.run([sys.executable, "-m", "highneeds", "migrate", "-v0"], **run).returncode == 0
    workers, steps = 4, 15
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(n), str(steps)],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for proc in procs:
        proc.stdout.close()
        proc.stderr.close()
    assert all(rc == 0 for rc, _ in results), "\n".join(err[-2000:] for _, err in results)
    verify = subprocess.run([sys.executable, "-m", "highneeds", "audit", "verify"], **run)
    assert verify.returncode == 0, verify.stderr
    # migrate's own events plus two per step per worker
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django; os.environ['DJANGO_SETTINGS_MODULE']="
            "'highneeds.settings'; django.setup(); from highneeds.audit.models import AuditEvent; "
            "print(AuditEvent.objects.filter(action__in=['child.view', 'council.settings.update'])"
            ".count())",
        ],
        **run,
    )
    assert count.stdout.strip() == str(workers * steps * 2)


def test_threads_appending_on_postgresql_keep_one_unbroken_chain(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("threads sharing SQLite's in-memory test database are not a server; see the test above")
    from highneeds.accounts.roles import SYSTEM
    from highneeds.audit import log
    from highneeds.audit.models import AuditEvent
    from highneeds.council.services import update_council_settings

    update_council_settings(actor=SYSTEM, service_name="before")  # the settings row exists before the race
    errors, threads, steps = [], 8, 15
    barrier = threading.Barrier(threads)

    def work(n):
        try:
            barrier.wait()
            for i in range(steps):
                log.record(actor=SYSTEM, action="child.view")
                update_council_settings(actor=SYSTEM, service_name=f"thread {n} step {i}")
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(repr(exc))
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(120)
    assert errors == []
    result = log.verify()
    assert result.ok, result.reason
    assert (
        AuditEvent.objects.filter(action__in=["child.view", "council.settings.update"]).count()
        == threads * steps * 2 + 1
    )
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
