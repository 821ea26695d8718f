"""Benchmark: child search at 50,000 children (target: p95 under 100 ms on SQLite and PostgreSQL).

    python benchmarks/child_search.py [--children 50000] [--searches 200] [--seed 2022]
    HIGHNEEDS_BENCH_PG_URL=postgres://user:pw@127.0.0.1:55432/bench python benchmarks/child_search.py

Loads the default demo council (Wakefield) scaled to about `--children` children into a fresh
SQLite database and, when HIGHNEEDS_BENCH_PG_URL names a scratch PostgreSQL database (it is
migrated and its demo data replaced), into that too. Then, signed in as the demo caseworker,
runs `--searches` searches through highneeds.people.queries.search_children, a quarter each by
name prefix (one or two words), UPN, date of birth and current setting, each taking the first page
of 25 and the count, as the search page does. Each backend runs in its own process (settings are
read once per process). Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def worker(database_url: str, children: int, searches: int, seed: int) -> dict:
    os.environ["HIGHNEEDS_DATABASE_URL"] = database_url
    os.environ["HIGHNEEDS_DEBUG"] = "1"
    os.environ.setdefault("HIGHNEEDS_LOG_LEVEL", "ERROR")
    os.environ["DJANGO_SETTINGS_MODULE"] = "highneeds.settings"
    import django

    django.setup()
    import random

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from highneeds.accounts.models import User
    from highneeds.accounts.roles import SYSTEM
    from highneeds.demo import synthetic
    from highneeds.demo.loader import load_demo
    from highneeds.engine import publicdata
    from highneeds.people.models import Child, Placement
    from highneeds.people.queries import ChildSearch, search_children

    call_command("migrate", verbosity=0)
    targets = publicdata.load_targets(settings.SHARED_DATA_DIR)
    shared = synthetic.shared_for(targets, settings.SHARED_DATA_DIR, seed=seed)
    la = targets.for_la(synthetic.DEFAULT_LA)
    scale = children / (la.ehcp_total + la.sen_support_total)
    started = time.perf_counter()
    council = synthetic.generate_council(la, scale=scale, seed=seed, shared=shared)
    load_demo(
        actor=SYSTEM,
        councils=[council],
        shared=shared,
        council_name=f"{la.la_name} (synthetic)",
        la_code=la.old_la_code,
        new_la_code=la.new_la_code,
        flush=True,
    )
    loaded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    user = User.objects.get(username="caseworker")
    rng = random.Random(seed)
    sample = list(Child.objects.order_by("?").values_list("first_name", "last_name", "upn", "date_of_birth")[:2000])
    schools = list(
        Placement.objects.filter(end_date__isnull=True).values_list("establishment_id", flat=True).distinct()
    )
    kinds = ["name", "upn", "dob", "setting"]
    criteria = []
    for i in range(searches):
        first, last, upn, dob = rng.choice(sample)
        kind = kinds[i % 4]
        if kind == "name":
            words = [last[: rng.randint(2, 6)]] if rng.random() < 0.6 else [first[: rng.randint(1, 4)], last[:3]]
            criteria.append((kind, ChildSearch(name=" ".join(words))))
        elif kind == "upn":
            criteria.append((kind, ChildSearch(upn=upn or "A123456789012")))
        elif kind == "dob":
            criteria.append((kind, ChildSearch(date_of_birth=dob)))
        else:
            criteria.append((kind, ChildSearch(establishment_id=rng.choice(schools))))

    def run(search):
        found = search_children(user, search)
        page = list(found[:25])
        return len(page), found.count()

    for _, search in criteria[:10]:  # warm the connection and caches
        run(search)
    timings: dict[str, list[float]] = {k: [] for k in kinds}
    hits = []
    for kind, search in criteria:
        t0 = time.perf_counter()
        page, total = run(search)
        timings[kind].append((time.perf_counter() - t0) * 1000)
        hits.append(total)
        reset_queries()
    every = sorted(t for values in timings.values() for t in values)

    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]

    return {
        "vendor": connection.vendor,
        "children": Child.objects.count(),
        "load_s": loaded,
        "searches": len(every),
        "p50": pct(every, 0.5),
        "p95": pct(every, 0.95),
        "max": every[-1],
        "mean_hits": statistics.mean(hits),
        "by_kind": {k: {"p50": pct(v, 0.5), "p95": pct(v, 0.95), "max": max(v)} for k, v in timings.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.children, args.searches, args.seed)))
        return

    with tempfile.TemporaryDirectory(prefix="hn-bench-search-") as tmp:
        backends = [("SQLite", f"sqlite:///{tmp}/search.sqlite3")]
        if os.environ.get("HIGHNEEDS_BENCH_PG_URL"):
            backends.append(("PostgreSQL", os.environ["HIGHNEEDS_BENCH_PG_URL"]))
        else:
            print("(PostgreSQL skipped: set HIGHNEEDS_BENCH_PG_URL to a scratch database to include it)")
        env = {**os.environ, "HIGHNEEDS_VAR_DIR": tmp}
        print(f"Child search: {args.searches} searches as the caseworker, first page of 25 plus the count")
        for label, url in backends:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    url,
                    "--children",
                    str(args.children),
                    "--searches",
                    str(args.searches),
                    "--seed",
                    str(args.seed),
                ],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
            )
            if done.returncode:
                print(f"{label}: failed\n{done.stderr[-3000:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{label}: {r['children']:,} children (loaded in {r['load_s']:.1f} s), {r['searches']} searches, "
                f"{r['mean_hits']:,.0f} matches on average"
            )
            print(
                f"  all        p50 {r['p50']:7.1f} ms   p95 {r['p95']:7.1f} ms   max {r['max']:7.1f} ms   "
                "(target p95 < 100 ms)"
            )
            for kind, t in r["by_kind"].items():
                print(f"  {kind:10} p50 {t['p50']:7.1f} ms   p95 {t['p95']:7.1f} ms   max {t['max']:7.1f} ms")


if __name__ == "__main__":
    main()
