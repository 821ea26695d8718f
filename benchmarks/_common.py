"""Plumbing shared by the benchmarks: timing, percentiles, and scratch databases (SQLite, and PostgreSQL when
HIGHNEEDS_BENCH_PG_URL is set)."""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Environment variables a benchmark's child process keeps from its parent (all other HIGHNEEDS_* are replaced).
KEEP_ENV = ("HIGHNEEDS_BENCH_PG_URL",)


# ---------------------------------------------------------------------------------------------
# Timing


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of samples in seconds, in milliseconds."""
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else [ordered[0]] * 99
    return statistics.median(ordered) * 1000, q[94] * 1000


def measure(fn, repeat: int, *, warmup: int = 0, prepare=None) -> tuple[list[float], object]:
    """Run fn `warmup` times untimed, then `repeat` times timed (calling prepare(i) untimed before each run);
    the wall-clock seconds of each timed run, and fn's last result."""
    for _ in range(warmup):
        fn()
    samples, result = [], None
    for i in range(repeat):
        if prepare is not None:
            prepare(i)
        t = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t)
    return samples, result


# ---------------------------------------------------------------------------------------------
# Databases


def scratch_sqlite(prefix: str) -> str:
    """Point Django at a new SQLite database in a temporary directory, set it up and migrate; the directory."""
    scratch = tempfile.mkdtemp(prefix=prefix)
    os.environ["HIGHNEEDS_DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["HIGHNEEDS_VAR_DIR"] = scratch
    os.environ["HIGHNEEDS_DEBUG"] = "1"
    os.environ.setdefault("HIGHNEEDS_LOG_LEVEL", "ERROR")
    os.environ["DJANGO_SETTINGS_MODULE"] = "highneeds.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return scratch


def child_env(database_url: str, var_dir: str, keep: tuple[str, ...] = KEEP_ENV) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIGHNEEDS_") or k in keep}
    env.update(
        {
            "HIGHNEEDS_DATABASE_URL": database_url,
            "HIGHNEEDS_VAR_DIR": var_dir,
            "HIGHNEEDS_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
            "HIGHNEEDS_DEBUG": "0",
            "HIGHNEEDS_LOG_LEVEL": "ERROR",
            "HIGHNEEDS_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DJANGO_SETTINGS_MODULE": "highneeds.settings",
        }
    )
    return env


def run_in_child(
    script: str, database_url: str, var_dir: str, argv: list[str], keep: tuple[str, ...] = KEEP_ENV
) -> int:
    """Re-run `script` with --_run against the given database."""
    return subprocess.call(
        [sys.executable, script, "--_run", *argv], env=child_env(database_url, var_dir, keep), cwd=ROOT
    )


PGBIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL 15 cluster (initdb and pg_ctl as the postgres user, like scripts/test), on 127.0.0.1
    and a free high port. `restart()` stops it fast (as a crash or a failover would) and starts it again."""

    def __init__(self, prefix: str = "highneeds-pg-"):
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.dir = tempfile.mkdtemp(prefix=prefix)
        if self.as_pg:
            subprocess.run(["chown", "postgres:postgres", self.dir], check=True)
        self.port, self.data = free_port(), f"{self.dir}/data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/highneeds"

    def _run(self, *args, check: bool = True) -> None:
        subprocess.run(
            [*self.as_pg, *args], cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=check
        )

    def start(self) -> None:
        self._run(
            PGBIN / "pg_ctl",
            "-D",
            self.data,
            "-l",
            f"{self.dir}/server.log",
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
            "-c fsync=off -c synchronous_commit=off -c max_connections=100",
            "start",
        )

    def stop(self, check: bool = True) -> None:
        self._run(PGBIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=check)

    def restart(self) -> None:
        self.stop()
        self.start()


@contextmanager
def throwaway_postgres(prefix: str = "highneeds-pg-"):
    """A new cluster with an empty `highneeds` database (yields the Cluster), removed on the way out."""
    if not (PGBIN / "initdb").exists():
        raise SystemExit(f"{PGBIN}/initdb not found: install postgresql, or set HIGHNEEDS_BENCH_PG_URL")
    cluster = Cluster(prefix)
    try:
        cluster._run(
            PGBIN / "initdb",
            "-D",
            cluster.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )
        cluster.start()
        cluster._run(PGBIN / "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "highneeds")
        yield cluster
    finally:
        if Path(cluster.data, "postmaster.pid").exists():
            cluster.stop(check=False)
        subprocess.run(["rm", "-rf", cluster.dir])


def with_postgres(base_url: str, run: Callable[[str], int]) -> int:
    """run(url) against a temporary database created on the server at base_url and dropped afterwards."""
    import psycopg

    name = f"highneeds_bench_{os.getpid()}"
    parsed = urlparse(base_url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return run(urlunparse(parsed._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_on_databases(script: str, argv: list[str], keep: tuple[str, ...] = KEEP_ENV) -> int:
    """Re-run `script` with --_run and argv on a scratch SQLite database, then on PostgreSQL when
    HIGHNEEDS_BENCH_PG_URL is set; the children's exit statuses or'ed together."""
    argv = [a for a in argv if a != "--_run"]
    status = 0
    with tempfile.TemporaryDirectory(prefix="highneeds-bench-") as tmp:
        print("== SQLite ==", flush=True)
        status |= run_in_child(script, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", tmp, argv, keep)
        pg = os.environ.get("HIGHNEEDS_BENCH_PG_URL")
        if pg:
            print("\n== PostgreSQL ==", flush=True)
            status |= with_postgres(pg, lambda url: run_in_child(script, url, tmp, argv, keep))
        else:
            print("\n(set HIGHNEEDS_BENCH_PG_URL=postgres://user:pw@host:port/db to time PostgreSQL too)")
    return status


def main_on_databases(
    script: str,
    parser: argparse.ArgumentParser,
    run: Callable,
    argv: list[str] | None = None,
    keep: tuple[str, ...] = KEEP_ENV,
) -> None:
    """A benchmark's `main`: in the child (--_run) time `run(args)`; otherwise re-run `script` once per database
    (run_on_databases) and exit with the children's status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser.add_argument("--_run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._run:
        run(args)
        return
    sys.exit(run_on_databases(script, argv, keep=keep))


def pdf_pages(pdf: bytes) -> str:
    """The number of pages in a PDF (pypdf), or "?" without pypdf."""
    try:
        import io

        import pypdf
    except ImportError:
        return "?"
    return str(len(pypdf.PdfReader(io.BytesIO(pdf)).pages))
