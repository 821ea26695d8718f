"""Load: the app under gunicorn (2 workers) on loopback against a demo council, driven by locust as a library
with realistic page mixes as several roles, at 8 and 32 concurrent users, on SQLite and on PostgreSQL.
Prints requests, errors (5xx and others) and p50/p95 per page. Bounded and stoppable (Ctrl-C stops everything).

    python benchmarks/load.py                          # both databases, 8 and 32 users, 30 s each
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
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, child_env, free_port, throwaway_postgres, with_postgres  # noqa: E402

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
    schools = list(Establishment.objects.filter(placements__isnull=False).distinct().order_by("?")
                   .values_list("pk", flat=True)[:20])
    parent = User.objects.get(username="parent")
    own = [c.pk for c in Child.objects.filter(parents__user=parent)][:2]
    senco = User.objects.get(username="senco")
    at_school = list(Child.objects.filter(placements__establishment_id=senco.establishment_id,
                                          placements__end_date__isnull=True).values_list("pk", flat=True)[:10])
    est = [f"/establishments/{e}/" for e in schools]
    # (path, page name for the figures); each user picks a page of its role's mix at random after a pause
    mixes = {
        "caseworker": [("/", "home"), ("/cases/", "work queue"), ("/children/?q=a", "child search")]
        + [(f"/children/{c}/", "child record") for c in children] + [(f"/cases/{r}/", "case") for r in cases]
        + [(f"/plans/child/{c}/", "child plan") for c in children[:10]],
        "manager": [("/", "home"), ("/cases/", "work queue"), ("/insight/", "area figures"),
                    ("/insight/timeliness/", "timeliness"), ("/panels/outcomes/", "panel outcomes"),
                    ("/reviews/", "review tracker")] + [(f"/children/{c}/", "child record") for c in children[:10]],
        "leadmember": [("/", "home"), ("/insight/", "area figures"), ("/insight/timeliness/", "timeliness"),
                       ("/panels/outcomes/", "panel outcomes")] + [(p, "establishment") for p in est],
        "finance": [("/", "home"), ("/insight/", "area figures"), ("/planning/", "planning"),
                    ("/planning/scenarios/", "scenarios")] + [(f"/children/{c}/", "child record") for c in children[:5]],
        "senco": [("/", "home")] + [(f"/children/{c}/", "child record") for c in at_school] + [(p, "establishment") for p in est[:5]],
        "parent": [("/", "home"), ("/portal/plans/", "family plans"), ("/portal/requests/", "family requests")]
        + [(f"/portal/plans/{c}/", "family plan") for c in own],
    }
    # Caseworkers are most of the traffic; the others a user each in turn.
    roles = ["caseworker", "caseworker", "caseworker", "manager", "leadmember", "finance", "senco", "parent"]
    return {"password": DEMO_PASSWORD, "roles": roles, "mixes": {k: v for k, v in mixes.items() if v}}


# ---------------------------------------------------------------------------------------------
# The driver (--_drive): locust as a library, in its own process (gevent patches everything it imports)


def drive(url: str, users: int, duration: float, plan: dict) -> dict:
    import itertools
    import random
    import re

    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    statuses: dict[str, dict[str, int]] = {}

    def on_request(request_type, name, response_time, response_length, response=None, exception=None, **kw):
        code = str(getattr(response, "status_code", 0) or "error")
        by = statuses.setdefault(name, {})
        by[code] = by.get(code, 0) + 1

    events.request.add_listener(on_request)
    turn = itertools.count()

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
            with self.client.get(path, name=f"{self.role}: {name}", catch_response=True) as response:
                if response.status_code in (200, 302):
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
        browser.post(url + "/sign-in/", allow_redirects=False, timeout=60, headers={"Referer": url + "/sign-in/"},
                     data={"username": role, "password": plan["password"],
                           "csrfmiddlewaretoken": token.group(1) if token else ""})
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
        pages[name] = {"requests": entry.num_requests, "failures": entry.num_failures,
                       "server_errors": sum(n for c, n in codes.items() if c.startswith("5")),
                       "other_errors": sum(n for c, n in codes.items() if not c.startswith(("2", "3", "5"))),
                       "p50": entry.get_response_time_percentile(0.5), "p95": entry.get_response_time_percentile(0.95)}
    total = env.stats.total
    return {"users": users, "duration": duration, "pages": pages, "requests": total.num_requests,
            "sign_in_ms": max(sign_in_ms),
            "rps": total.num_requests / duration, "p95": total.get_response_time_percentile(0.95)}


# ---------------------------------------------------------------------------------------------
# Orchestration: database, demo council, gunicorn, driver runs, clean-up


def run(args: list[str], env: dict, **kw) -> None:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, **kw)
    if result.returncode:
        raise SystemExit(f"{' '.join(args[:3])} failed:\n{result.stderr[-3000:]}")


@contextmanager
def gunicorn(env: dict, log: Path):
    port = free_port()
    handle = log.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "highneeds.wsgi:application", "--workers", "2",
                             "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5"],
                            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/health/", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        handle.close()


def report(result: dict, locked: int) -> bool:
    print(f"\n{result['users']} users, {result['duration']:.0f} s: {result['requests']} requests, "
          f"{result['rps']:.1f}/s, p95 {result['p95']:.0f} ms; 'database is locked' in the server log: {locked}; "
          f"sign-in before the run (not in the figures) took at most {result['sign_in_ms']:.0f} ms")
    print(f"  {'page':38} {'requests':>8} {'5xx':>5} {'other':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for name, p in result["pages"].items():
        print(f"  {name[:38]:38} {p['requests']:8} {p['server_errors']:5} {p['other_errors']:6} {p['p50']:7.0f} "
              f"{p['p95']:7.0f}")
    errors = sum(p["server_errors"] + p["other_errors"] for p in result["pages"].values())
    print(f"  errors: {errors}")
    return errors == 0 and locked == 0


def bench_database(label: str, url: str, opts, tmp: Path) -> bool:
    env = child_env(url, str(tmp))
    env.update({"HIGHNEEDS_SHARED_DATA": SHARED_DATA, "HIGHNEEDS_ALLOWED_HOSTS": "127.0.0.1",
                "PYTHONPATH": str(ROOT)})
    print(f"\n== {label} ==", flush=True)
    started = time.perf_counter()
    run(["-m", "highneeds", "migrate", "-v0"], env)
    run(["-m", "highneeds", "demo-data", "--scale", str(opts.scale), "--no-progress"], env)
    plan_file = tmp / "plan.json"
    run([__file__, "--_plan", str(plan_file)], env)
    print(f"demo council (scale {opts.scale}) ready in {time.perf_counter() - started:.0f} s", flush=True)
    ok = True
    log = tmp / f"gunicorn-{label}.log"
    with gunicorn(env, log) as base:
        for users in opts.users:
            out = tmp / f"result-{users}.json"
            subprocess.run([sys.executable, __file__, "--_drive", base, str(users), str(opts.duration),
                            str(plan_file), str(out)], cwd=ROOT, env=env, check=True,
                           timeout=opts.duration + 120)
            ok &= report(json.loads(out.read_text()), log.read_text().count("database is locked"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds per run (default 30)")
    parser.add_argument("--users", default="8,32", help="concurrent users, comma-separated (default 8,32)")
    parser.add_argument("--scale", type=float, default=0.1, help="demo council scale (default 0.1)")
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both (default both)")
    parser.add_argument("--_plan", help=argparse.SUPPRESS)
    parser.add_argument("--_drive", nargs=5, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts._plan:
        Path(opts._plan).write_text(json.dumps(build_plan()))
        return 0
    if opts._drive:
        url, users, duration, plan, out = opts._drive
        result = drive(url, int(users), float(duration), json.loads(Path(plan).read_text()))
        Path(out).write_text(json.dumps(result))
        return 0
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
                    ok &= with_postgres(pg, lambda url: 0 if bench_database("PostgreSQL", url, opts, Path(tmp)) else 1) == 0
                else:
                    with throwaway_postgres("highneeds-load-pg-") as cluster:
                        ok &= bench_database("PostgreSQL", cluster.url, opts, Path(tmp))
            else:
                parser.error(f"--db: unknown database {db!r} (use sqlite, postgresql or both)")
    print("\nresult: " + ("no errors" if ok else "ERRORS (see above)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
