"""Benchmark: every LA in England generated (targets: under 5 minutes, peak memory under 4 GB).

    python benchmarks/national_generation.py [--scale 1.0] [--seed 2022] [--no-load] [--database-url URL]

1. Generation only, in this process: all 152 LAs of January 2022 (473,255 EHC plans and
   1,129,862 pupils on SEN support at scale 1), streamed one LA at a time as the loader consumes
   them; time, rows and peak memory (ru_maxrss).
2. Generation and load into a fresh SQLite database (unless --no-load), in a child process so
   its memory is measured on its own: the same stream written by `highneeds.demo.loader`, with
   its per-batch audit events. Migrations run first and are timed apart.

Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def generate_only(scale: float, seed: int) -> dict:
    from highneeds.demo import synthetic
    from highneeds.engine import publicdata

    data_dir = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", ROOT.parent / "shared" / "data"))
    started = time.perf_counter()
    targets = publicdata.load_targets(data_dir)
    shared = synthetic.shared_for(targets, data_dir, seed=seed)
    rows: dict[str, int] = {"establishments": len(shared.table)}
    checks = []
    for i, council in enumerate(synthetic.generate_national(targets, shared, scale=scale, seed=seed)):
        for name, count in council.counts().items():
            rows[name] = rows.get(name, 0) + count
        checks.append(synthetic.calibration.checks(council))
        if i % 25 == 0:
            print(f"  ... {i + 1}/{len(targets.codes)} {council.la_name}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    off = sum(1 for la in checks for c in la if not c.ok)
    combined = synthetic.calibration.combine(checks)
    return {
        "seconds": elapsed,
        "rows": rows,
        "las": len(checks),
        "checks_off": off,
        "checks_total": sum(len(la) for la in checks),
        "peak_mb": peak_mb(),
        "ehcp": combined[0].generated,
        "sen_support": combined[1].generated,
    }


def generate_and_load(scale: float, seed: int, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="hn-bench-national-") as tmp:
        os.environ["HIGHNEEDS_DATABASE_URL"] = database_url or f"sqlite:///{tmp}/national.sqlite3"
        os.environ["HIGHNEEDS_DEBUG"] = "1"
        os.environ.setdefault("HIGHNEEDS_VAR_DIR", tmp)
        os.environ.setdefault("HIGHNEEDS_LOG_LEVEL", "ERROR")
        os.environ["DJANGO_SETTINGS_MODULE"] = "highneeds.settings"
        import django

        django.setup()
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
        shared = synthetic.shared_for(targets, settings.SHARED_DATA_DIR, seed=seed)
        councils = synthetic.generate_national(targets, shared, scale=scale, seed=seed)

        def progress(label, done, total):
            if done % 25 == 0 or done == total:
                print(f"  ... {done}/{total} loaded ({label}), {time.perf_counter() - migrated:.0f} s", file=sys.stderr)

        result = load_demo(
            actor=SYSTEM,
            councils=councils,
            shared=shared,
            council_name="England (synthetic)",
            la_code="999",
            flush=True,
            expected_councils=len(targets.codes),
            progress=progress,
        )
        loaded = time.perf_counter()
        size = None
        if connection.vendor == "sqlite":
            size = Path(settings.DATABASES["default"]["NAME"]).stat().st_size / 1e9
        return {
            "seconds": loaded - migrated,
            "migrate": migrated - started,
            "rows": result.counts,
            "councils": result.councils,
            "peak_mb": peak_mb(),
            "vendor": connection.vendor,
            "db_gb": size,
            "checks_off": sum(1 for c in result.checks if not c.ok),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--no-load", action="store_true", help="only time generation")
    parser.add_argument("--database-url", default=None, help="load into this database instead of a fresh SQLite file")
    parser.add_argument("--child", choices=["load"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "load":
        print(json.dumps(generate_and_load(args.scale, args.seed, args.database_url)))
        return

    print(f"National generation, scale {args.scale:g}, seed {args.seed}")
    gen = generate_only(args.scale, args.seed)
    total_rows = sum(gen["rows"].values())
    print(f"1. Generation only ({gen['las']} LAs, streamed)")
    print(f"  EHC plans / SEN support        {gen['ehcp']:>12,} / {gen['sen_support']:,}")
    print(f"  children                       {gen['rows']['children']:>12,}")
    print(f"  rows (all tables)              {total_rows:>12,}")
    print(f"  time                           {gen['seconds']:>10.1f} s   (target < 300 s)")
    print(f"  peak memory (ru_maxrss)        {gen['peak_mb']:>10.0f} MB  (target < 4,096 MB)")
    print(
        f"  calibration                    {gen['checks_total'] - gen['checks_off']:,}/{gen['checks_total']:,} "
        "LA figures within 2%"
    )
    if args.no_load:
        return
    command = [sys.executable, __file__, "--child", "load", "--scale", str(args.scale), "--seed", str(args.seed)]
    if args.database_url:
        command += ["--database-url", args.database_url]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        print(done.stderr[-3000:])
        raise SystemExit("the load run failed")
    load = json.loads(done.stdout.strip().splitlines()[-1])
    rows = sum(load["rows"].values())
    print(f"2. Generation + load into a fresh {load['vendor']} database (child process)")
    print(f"  rows written                   {rows:>12,}")
    print(f"  migrate (not counted)          {load['migrate']:>10.1f} s")
    print(
        f"  generate + load                {load['seconds']:>10.1f} s   ({rows / load['seconds']:,.0f} rows/s; "
        "target < 300 s)"
    )
    print(f"  peak memory (ru_maxrss)        {load['peak_mb']:>10.0f} MB")
    if load["db_gb"] is not None:
        print(f"  database file                  {load['db_gb']:>10.2f} GB")


if __name__ == "__main__":
    main()
