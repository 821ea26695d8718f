"""Benchmark: the data protection officer's audit screen and CSV export over a large audit log.

    python benchmarks/audit_log.py [--events 200000] [--children 10000] [--people 60] [--repeat 20]

Builds a scratch database (a temporary SQLite file; also PostgreSQL when HIGHNEEDS_BENCH_PG_URL is set),
migrates it, and appends `--events` audit events through the real chain writer (`audit.log.record_many`,
hashes and all): reads and changes of `--children` children by `--people` staff, with one event in 200 a
refused attempt. Then it times, through Django's test client (middleware, session, view, queries,
render), the audit screen unfiltered, filtered by one child, by one person, to refused attempts only and
by a week's dates; and a subject access export of one child's entries as CSV. It prints p50 and p95.
Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta

from _common import main_on_databases, measure, percentiles

READS = ("child.view", "portal.view", "plan.download", "case.view_for_edit")
CHANGES = ("child.update", "request.decide_assess", "plan.section.save", "review.contribute", "letter.generate")


def build(n_events: int, n_children: int, n_people: int, seed: int) -> dict:
    from highneeds.accounts.roles import SYSTEM
    from highneeds.accounts.services import create_user
    from highneeds.audit import log

    rng = random.Random(seed)
    people = [
        create_user(
            actor=SYSTEM,
            username=f"staff{i:02d}",
            password=None,
            role="caseworker",
            first_name=f"Staff{i:02d}",
            last_name="Member",
        )
        for i in range(n_people)
    ]
    dpo = create_user(
        actor=SYSTEM, username="dpo", password=None, role="admin", first_name="Data", last_name="Protection"
    )
    t0 = time.perf_counter()
    done = 0
    while done < n_events:
        batch = min(20000, n_events - done)
        actor = rng.choice(people)  # one actor per batch, as one person's day of work
        entries = []
        for _ in range(batch):
            roll = rng.random()
            action = "access.denied" if roll < 0.005 else rng.choice(READS if roll < 0.7 else CHANGES)
            entries.append(
                log.Entry(
                    action=action,
                    object_type="people.child",
                    object_id=str(rng.randrange(n_children)),
                    child_id=rng.randrange(1, n_children + 1),
                )
            )
        log.record_many(actor=actor, entries=entries)
        done += batch
    return {"dpo": dpo, "person": people[0], "seconds": time.perf_counter() - t0}


def run(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from highneeds.audit.models import AuditEvent

    call_command("migrate", verbosity=0)
    data = build(args.events, args.children, args.people, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = AuditEvent.objects.count()
    print(
        f"database: {connection.vendor}; {total:,} audit events written in {data['seconds']:.1f} s "
        f"({total / data['seconds']:,.0f} a second, hash chain included)"
    )
    client = Client()
    client.force_login(data["dpo"])
    child = random.Random(args.seed).randrange(1, args.children + 1)
    week = date.today() - timedelta(days=7)
    pages = {
        "audit screen, no filter": "/audit/",
        "one child": f"/audit/?child={child}",
        "one person": f"/audit/?person={data['person'].first_name}+Member",
        "refused attempts only": "/audit/?kind=refused",
        "last week's dates": (
            f"/audit/?start-day={week.day}&start-month={week.month}&start-year={week.year}"
            f"&end-day={date.today().day}&end-month={date.today().month}"
            f"&end-year={date.today().year}"
        ),
    }
    print(f"\n{args.repeat} runs each (p50 / p95, ms):")
    for name, url in pages.items():
        samples, response = measure(lambda url=url: client.get(url), args.repeat, warmup=1)
        assert response.status_code == 200, (url, response.status_code)
        p50, p95 = percentiles(samples)
        print(f"  {name:<28} {p50:8.1f} / {p95:8.1f}")

    def export():
        response = client.get(f"/audit/export.csv?child={child}")
        return b"".join(response.streaming_content)

    samples, body = measure(export, args.repeat, warmup=1)
    p50, p95 = percentiles(samples)
    rows = body.count(b"\n") - 1
    print(f"  {'CSV export, one child':<28} {p50:8.1f} / {p95:8.1f}   ({rows:,} rows)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000, help="audit events (default 200,000)")
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    main_on_databases(__file__, parser, run, argv)


if __name__ == "__main__":
    main()
