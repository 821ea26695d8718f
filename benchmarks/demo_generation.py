"""Benchmark: the demo council generated and loaded into a fresh SQLite database (target: under 60 s).

    python benchmarks/demo_generation.py [--la 384] [--scale 1.0] [--seed 2022] [--database-url URL]

Default: Wakefield at scale 1 (about 10,000 children), the `highneeds demo-data` default. The
database is a new SQLite file in a temporary folder unless --database-url is given; migrations
run first and are timed apart. Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def configure(database_url: str, var_dir: str) -> None:
    os.environ["HIGHNEEDS_DATABASE_URL"] = database_url
    os.environ["HIGHNEEDS_DEBUG"] = "1"
    os.environ.setdefault("HIGHNEEDS_VAR_DIR", var_dir)
    os.environ.setdefault("HIGHNEEDS_LOG_LEVEL", "ERROR")
    os.environ["DJANGO_SETTINGS_MODULE"] = "highneeds.settings"
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--la", default="384")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hn-bench-demo-") as tmp:
        configure(args.database_url or f"sqlite:///{tmp}/demo.sqlite3", tmp)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from highneeds.accounts.roles import SYSTEM
        from highneeds.demo import synthetic
        from highneeds.demo.loader import load_demo
        from highneeds.engine import publicdata

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrated = time.perf_counter()

        targets = publicdata.load_targets(settings.SHARED_DATA_DIR)
        shared = synthetic.shared_for(targets, settings.SHARED_DATA_DIR, seed=args.seed)
        la = targets.for_la(args.la)
        council = synthetic.generate_council(la, scale=args.scale, seed=args.seed, shared=shared)
        generated = time.perf_counter()

        result = load_demo(
            actor=SYSTEM,
            councils=[council],
            shared=shared,
            council_name=f"{la.la_name} (synthetic)",
            la_code=la.old_la_code,
            new_la_code=la.new_la_code,
            flush=True,
        )
        loaded = time.perf_counter()
        from highneeds.demo import extras

        prepared = extras.prepare(SYSTEM)  # clocks, panel, then plans, reviews, disputes, scenarios
        finished = time.perf_counter()

        rows = sum(result.counts.values())
        off = [c for c in result.checks if not c.ok]
        print(
            f"Demo council: {la.la_name} ({la.old_la_code}), scale {args.scale:g}, seed {args.seed}, "
            f"database {connection.vendor}"
        )
        print(f"  children                    {result.counts['children']:>12,}")
        print(f"  rows written (all tables)   {rows:>12,}")
        print(f"  migrate (not counted)       {migrated - started:>10.2f} s")
        print(f"  read targets + generate     {generated - migrated:>10.2f} s")
        print(
            f"  load (incl. users, audit)   {loaded - generated:>10.2f} s   ({rows / (loaded - generated):,.0f} rows/s)"
        )
        print(f"  generate + load             {loaded - migrated:>10.2f} s   (target < 60 s)")
        print(
            f"  clocks and app records      {finished - loaded:>10.2f} s   "
            f"({', '.join(f'{k} {v:,}' for k, v in prepared.items() if isinstance(v, int))})"
        )
        print(f"  peak memory (ru_maxrss)     {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>10.0f} MB")
        print(f"  calibration                 {len(result.checks) - len(off)}/{len(result.checks)} figures within 2%")


if __name__ == "__main__":
    main()
