"""Load: the app scaled out on loopback against a demo council: two web servers (two gunicorn instances, one
worker each, on two ports, with every request alternating between them as a round-robin load balancer would) and
two task workers (django-tasks-db's db_worker) on the database queue. Driven by locust as a library with realistic
page mixes as several roles, at 8, 32 and 64 concurrent users, on SQLite and on PostgreSQL. Prints requests,
errors (5xx, others, and requests that found themselves signed out: a session one server could not see) and
p50/p95 per page; then the task queue's throughput: N real tasks queued at once and run by the two workers.
Bounded and stoppable (Ctrl-C stops everything).

Why two instances and not one gunicorn with 2 workers: the same two processes on two cores, but a request's
server is chosen by the driver, not by the kernel, so a user's consecutive clicks land on different processes.
That is what proves a web process keeps nothing the next request needs (docs/scaling.md).

    python benchmarks/load.py                          # both databases, 8, 32 and 64 users, 30 s each
    python benchmarks/load.py --db postgresql --duration 15 --tasks 8
    python benchmarks/load.py --duration 20 --users 8 --db sqlite --scale 0.1

PostgreSQL: HIGHNEEDS_BENCH_PG_URL if set, else a throwaway cluster started like scripts/test does (initdb and
pg_ctl as the postgres user, 127.0.0.1 on a free high port, deleted afterwards). Loopback only throughout.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    ROOT,
    child_env,
    free_port,
    percentiles,
    throwaway_postgres,
    with_postgres,
)

SHARED_DATA = os.environ.get("HIGHNEEDS_SHARED_DATA", str(ROOT.parent / "shared" / "data"))
if not Path(SHARED_DATA).is_dir():
    SHARED_DATA = "/work/shared/data"


# ---------------------------------------------------------------------------------------------
# What each role does: built inside the app's environment from the demo council (--_plan)


def build_plan() -> dict:
    import django

    django.setup()
    from highneeds.accounts.models import User
    from highneeds.casework.models import AssessmentRequest
    from highneeds.demo.loader import DEMO_PASSWORD
    from highneeds.establishments.models import Establishment
    from highneeds.people.models import Child

    children = list(Child.objects.filter(sen_status="E").order_by("?").values_list("pk", flat=True)[:40])
    cases = list(AssessmentRequest.objects.order_by("?").values_list("pk", flat=True)[:40])
    schools = list(
        Establishment.objects.filter(placements__isnull=False)
        .distinct()
        .order_by("?")
        .values_list("pk", flat=True)[:20]
    )
    parent = User.objects.get(username="parent")
    own = [c.pk for c in Child.objects.filter(parents__user=parent)][:2]
    senco = User.objects.get(username="senco")
    at_school = list(
        Child.objects.filter(
            placements__establishment_id=senco.establishment_id, placements__end_date__isnull=True
        ).values_list("pk", flat=True)[:10]
    )
    est = [f"/establishments/{e}/" for e in schools]
    # (path, page name for the figures); each user picks a page of its role's mix at random after a pause
    mixes = {
        "caseworker": [("/", "home"), ("/cases/", "work queue"), ("/children/?q=a", "child search")]
        + [(f"/children/{c}/", "child record") for c in children]
        + [(f"/cases/{r}/", "case") for r in cases]
        + [(f"/plans/child/{c}/", "child plan") for c in children[:10]],
        "manager": [
            ("/", "home"),
            ("/cases/", "work queue"),
            ("/insight/", "area figures"),
            ("/insight/timeliness/", "timeliness"),
            ("/panels/outcomes/", "panel outcomes"),
            ("/reviews/", "review tracker"),
        ]
        + [(f"/children/{c}/", "child record") for c in children[:10]],
        "leadmember": [
            ("/", "home"),
            ("/insight/", "area figures"),
            ("/insight/timeliness/", "timeliness"),
            ("/panels/outcomes/", "panel outcomes"),
        ]
        + [(p, "establishment") for p in est],
        "finance": [
            ("/", "home"),
            ("/insight/", "area figures"),
            ("/planning/", "planning"),
            ("/planning/scenarios/", "scenarios"),
        ]
        + [(f"/children/{c}/", "child record") for c in children[:5]],
        "senco": [("/", "home")]
        + [(f"/children/{c}/", "child record") for c in at_school]
        + [(p, "establishment") for p in est[:5]],
        "parent": [("/", "home"), ("/portal/plans/", "family plans"), ("/portal/requests/", "family requests")]
        + [(f"/portal/plans/{c}/", "family plan") for c in own],
    }
    # Caseworkers are most of the traffic; the others a user each in turn.
    roles = ["caseworker", "caseworker", "caseworker", "manager", "leadmember", "finance", "senco", "parent"]
    return {"password": DEMO_PASSWORD, "roles": roles, "mixes": {k: v for k, v in mixes.items() if v}}


# ---------------------------------------------------------------------------------------------
# The driver (--_drive): locust as a library, in its own process (gevent patches everything it imports)


def drive(urls: list[str], users: int, duration: float, plan: dict) -> dict:
    import itertools
    import random
    import re

    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    statuses: dict[str, dict[str, int]] = {}
    signed_out: dict[str, int] = {}

    def on_request(request_type, name, response_time, response_length, response=None, exception=None, **kw):
        code = str(getattr(response, "status_code", 0) or "error")
        by = statuses.setdefault(name, {})
        by[code] = by.get(code, 0) + 1

    events.request.add_listener(on_request)
    turn, next_server = itertools.count(), itertools.cycle(urls)
    url = urls[0]

    class Visitor(HttpUser):
        host = url
        wait_time = between(0.3, 1.5)  # a person reading a page before the next click

        def on_start(self):
            self.role = plan["roles"][next(turn) % len(plan["roles"])]
            self.mix = plan["mixes"].get(self.role) or plan["mixes"]["caseworker"]
            self.client.cookies.update(sessions[self.role])

        @task
        def browse(self):
            path, name = random.choice(self.mix)
            name = f"{self.role}: {name}"
            with self.client.get(next(next_server) + path, name=name, catch_response=True) as response:
                if "/sign-in/" in response.url:  # the other server did not know the session
                    signed_out[name] = signed_out.get(name, 0) + 1
                    response.failure("signed out")
                elif response.status_code in (200, 302):
                    response.success()

    # Sign each role in once, before the clock starts (staff stay signed in through the day; a password check is
    # deliberately slow, argon2), and share that session among the role's users.
    import requests

    sessions, sign_in_ms = {}, []
    for role in sorted(set(plan["roles"])):
        browser = requests.Session()
        page = browser.get(url + "/sign-in/", timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        started = time.perf_counter()
        browser.post(
            url + "/sign-in/",
            allow_redirects=False,
            timeout=60,
            headers={"Referer": url + "/sign-in/"},
            data={
                "username": role,
                "password": plan["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
        )
        sign_in_ms.append((time.perf_counter() - started) * 1000)
        sessions[role] = browser.cookies.get_dict()
        if "sessionid" not in sessions[role]:
            raise SystemExit(f"could not sign in as {role}")

    env = Environment(user_classes=[Visitor], events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(4, users / 2))
    gevent.spawn_later(duration, runner.quit)
    runner.greenlet.join()
    pages = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        codes = statuses.get(name, {})
        pages[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "server_errors": sum(n for c, n in codes.items() if c.startswith("5")),
            "other_errors": sum(n for c, n in codes.items() if not c.startswith(("2", "3", "5"))),
            "signed_out": signed_out.get(name, 0),
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
        }
    total = env.stats.total
    return {
        "users": users,
        "duration": duration,
        "pages": pages,
        "requests": total.num_requests,
        "sign_in_ms": max(sign_in_ms),
        "rps": total.num_requests / duration,
        "p95": total.get_response_time_percentile(0.95),
    }


# ---------------------------------------------------------------------------------------------
# Orchestration: database, demo council, gunicorn, driver runs, clean-up


def run(args: list[str], env: dict, **kw) -> None:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, **kw)
    if result.returncode:
        raise SystemExit(f"{' '.join(args[:3])} failed:\n{result.stderr[-3000:]}")


@contextmanager
def started(args: list, env: dict, log: Path, ready_url: str | None = None):
    """A process of ours in its own session (stopped with everything it started), ready when ready_url answers."""
    handle = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while ready_url:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{args[1]} did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        handle.close()


@contextmanager
def scaled_out(env: dict, tmp: Path, web: int = 2, workers: int = 2):
    """`web` gunicorn instances of one sync worker each on their own ports, and `workers` task workers; the URLs."""
    with ExitStack() as stack:
        urls = []
        for n in range(web):
            url = f"http://127.0.0.1:{free_port()}"
            stack.enter_context(
                started(
                    [
                        "-m",
                        "gunicorn",
                        "highneeds.wsgi:application",
                        "--workers",
                        "1",
                        "--bind",
                        url.removeprefix("http://"),
                        "--timeout",
                        "60",
                        "--graceful-timeout",
                        "5",
                    ],
                    env,
                    tmp / f"gunicorn-{n}.log",
                    url + "/health/",
                )
            )
            urls.append(url)
        for n in range(workers):
            stack.enter_context(
                started(
                    [
                        "-m",
                        "highneeds",
                        "db_worker",
                        "--interval",
                        "0.2",
                        "--no-reload",
                        "--worker-id",
                        f"bench-worker-{n}",
                    ],
                    env,
                    tmp / f"worker-{n}.log",
                )
            )
        yield urls


# ---------------------------------------------------------------------------------------------
# The task queue (--_queue): real tasks queued at once, run by the workers already started


def queue_throughput(counts: dict[str, int]) -> dict:
    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from highneeds.jobs.nightly import nightly, send_chasers

    tasks = {"nightly recalculation": nightly, "advice chasers": send_chasers}
    found = {}
    for label, count in counts.items():
        began = time.perf_counter()
        ids = [tasks[label].enqueue().id for _ in range(count)]
        rows = DBTaskResult.objects.filter(id__in=ids)
        while rows.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
            if time.perf_counter() - began > 600:
                raise SystemExit(f"{label}: {count} tasks did not finish within 10 minutes")
            time.sleep(0.05)
        wall = time.perf_counter() - began
        done = list(rows)
        p50, p95 = percentiles([(r.finished_at - r.started_at).total_seconds() for r in done])
        found[label] = {
            "tasks": count,
            "seconds": wall,
            "per_second": count / wall,
            "p50": p50,
            "p95": p95,
            "failed": sum(r.status == "FAILED" for r in done),
            "workers": len({r.worker_ids[-1] for r in done if r.worker_ids}),
        }
    return found


def report_queue(found: dict) -> bool:
    print("\ntask queue, 2 workers: each kind queued at once; wall time from the first enqueue to the last finish")
    print(
        f"  {'task':24} {'tasks':>5} {'seconds':>8} {'tasks/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'workers':>7} {'failed':>6}"
    )
    for label, q in found.items():
        print(
            f"  {label:24} {q['tasks']:5} {q['seconds']:8.1f} {q['per_second']:8.2f} {q['p50']:7.0f} {q['p95']:7.0f} "
            f"{q['workers']:7} {q['failed']:6}"
        )
    return all(q["failed"] == 0 for q in found.values())


def report(result: dict, locked: int) -> bool:
    print(
        f"\n{result['users']} users, {result['duration']:.0f} s: {result['requests']} requests, "
        f"{result['rps']:.1f}/s, p95 {result['p95']:.0f} ms; 'database is locked' in the server log: {locked}; "
        f"sign-in before the run (not in the figures) took at most {result['sign_in_ms']:.0f} ms"
    )
    print(f"  {'page':38} {'requests':>8} {'5xx':>5} {'other':>6} {'signed out':>10} {'p50 ms':>7} {'p95 ms':>7}")
    for name, p in result["pages"].items():
        print(
            f"  {name[:38]:38} {p['requests']:8} {p['server_errors']:5} {p['other_errors']:6} {p['signed_out']:10} "
            f"{p['p50']:7.0f} {p['p95']:7.0f}"
        )
    errors = sum(p["server_errors"] + p["other_errors"] + p["signed_out"] for p in result["pages"].values())
    print(f"  errors: {errors}")
    return errors == 0 and locked == 0


def bench_database(label: str, url: str, opts, tmp: Path) -> bool:
    env = child_env(url, str(tmp))
    env.update({"HIGHNEEDS_SHARED_DATA": SHARED_DATA, "HIGHNEEDS_ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(ROOT)})
    print(f"\n== {label} ==", flush=True)
    started = time.perf_counter()
    run(["-m", "highneeds", "migrate", "-v0"], env)
    run(["-m", "highneeds", "demo-data", "--scale", str(opts.scale), "--no-progress"], env)
    plan_file = tmp / "plan.json"
    run([__file__, "--_plan", str(plan_file)], env)
    print(f"demo council (scale {opts.scale}) ready in {time.perf_counter() - started:.0f} s", flush=True)
    ok = True
    with scaled_out(env, tmp) as urls:
        print(f"web servers {', '.join(urls)} (one gunicorn worker each) and 2 task workers", flush=True)
        for users in opts.users:
            out = tmp / f"result-{users}.json"
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--_drive",
                    ",".join(urls),
                    str(users),
                    str(opts.duration),
                    str(plan_file),
                    str(out),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=opts.duration + 120,
            )
            locked = sum(log.read_text().count("database is locked") for log in tmp.glob("*.log"))
            ok &= report(json.loads(out.read_text()), locked)
        if opts.tasks:
            out = tmp / "queue.json"
            subprocess.run(
                [sys.executable, __file__, "--_queue", str(opts.tasks), str(out)],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=1300,
            )
            ok &= report_queue(json.loads(out.read_text()))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds per run (default 30)")
    parser.add_argument("--users", default="8,32,64", help="concurrent users, comma-separated (default 8,32,64)")
    parser.add_argument(
        "--tasks",
        type=int,
        default=8,
        help="nightly recalculations to queue for the queue's throughput (5x as many light chaser "
        "tasks; 0 to skip; default 8)",
    )
    parser.add_argument("--scale", type=float, default=0.1, help="demo council scale (default 0.1)")
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both (default both)")
    parser.add_argument("--_plan", help=argparse.SUPPRESS)
    parser.add_argument("--_drive", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--_queue", nargs=2, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts._plan:
        Path(opts._plan).write_text(json.dumps(build_plan()))
        return 0
    if opts._drive:
        url, users, duration, plan, out = opts._drive
        result = drive(url.split(","), int(users), float(duration), json.loads(Path(plan).read_text()))
        Path(out).write_text(json.dumps(result))
        return 0
    if opts._queue:
        n, out = int(opts._queue[0]), opts._queue[1]
        Path(out).write_text(json.dumps(queue_throughput({"nightly recalculation": n, "advice chasers": 5 * n})))
        return 0
    if not 0 <= opts.tasks <= 200:
        parser.error("--tasks must be from 0 to 200")
    if not 1 <= opts.duration <= 600:
        parser.error("--duration must be from 1 to 600 seconds")
    try:
        opts.users = [int(u) for u in opts.users.split(",")]
    except ValueError:
        parser.error("--users must be whole numbers separated by commas")
    if not all(1 <= u <= 200 for u in opts.users):
        parser.error("--users must be from 1 to 200")
    ok = True
    for db in opts.db.split(","):
        with tempfile.TemporaryDirectory(prefix="highneeds-load-") as tmp:
            if db == "sqlite":
                ok &= bench_database("SQLite", f"sqlite:///{tmp}/load.sqlite3", opts, Path(tmp))
            elif db in ("postgresql", "postgres", "pg"):
                pg = os.environ.get("HIGHNEEDS_BENCH_PG_URL")
                if pg:
                    ok &= (
                        with_postgres(pg, lambda url: 0 if bench_database("PostgreSQL", url, opts, Path(tmp)) else 1)
                        == 0
                    )
                else:
                    with throwaway_postgres("highneeds-load-pg-") as cluster:
                        ok &= bench_database("PostgreSQL", cluster.url, opts, Path(tmp))
            else:
                parser.error(f"--db: unknown database {db!r} (use sqlite, postgresql or both)")
    print("\nresult: " + ("no errors" if ok else "ERRORS (see above)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
