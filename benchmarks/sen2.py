"""Benchmark: the SEN2 return built from casework and validated (targets: a council of about 10,000 children and
3,000 plans under 10 s; the national synthetic set, about 470,000 plans, every LA in one run under 5 minutes and
2 GB).

    python benchmarks/sen2.py [--la 384] [--scale 1.0] [--year 2027] [--national] [--national-scale 1.0]

Runs on a scratch SQLite database, then on PostgreSQL too when HIGHNEEDS_BENCH_PG_URL is set (benchmarks/_common).

1. Council: the demo council (`highneeds demo-data`: generated, loaded, its plans made), then the return built
   from casework (extract), written as XML and validated, each timed.
2. --national: every LA of the national synthetic set loaded (generated council by council, each committed;
   plan rows in bulk through `demo.plan_rows`), then each LA's return built, written and validated in turn
   (children filtered by responsible LA). Timed apart: migrating the empty database (not counted), generating,
   loading, and the return for every LA; per-LA p50/p95, CPU seconds beside wall seconds (the machine may be
   shared), and the process's peak resident memory for the whole run.

Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections import defaultdict

from _common import KEEP_ENV, main_on_databases, percentiles


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Wall and CPU seconds of a stretch of work."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def timed_generation(councils, spent: list[float]):
    """Yield the generated councils, adding the seconds spent generating them to spent[0]."""
    it = iter(councils)
    while True:
        t = time.perf_counter()
        council = next(it, None)
        spent[0] += time.perf_counter() - t
        if council is None:
            return
        yield council


def load(la_code: str | None, scale: float, seed: int = 2022) -> dict:
    """Generate and load; the seconds spent in each part."""
    from django.conf import settings

    from highneeds.accounts.roles import SYSTEM
    from highneeds.demo import synthetic
    from highneeds.demo.loader import load_demo
    from highneeds.demo.plan_rows import load_plan_rows
    from highneeds.engine import publicdata
    from highneeds.plans import demo as plans_demo

    clock, generating = Clock(), [0.0]
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
        councils=timed_generation(councils, generating),
        shared=shared,
        council_name=f"{name} (synthetic)",
        la_code=code,
        new_la_code=new_code,
        flush=True,
        expected_councils=1 if la_code else len(targets.codes),  # national: one transaction per council
    )
    loaded = clock.stop()[0]
    if la_code:
        plans_demo.prepare(SYSTEM)  # the demo's plan documents, as `highneeds demo-data` makes them
    else:
        load_plan_rows(actor=SYSTEM)  # 470,000 plan documents would take longer than the return: plan rows only
    total = clock.stop()[0]
    return {"generate": generating[0], "load": loaded - generating[0], "plans": total - loaded, "total": total}


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


def children_by_la() -> dict[str, set[int]]:
    """The children each LA's return considers: one pass over plans and requests, not one scan per LA."""
    from highneeds.casework.models import AssessmentRequest
    from highneeds.plans.models import Plan

    by_la = defaultdict(set)
    for model in (Plan, AssessmentRequest):
        for child_id, la in model.objects.values_list("child_id", "child__responsible_la").iterator(5000):
            by_la[la].add(child_id)
    return by_la


def council(args) -> None:
    from highneeds.people.models import Child
    from highneeds.plans.models import Plan

    loaded = load(args.la, args.scale)
    r = one_return(args.year, args.la)
    print(
        f"SEN2 {args.year} for LA {args.la} (demo council, scale {args.scale:g}; load {loaded['total']:.1f} s, "
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


def national(args) -> None:
    from highneeds.plans.models import Plan

    whole = Clock()
    loaded = load(None, args.national_scale)
    after_load = whole.stop()
    returns = Clock()
    by_la = children_by_la()
    totals, per_la, parts = defaultdict(int), [], defaultdict(float)
    for la in sorted(by_la):
        r = one_return(args.year, la, children=sorted(by_la.pop(la)))
        for k in ("persons", "active", "issues", "gaps", "bytes"):
            totals[k] += r[k]
        for k in ("extract", "xml", "validate"):
            parts[k] += r[k]
        per_la.append((r["total"], la, r["persons"]))
    wall, cpu = returns.stop()
    run_wall, run_cpu = whole.stop()
    p50, p95 = percentiles([t for t, _, _ in per_la])
    slowest = max(per_la)
    print(
        f"SEN2 {args.year}, national synthetic set (scale {args.national_scale:g}; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end)"
    )
    print(f"  plans in database           {Plan.objects.count():>10,}")
    print(f"  LAs exported                {len(per_la):>10,}")
    print(f"  persons / active plans      {totals['persons']:>10,} / {totals['active']:,}")
    print(f"  XML written                 {totals['bytes'] / 1e6:>10.0f} MB")
    print(f"  issues / casework gaps      {totals['issues']:>10,} / {totals['gaps']:,}")
    print(f"  set-up: generate            {loaded['generate']:>10.1f} s")
    print(f"  set-up: load councils       {loaded['load']:>10.1f} s")
    print(f"  set-up: plan rows           {loaded['plans']:>10.1f} s")
    print(f"  set-up (wall / CPU)         {after_load[0]:>10.1f} s / {after_load[1]:.1f} s")
    print(f"  per LA p50 / p95            {p50 / 1000:>10.2f} s / {p95 / 1000:.2f} s")
    print(f"  slowest LA                  {slowest[0]:>10.2f} s   ({slowest[1]}, {slowest[2]:,} persons)")
    print(
        f"  extract / XML / validate    {parts['extract']:>10.1f} s / {parts['xml']:.1f} s / {parts['validate']:.1f} s"
    )
    print(f"  every LA, export + validate {wall:>10.1f} s   (CPU {cpu:.1f} s; target < 300 s)")
    print(f"  whole run, set-up included  {run_wall:>10.1f} s   (CPU {run_cpu:.1f} s)")
    print(f"  peak memory (whole run)     {peak_mb():>10.0f} MB   (target < 2,048 MB)")


def run(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")
    import django

    django.setup()
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0)  # database set-up: not counted
    print(f"(migrated the empty database in {time.perf_counter() - t:.1f} s, not counted)")
    (national if args.national else council)(args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--la", default="384")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--national-scale", type=float, default=1.0)
    main_on_databases(__file__, parser, run, argv, keep=(*KEEP_ENV, "HIGHNEEDS_SHARED_DATA"))


if __name__ == "__main__":
    main()
