"""Benchmark: the review and phase-transfer tracker at a council with 4,000 plans (target: p95 under 200 ms).

    python benchmarks/review_tracker.py [--plans 4000] [--caseworkers 20] [--repeat 60]

Builds a scratch database (a temporary SQLite file; also PostgreSQL when HIGHNEEDS_BENCH_PG_URL is set,
in a temporary database created on that server and dropped afterwards), migrates it, and fills it in
bulk: children with settings, a plan in force for each, last year's review (history) and a current
review in every state (due, arranged, held, reported, awaiting the amended plan), phase transfers for
the children moving next September (listed by `identify_phase_transfers`) and some reassessments. Each
current record carries the clock's cached answer, worked out by the clock engine for the whole
population at once, as `highneeds recalculate-reviews` keeps it.

Then it times, `--repeat` times each after a warm-up, the whole tracker page through Django's test
client (middleware, session, view, two queries, Jinja render) with several filter combinations, and
prints p50 and p95. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta

from _common import main_on_databases, percentiles


def build(n_plans: int, n_workers: int, seed: int) -> dict:
    from django.db import transaction

    from highneeds.accounts.roles import SYSTEM
    from highneeds.accounts.services import create_user
    from highneeds.establishments.models import Establishment
    from highneeds.people.models import Child, Placement
    from highneeds.plans.models import Plan
    from highneeds.reviews import clock, services
    from highneeds.reviews.models import AnnualReview, Reassessment
    from highneeds.reviews.services._common import _describe, _setting_of

    rng = random.Random(seed)
    today = date.today()
    workers = [
        create_user(
            actor=SYSTEM,
            username=f"cw{i:02d}",
            password=None,
            role="caseworker",
            first_name=f"Case{i:02d}",
            last_name="Worker",
        )
        for i in range(n_workers)
    ]
    t0 = time.perf_counter()
    with transaction.atomic():
        schools = Establishment.objects.bulk_create(
            [
                Establishment(
                    name=f"Primary {i}",
                    establishment_type="MS_LA",
                    phase="PRIMARY",
                    urn=800000 + i,
                    age_low=4,
                    age_high=11,
                )
                for i in range(60)
            ]
            + [
                Establishment(
                    name=f"Secondary {i}",
                    establishment_type="MS_ACADEMY",
                    phase="SECONDARY",
                    urn=810000 + i,
                    age_low=11,
                    age_high=16 if i % 2 else 18,
                )
                for i in range(25)
            ]
            + [
                Establishment(
                    name=f"Special {i}",
                    establishment_type="SP_LA",
                    phase="ALL_THROUGH",
                    urn=820000 + i,
                    age_low=3,
                    age_high=19,
                )
                for i in range(10)
            ]
        )
        primaries, secondaries, specials = schools[:60], schools[60:85], schools[85:]
        children = Child.objects.bulk_create(
            [
                Child(
                    first_name=f"Child{i}",
                    last_name=rng.choice(["Testworth", "Samplefield", "Benchley"]),
                    date_of_birth=today - timedelta(days=rng.randint(3 * 365, 19 * 365)),
                    sex=rng.choice("FM"),
                    responsible_la="999",
                    sen_status="E",
                    lead_caseworker=rng.choice(workers),
                )
                for i in range(n_plans)
            ],
            batch_size=2000,
        )
        placements = []
        for child in children:
            year = child.year_group(today)
            pool = specials if rng.random() < 0.2 else primaries if year <= 6 else secondaries
            placements.append(Placement(child=child, establishment=rng.choice(pool), start_date=today - timedelta(400)))
        Placement.objects.bulk_create(placements, batch_size=2000)
        plans = Plan.objects.bulk_create(
            [
                Plan(child=c, status="final", first_issued_on=today - timedelta(days=rng.randint(450, 2000)))
                for c in children
            ],
            batch_size=2000,
        )
        settings = _setting_of([c.pk for c in children])
        history, current, last = [], [], []
        for n, plan in enumerate(plans):
            held = today - timedelta(days=rng.randint(200, 420))
            history.append(
                AnnualReview(
                    child=plan.child,
                    plan=plan,
                    counted_from=plan.first_issued_on,
                    held_on=held,
                    meeting_on=held,
                    decided_on=held + timedelta(14),
                    decision="maintain",
                    stage="closed",
                    closed_on=held + timedelta(14),
                    from_history=True,
                )
            )
            review = AnnualReview(child=plan.child, plan=plan, counted_from=held)
            _describe(review, plan.child, settings.get(plan.child_id), today)
            state = n % 6
            if state >= 1:  # meeting arranged
                meeting = held + timedelta(days=rng.randint(300, 380))
                review.meeting_arranged_on = min(meeting - timedelta(days=40), today)
                review.meeting_on, review.stage = meeting, "arranged"
                if meeting - timedelta(days=20) <= today:
                    review.invitations_sent_on = review.advice_requested_on = meeting - timedelta(days=20)
                if state >= 2 and meeting < today:  # held: awaiting decision
                    review.held_on, review.stage, review.outcomes_met = meeting, "held", "yes"
                    if state >= 3 and meeting + timedelta(days=10) <= today:
                        review.report_sent_on = meeting + timedelta(days=10)
                    if state >= 4 and meeting + timedelta(days=20) <= today:  # amending
                        review.decision, review.decided_on = "amend", meeting + timedelta(days=20)
                        review.amendments_sent_on, review.stage = review.decided_on, "amending"
            current.append(review)
            last.append(held)
        for review, result in zip(current, clock.run_many(current, last, today)):
            if result.errors:
                raise RuntimeError(f"bad synthetic review: {result.errors}")
            clock.apply(review, result)
        AnnualReview.objects.bulk_create(history + current, batch_size=2000)
        transfers = services.identify_phase_transfers(actor=SYSTEM, today=today)
        extra = []
        for plan in plans[:150]:
            item = Reassessment(
                child=plan.child,
                plan=plan,
                requested_by="parent",
                received_on=today - timedelta(days=rng.randint(1, 60)),
            )
            _describe(item, plan.child, settings.get(plan.child_id), today)
            extra.append(item)
        for item, result in zip(extra, clock.run_many(extra, None, today)):
            clock.apply(item, result)
        Reassessment.objects.bulk_create(extra)
    return {
        "seconds": time.perf_counter() - t0,
        "workers": workers,
        "transfers": transfers,
        "reviews": AnnualReview.objects.count(),
        "open": AnnualReview.objects.filter(stage__in=AnnualReview.OPEN_STAGES).count(),
    }


def timed(fn, repeat: int, warmup: int = 3) -> tuple[float, float, float]:
    """Wall-clock p50 and p95, and p95 of the process's CPU time (less disturbed by a busy machine)."""
    for _ in range(warmup):
        fn()
    samples, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return (*percentiles(samples), percentiles(cpu)[1])


def run(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    data = build(args.plans, args.caseworkers, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}")
    print(
        f"built in {data['seconds']:.1f} s: {args.plans:,} plans, {data['reviews']:,} reviews "
        f"({data['open']:,} open), {data['transfers']:,} phase transfers for next September"
    )
    me = data["workers"][0]
    client = Client()
    client.force_login(me)
    scenarios = [
        ("all open reviews, page 1", {}),
        ("overdue reviews", {"rag": "overdue"}),
        ("awaiting decision", {"list": "decision"}),
        ("awaiting amended plan, secondary", {"list": "amending", "phase": "secondary"}),
        ("one caseworker, at risk", {"caseworker": str(me.pk), "rag": "at_risk"}),
        ("my reviews, page 3", {"caseworker": "mine", "page": "3"}),
        ("one setting (URN)", {"urn": "800001"}),
        ("phase transfers", {"show": "transfers"}),
        ("phase transfers, overdue, post-16", {"show": "transfers", "rag": "overdue", "phase": "post16"}),
        ("reassessments", {"show": "reassessments"}),
    ]
    for _, params in scenarios:
        assert client.get("/reviews/", params).status_code == 200
    print(f"\nwhole page through the test client, {args.repeat} runs each (wall p50 / p95, CPU p95; ms):")
    worst = worst_cpu = 0.0
    for name, params in scenarios:
        p50, p95, cpu95 = timed(lambda: client.get("/reviews/", params), args.repeat)
        worst, worst_cpu = max(worst, p95), max(worst_cpu, cpu95)
        print(f"  {name:<38} {p50:7.1f} / {p95:7.1f}   {cpu95:7.1f}")

    from highneeds.reviews import queries

    def query_only():
        page, counts = queries.tracker_page(me, queries.TrackerFilter(), 1)
        return list(page.object_list), counts

    p50, p95, cpu95 = timed(query_only, args.repeat)
    print(f"\n  {'the two queries alone (all open)':<38} {p50:7.1f} / {p95:7.1f}   {cpu95:7.1f}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: [client.get("/reviews/") for _ in range(10)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(
        f"\nworst p95: {worst:.1f} ms wall, {worst_cpu:.1f} ms CPU (target under 200 ms): "
        f"{'met' if worst < 200 else 'NOT met'} (wall)"
    )
    print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=4000)
    parser.add_argument("--caseworkers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="print a profile of the page")
    main_on_databases(__file__, parser, run, argv)


if __name__ == "__main__":
    main()
