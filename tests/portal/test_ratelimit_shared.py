"""Finding 9 (rate limit part): the public form's limit was counted in each worker's own memory, so N workers
allowed N times the limit. It now counts in the shared (database) cache; these tests run real separate
processes against one database file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache

from highneeds.portal import ratelimit

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = textwrap.dedent("""
    import sys
    import django
    from django.core.management import call_command

    django.setup()
    if sys.argv[1] == "setup":
        call_command("createcachetable", verbosity=0)
    else:
        from highneeds.portal import ratelimit
        print(",".join(str(ratelimit._count("ratelimit:test:ip:192.0.2.1", 100, 3600))
                       for _ in range(int(sys.argv[1]))))
""")


def _worker(tmp_path, *args) -> subprocess.Popen:
    env = {
        **os.environ,
        "HIGHNEEDS_DEBUG": "1",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "highneeds.settings",
        "HIGHNEEDS_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
    }
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args],
        env=env,
        cwd=tmp_path,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_the_limit_counts_in_a_cache_every_process_shares():
    assert settings.PORTAL_RATE_LIMIT_CACHE == "shared"
    assert isinstance(ratelimit.store(), DatabaseCache)


def test_two_worker_processes_share_one_count_exactly(tmp_path):
    setup = _worker(tmp_path, "setup")
    assert setup.wait(timeout=60) == 0, setup.stderr.read()
    workers = [_worker(tmp_path, "5"), _worker(tmp_path, "5")]  # at the same time, as two gunicorn workers
    counts = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        counts += [int(n) for n in out.strip().split(",")]
    assert sorted(counts) == list(range(1, 11))  # each attempt counted once: no two saw the same number
    last = _worker(tmp_path, "1")
    out, err = last.communicate(timeout=60)
    assert out.strip() == "11", err  # a third process sees the others' attempts


def test_counting_stops_claiming_past_the_limit(db):
    counts = [ratelimit._count("ratelimit:test:k", 3, 3600, now=1000.0) for _ in range(5)]
    assert counts == [1, 2, 3, 4, 4]
    assert ratelimit._count("ratelimit:test:k", 3, 3600, now=3600.0 * 2) == 1  # the next window starts afresh
