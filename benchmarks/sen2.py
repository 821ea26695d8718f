"""Benchmark: the SEN2 return built from casework and validated (targets: a council of about 10,000 children and
3,000 plans under 10 s; the national synthetic set, about 470,000 plans, every LA in one run under 5 minutes and
2 GB).

    python benchmarks/sen2.py [--la 384] [--scale 1.0] [--year 2027] [--national] [--national-scale 1.0]

1. Council: a scratch SQLite database with the demo council (`highneeds demo-data`: generated, loaded, its plans
   made), then the return built from casework (extract), written as XML and validated, each timed.
2. --national: a second scratch database with every LA of the national synthetic set and their plans, then each
   LA's return built and validated in turn (children filtered by responsible LA); total time and peak memory.

Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from demo_generation import configure  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(la_code: str | None, scale: float, seed: int = 2022) -> float:
    from django.conf import settings
    from django.core.management import call_command

    from highneeds.accounts.roles import SYSTEM
    from highneeds.demo import synthetic
    from highneeds.demo.loader import load_demo
    from highneeds.engine import publicdata
    from highneeds.plans import demo as plans_demo

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    targets = publicdata.load_targets(settings.SHARED_DATA_DIR)
    shared = synthetic.shared_for(targets, settings.SHARED_DATA_DIR, seed=seed)
    if la_code:
        la = targets.for_la(la_code)
        councils = [synthetic.generate_council(la, scale=scale, seed=seed, shared=shared)]
        name, code, new_code = la.la_name, la.old_la_code, la.new_la_code
    else:
        councils = synthetic.generate_national(targets, shared, scale=scale, seed=seed)
        name, code, new_code = "England", "999", ""
    load_demo(
        actor=SYSTEM,
        councils=councils,
        shared=shared,
        council_name=f"{name} (synthetic)",
        la_code=code,
        new_la_code=new_code,
        flush=True,
    )
    if la_code:
        plans_demo.prepare(SYSTEM)  # the demo's plan documents, as `highneeds demo-data` makes them
    else:
        bare_plans()  # 470,000 plan documents would take longer than the return: plan rows only
    return time.perf_counter() - t


def bare_plans() -> None:
    """A Plan and its issued version (naming the current setting) for every child with a plan, in bulk."""
    from datetime import date, timedelta

    from django.db.models import Min

    from highneeds.casework.models import CaseEvent
    from highneeds.people.models import Child, Placement
    from highneeds.plans.models import Plan, PlanVersion

    first = dict(
        CaseEvent.objects.filter(event_type="final_plan_issued")
        .values("child_id")
        .annotate(first=Min("occurred_on"))
        .values_list("child_id", "first")
    )
    where = dict(
        Placement.objects.filter(end_date__isnull=True, placement_type="ON_ROLL").values_list(
            "child_id", "establishment_id"
        )
    )
    ids = list(Child.objects.filter(sen_status="E").values_list("pk", flat=True))
    fallback = date.today() - timedelta(days=400)
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        plans = Plan.objects.bulk_create(
            [Plan(child_id=c, status="final", first_issued_on=first.get(c, fallback)) for c in chunk], batch_size=1000
        )
        PlanVersion.objects.bulk_create(
            [
                PlanVersion(
                    plan=p,
                    number=1,
                    kind="final",
                    state="issued",
                    issued_on=p.first_issued_on,
                    establishment_id=where.get(p.child_id),
                )
                for p in plans
            ],
            batch_size=1000,
        )


def one_return(year: int, la: str, children: list[int] | None = None) -> dict:
    from highneeds.engine.sen2 import model as m
    from highneeds.engine.sen2.validate import validate_bytes
    from highneeds.returns import extract

    t0 = time.perf_counter()
    ex = extract.build(year=year, la=la, children=children)
    t1 = time.perf_counter()
    xml = m.to_xml(ex.ret)
    t2 = time.perf_counter()
    issues = validate_bytes(xml, year)
    t3 = time.perf_counter()
    active = sum(len(r.active_plans) for p in ex.ret.persons for r in p.requests)
    return {
        "persons": len(ex.ret.persons),
        "active": active,
        "bytes": len(xml),
        "issues": len(issues),
        "gaps": len(ex.gaps),
        "extract": t1 - t0,
        "xml": t2 - t1,
        "validate": t3 - t2,
        "total": t3 - t0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--la", default="384")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--national-scale", type=float, default=1.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hn-bench-sen2-") as tmp:
        configure(f"sqlite:///{tmp}/sen2.sqlite3", tmp)
        from highneeds.people.models import Child
        from highneeds.plans.models import Plan

        if not args.national:
            loaded = load(args.la, args.scale)
            r = one_return(args.year, args.la)
            print(
                f"SEN2 {args.year} for LA {args.la} (demo council, scale {args.scale:g}; load {loaded:.1f} s, "
                f"not counted)"
            )
            print(f"  children in database        {Child.objects.count():>10,}")
            print(f"  plans in database           {Plan.objects.count():>10,}")
            print(f"  persons in the return       {r['persons']:>10,}   active plans {r['active']:,}")
            print(f"  XML size                    {r['bytes'] / 1e6:>10.1f} MB")
            print(f"  issues / casework gaps      {r['issues']:>10,} / {r['gaps']:,}")
            print(f"  extract from casework       {r['extract']:>10.2f} s")
            print(f"  write XML                   {r['xml']:>10.2f} s")
            print(f"  validate                    {r['validate']:>10.2f} s")
            print(f"  export + validate           {r['total']:>10.2f} s   (target < 10 s)")
            print(f"  peak memory                 {peak_mb():>10.0f} MB")
            return

        loaded = load(None, args.national_scale)
        t = time.perf_counter()
        from collections import defaultdict

        from highneeds.casework.models import AssessmentRequest

        by_la = defaultdict(set)  # one pass over plans and requests, not one scan per LA
        for model in (Plan, AssessmentRequest):
            for child_id, la in model.objects.values_list("child_id", "child__responsible_la").iterator(5000):
                by_la[la].add(child_id)
        las = sorted(by_la)
        totals = {"persons": 0, "active": 0, "issues": 0}
        slowest = (0.0, "")
        for la in las:
            r = one_return(args.year, la, children=list(by_la[la]))
            for k in totals:
                totals[k] += r[k]
            slowest = max(slowest, (r["total"], la))
        elapsed = time.perf_counter() - t
        print(
            f"SEN2 {args.year}, national synthetic set (scale {args.national_scale:g}; load {loaded:.0f} s, "
            f"not counted)"
        )
        print(f"  plans in database           {Plan.objects.count():>10,}")
        print(f"  LAs exported                {len(las):>10,}")
        print(f"  persons / active plans      {totals['persons']:>10,} / {totals['active']:,}")
        print(f"  issues                      {totals['issues']:>10,}")
        print(f"  slowest LA                  {slowest[0]:>10.2f} s   ({slowest[1]})")
        print(f"  every LA, export + validate {elapsed:>10.1f} s   (target < 300 s)")
        print(f"  peak memory (whole run)     {peak_mb():>10.0f} MB   (target < 2,048 MB)")


if __name__ == "__main__":
    main()
