"""Benchmark: the caseworker's work queue at a council with 5,000 open assessments (target: p95 under 150 ms).

    python benchmarks/work_queue.py [--open 5000] [--closed 5000] [--caseworkers 20] [--mine 300] [--repeat 100]

Builds a scratch database (a temporary SQLite file; also PostgreSQL when HIGHNEEDS_BENCH_PG_URL is set,
in a temporary database created on that server and dropped afterwards), migrates it, and fills it:
a sample of requests made through the casework services (clock, letters, audit, as in real use), and
the rest in bulk with the same cached clock answer the services keep (`deadlines`, `next_step`,
`next_due`, worked out by the clock engine for the whole population at once). One caseworker holds
`--mine` open requests; the others share the rest.

Then it times, `--repeat` times each after a warm-up, the whole page through Django's test client
(middleware, session, view, query, Jinja render): the caseworker's queue, the same filtered to "at
risk", a page further on, the manager's view of everyone's queue, and the caseload page; and, apart, the
queue query alone and query plus template render. It prints p50 and p95. Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta

from _common import main_on_databases, measure, percentiles

ADVISERS = ("educational_psychology", "health", "social_care", "setting")


# ---------------------------------------------------------------------------------------------
# Data


def build(n_open: int, n_closed: int, n_workers: int, mine: int, sample: int, seed: int) -> dict:
    from django.db import transaction

    from highneeds.accounts.models import User
    from highneeds.accounts.roles import SYSTEM
    from highneeds.accounts.services import create_user
    from highneeds.casework import flows as cw_flows
    from highneeds.casework import services as cw
    from highneeds.casework.models import AssessmentRequest, CaseEvent
    from highneeds.council.models import CouncilSettings
    from highneeds.engine.clock import compute_many
    from highneeds.people import services as people
    from highneeds.people.models import Child

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
    manager = create_user(
        actor=SYSTEM, username="manager", password=None, role="manager", first_name="Team", last_name="Manager"
    )
    me = workers[0]

    # A sample through the services: requests, decisions, advice, drafts, as a caseworker would record them.
    t0 = time.perf_counter()
    for i in range(sample):
        child = people.create_child(
            actor=SYSTEM,
            data={
                "first_name": f"Sample{i}",
                "last_name": rng.choice(["Testworth", "Samplefield", "Benchley"]),
                "date_of_birth": date(2012, 1, 1) + timedelta(days=rng.randrange(2500)),
                "sex": rng.choice("FM"),
                "responsible_la": "999",
            },
        )
        received = today - timedelta(days=rng.randint(1, 180))
        request = cw.submit_request(
            actor=SYSTEM,
            child=child,
            received_on=received,
            source=rng.choice("12345"),
            caseworker=me if i % 2 == 0 else rng.choice(workers),
        )
        decided = received + timedelta(days=rng.randint(20, 45))
        if decided < today and rng.random() < 0.6:
            cw.decide_whether_to_assess(actor=SYSTEM, request=request, assess=True, decided_on=decided, reasons="x")
            asked = decided + timedelta(days=1)
            if asked < today:
                for adviser in rng.sample(ADVISERS, 2):
                    cw.request_advice(actor=SYSTEM, request=request, adviser_type=adviser, requested_on=asked)
            issue_on = decided + timedelta(days=rng.randint(40, 70))
            if issue_on < today and rng.random() < 0.5:
                cw.decide_whether_to_issue(actor=SYSTEM, request=request, issue=True, decided_on=issue_on, reasons="x")
                draft_on = issue_on + timedelta(days=3)
                if draft_on <= today:
                    cw_flows.send_draft_plan(actor=SYSTEM, request=request, sent_on=draft_on)
    via_services = time.perf_counter() - t0

    # The rest in bulk: children, requests, their request_received events, and the clock's answer for all.
    t1 = time.perf_counter()
    total = max(0, n_open - sample) + n_closed
    names = ["Amara", "Rowan", "Jordan", "Sky", "Alex", "Sam", "Noor", "Oliver", "Ava", "Leo", "Mia", "Zain"]
    surnames = ["Testworth", "Samplefield", "Benchley", "Queueton", "Example", "Placeholder", "Dummett", "Mockridge"]
    with transaction.atomic():
        children = Child.objects.bulk_create(
            [
                Child(
                    first_name=rng.choice(names),
                    last_name=f"{rng.choice(surnames)}{i % 97}",
                    sex=rng.choice("FM"),
                    date_of_birth=date(2008, 1, 1) + timedelta(days=rng.randrange(5000)),
                    responsible_la="999",
                    sen_status=rng.choice("KE"),
                    lead_caseworker=rng.choice(workers),
                )
                for i in range(total)
            ],
            batch_size=2000,
        )
        already_mine = AssessmentRequest.objects.filter(caseworker=me, status__in=AssessmentRequest.OPEN).count()
        rows, cases = [], []
        for i, child in enumerate(children):
            is_open = i < n_open - sample
            if is_open:
                received = today - timedelta(days=rng.randint(0, 200))
                status = rng.choices(["pending", "assess", "draft"], weights=[35, 50, 15])[0]
                worker = me if i < mine - already_mine else rng.choice(workers[1:] or workers)
            else:
                received = today - timedelta(days=rng.randint(200, 1500))
                status = rng.choices(["plan_issued", "not_assess", "not_issued", "withdrawn"], weights=[60, 25, 8, 7])[
                    0
                ]
                worker = rng.choice(workers)
            events = []
            day = received + timedelta(days=rng.randint(15, 50))
            if status != "pending" and day < today:
                outcome = "not_assess" if status == "not_assess" else "assess"
                events.append({"type": "decision_to_assess", "date": day.isoformat(), "outcome": outcome})
                if outcome == "assess":
                    asked = day + timedelta(days=1)
                    for adviser in rng.sample(ADVISERS, 3):
                        events.append({"type": "advice_requested", "date": asked.isoformat(), "adviser": adviser})
                    later = asked + timedelta(days=rng.randint(30, 70))
                    if status == "not_issued" and later < today:
                        events.append({"type": "decision_not_to_issue", "date": later.isoformat()})
                    elif status in ("draft", "plan_issued") and later < today:
                        events.append({"type": "draft_plan_sent", "date": later.isoformat()})
                        final = later + timedelta(days=rng.randint(16, 40))
                        if status == "plan_issued" and final < today:
                            events.append({"type": "final_plan_issued", "date": final.isoformat()})
                    elif status == "withdrawn" and later < today:
                        events.append({"type": "request_withdrawn", "date": later.isoformat()})
            kinds = {e["type"] for e in events}
            # Keep the status consistent with the events the dates allowed.
            if status in ("assess", "draft") and "decision_to_assess" not in kinds:
                status = "pending"
            if status == "draft" and "draft_plan_sent" not in kinds:
                status = "assess"
            if (
                not is_open
                and not kinds & {"final_plan_issued", "decision_not_to_issue", "request_withdrawn"}
                and status != "not_assess"
            ):
                events.append({"type": "request_withdrawn", "date": (received + timedelta(days=60)).isoformat()})
                status = "withdrawn"
            cases.append({"request_received": received.isoformat(), "events": events, "exceptions": []})
            rows.append(
                AssessmentRequest(
                    child=child,
                    received_on=received,
                    source="1",
                    status=status,
                    caseworker=worker,
                    submitted_via="import",
                )
            )
        results = compute_many(cases, rules=CouncilSettings.current().rules(), today=today)
        for row, result in zip(rows, results):
            if result.errors:
                raise RuntimeError(f"bad synthetic case: {result.errors}")
            row.deadlines = [s.as_json() for s in result.deadlines]
            # The next step as casework.services._common._refresh keeps it: the soonest undone deadline still pending.
            pending = sorted(
                (
                    s
                    for s in result.deadlines
                    if s.done is None and s.status in ("pending", "overdue") and s.bound != "earliest"
                ),
                key=lambda s: s.due,
            )
            if row.status in AssessmentRequest.OPEN and pending:
                row.next_step, row.next_due = pending[0].step, pending[0].due
            else:
                row.closed_on = row.received_on + timedelta(days=100)
        made = AssessmentRequest.objects.bulk_create(rows, batch_size=2000)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    child_id=r.child_id,
                    request=r,
                    event_type="request_received",
                    occurred_on=r.received_on,
                    detail={"source": "1", "via": "import"},
                )
                for r in made
            ],
            batch_size=2000,
        )
    bulk = time.perf_counter() - t1
    return {
        "me": User.objects.get(pk=me.pk),
        "manager": manager,
        "via_services": via_services,
        "bulk": bulk,
        "open": AssessmentRequest.objects.filter(status__in=AssessmentRequest.OPEN).count(),
        "all": AssessmentRequest.objects.count(),
        "mine": AssessmentRequest.objects.filter(caseworker=me, status__in=AssessmentRequest.OPEN).count(),
    }


# ---------------------------------------------------------------------------------------------
# Timing


def timed(fn, repeat: int, warmup: int = 5) -> tuple[float, float]:
    return percentiles(measure(fn, repeat, warmup=warmup)[0])


def run(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory

    from highneeds.casework import queue as wq
    from highneeds.casework.queue_views import _row

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - t0
    data = build(args.open, args.closed, args.caseworkers, args.mine, args.sample, args.seed)
    with connection.cursor() as cursor:  # fresh planner statistics, as a live database would have
        cursor.execute("ANALYZE")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(
        f"built in {migrated:.1f} s (migrate) + {data['via_services']:.1f} s ({args.sample} requests through the "
        f"services) + {data['bulk']:.1f} s (bulk): {data['all']:,} requests, {data['open']:,} open; "
        f"the caseworker timed has {data['mine']:,} open"
    )

    me, manager = data["me"], data["manager"]
    worker, boss = Client(), Client()
    worker.force_login(me)
    boss.force_login(manager)
    for client in (worker, boss):
        assert client.get("/cases/").status_code == 200

    scenarios = [
        ("caseworker's queue, page 1", lambda: worker.get("/cases/")),
        ("caseworker's queue, at risk only", lambda: worker.get("/cases/", {"rag": "at_risk"})),
        ("caseworker's queue, page 5", lambda: worker.get("/cases/", {"page": 5})),
        ("caseworker's queue, name search", lambda: worker.get("/cases/", {"name": "amara test"})),
        ("manager: everyone's queue", lambda: boss.get("/cases/", {"caseworker": "all"})),
        ("manager: caseload page", lambda: boss.get("/cases/caseload/")),
    ]
    print(f"\nwhole page through the test client, {args.repeat} runs each (p50 / p95, ms):")
    worst = 0.0
    for name, fn in scenarios:
        p50, p95 = timed(fn, args.repeat)
        worst = max(worst, p95) if "caseworker" in name else worst
        print(f"  {name:<36} {p50:7.1f} / {p95:7.1f}")

    factory = RequestFactory()
    request = factory.get("/cases/")
    request.user = me
    request.session = {}
    request._messages = []
    today = date.today()

    def query_only():
        page, counts = wq.queue_page(me, today=today)
        return list(page.object_list), counts

    def query_and_render():
        from highneeds.casework.queue_views import QueueFilterForm

        form = QueueFilterForm(None, user=me)
        page, counts = wq.queue_page(me, today=today)
        return render_to_string(
            "casework/queue.html",
            {
                "page_title": "Work queue",
                "form": form,
                "page": page,
                "rows": [_row(c, today) for c in page.object_list],
                "counts": counts,
                "query": "",
                "query_without_rag": "",
                "can_reassign": False,
                "caseworkers": [],
                "at_risk_days": wq.AT_RISK_DAYS,
                "today": today,
                "rag_labels": wq.RAG_LABELS,
                "rag_tags": wq.RAG_TAGS,
            },
            request=request,
        )

    print(f"\nparts, {args.repeat} runs each (p50 / p95, ms):")
    for name, fn in (("queue query (page and RAG counts)", query_only), ("query + template render", query_and_render)):
        p50, p95 = timed(fn, args.repeat)
        print(f"  {name:<36} {p50:7.1f} / {p95:7.1f}")
    print(f"\nworst caseworker p95: {worst:.1f} ms (target under 150 ms): {'met' if worst < 150 else 'NOT met'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=5000, help="open assessment requests (default 5,000)")
    parser.add_argument("--closed", type=int, default=5000, help="closed (historical) requests (default 5,000)")
    parser.add_argument("--caseworkers", type=int, default=20)
    parser.add_argument("--mine", type=int, default=300, help="open requests of the caseworker timed")
    parser.add_argument("--sample", type=int, default=100, help="requests made through the services")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2025)
    main_on_databases(__file__, parser, run, argv)


if __name__ == "__main__":
    main()
