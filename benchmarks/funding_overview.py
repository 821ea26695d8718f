"""Benchmark: the finance overview (budget monitoring) and DSG position pages at a council with about 4,000 plans
(target: p95 under 300 ms on SQLite and PostgreSQL).

    python benchmarks/funding_overview.py [--scale 1.48] [--repeat 30]

Builds a scratch database (SQLite; also PostgreSQL when HIGHNEEDS_BENCH_PG_URL is set), migrates it and loads
the synthetic demo council at a scale that gives about 4,000 EHC plans (`highneeds demo-data --scale 1.48`),
whose funding demo (highneeds/funding/demo.py) commits a package for every plan with a current placement, sets
budgets and the DSG allocation and imports the months already paid. Then it requests, as the finance officer
through Django's test client, the overview (`/funding/`), the DSG position (`/funding/dsg/`) and one line's
drill-down to its children, and prints p50 and p95 of each; then the overview with the priced table's cache
cleared before each request (what the first request after a commitment changes pays). Figures, not a pass/fail
test.
"""

from __future__ import annotations

import argparse
import os
import time

from _common import KEEP_ENV, main_on_databases, measure, percentiles


def run(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from highneeds.accounts.models import User
    from highneeds.funding.models import Commitment

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo_data", "--no-progress", "--scale", str(args.scale), verbosity=0)
    built = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    commitments = Commitment.objects.count()
    print(f"database: {connection.vendor}; built in {built:.0f} s; {commitments:,} commitments")
    client = Client()
    client.force_login(User.objects.get(username="finance"))
    busiest = Commitment.objects.values_list("line__code", flat=True).order_by("line__code").first()
    pages = [
        ("finance overview /funding/", "/funding/"),
        ("DSG position /funding/dsg/", "/funding/dsg/"),
        (f"line drill-down /funding/lines/{busiest}/", f"/funding/lines/{busiest}/"),
    ]
    print(f"\n{args.repeat} requests each (p50 / p95, ms):")
    worst = 0.0
    for name, url in pages:
        assert client.get(url).status_code == 200  # warm

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        p50, p95 = percentiles(measure(get, args.repeat)[0])
        if url in ("/funding/", "/funding/dsg/"):
            worst = max(worst, p95)
        print(f"  {name:<44} {p50:7.0f} / {p95:7.0f}")
    from django.core.cache import cache

    def cold():
        response = client.get("/funding/")
        assert response.status_code == 200, response.status_code

    p50, p95 = percentiles(measure(cold, max(5, args.repeat // 3), prepare=lambda i: cache.clear())[0])
    print(f"  {'finance overview, priced table not cached':<44} {p50:7.0f} / {p95:7.0f}")
    print(f"\noverview and DSG p95: {worst:.0f} ms (target under 300 ms): {'met' if worst < 300 else 'NOT met'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.48, help="demo council scale (1.48: about 4,000 plans)")
    parser.add_argument("--repeat", type=int, default=30)
    main_on_databases(__file__, parser, run, argv, keep=(*KEEP_ENV, "HIGHNEEDS_SHARED_DATA"))


if __name__ == "__main__":
    main()
