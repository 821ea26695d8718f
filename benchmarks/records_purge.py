"""Benchmark: removing deleted documents' files once their retention rule allows (`highneeds records purge`).

    python benchmarks/records_purge.py [--documents 500] [--kept 2000]

Builds a scratch database (SQLite; also PostgreSQL when HIGHNEEDS_BENCH_PG_URL is set) and media folder, uploads
`--documents` + `--kept` small PDFs through the records service (no virus scanner), deletes `--documents` of them
with a reason, and times finding what is due (`due_for_purge`) and purging it (one audited transaction a
document), with a rule that makes every deleted file due at once. Prints seconds and documents a second.
Figures, not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date

from _common import main_on_databases


def run(args) -> None:
    os.environ["HIGHNEEDS_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="highneeds-bench-media-")
    os.environ["HIGHNEEDS_VIRUS_SCANNER"] = "none"
    os.environ["HIGHNEEDS_DOCUMENT_RETENTION"] = '{"default": {"days_after_deletion": 0, "until_age": null}}'
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from highneeds.accounts.roles import SYSTEM, SystemActor
    from highneeds.accounts.services import create_user
    from highneeds.people.services import create_child
    from highneeds.records import retention, services
    from highneeds.records.demo import pdf

    worker = create_user(
        actor=SYSTEM, username="bench", password=None, role="caseworker", first_name="B", last_name="C"
    )
    child = create_child(
        actor=SYSTEM,
        data={
            "first_name": "Bench",
            "last_name": "Child",
            "date_of_birth": date(2015, 1, 1),
            "sex": "F",
            "responsible_la": "999",
        },
    )
    data = pdf("Benchmark report")
    t0 = time.perf_counter()
    documents = [
        services.upload_document(
            actor=worker,
            child=child,
            name="r.pdf",
            data=data,
            title=f"Report {n}",
            category="report",
            audience="council",
        )
        for n in range(args.documents + args.kept)
    ]
    print(f"uploaded {len(documents):,} documents in {time.perf_counter() - t0:.1f} s")
    for document in documents[: args.documents]:
        retention.delete_document(actor=worker, document=document, reason="Benchmark")
    t0 = time.perf_counter()
    due = retention.due_for_purge(date.today())
    found = time.perf_counter() - t0
    t0 = time.perf_counter()
    _, removed = retention.purge_due(actor=SystemActor("bench"), today=date.today())
    took = time.perf_counter() - t0
    print(f"found {len(due):,} due among {len(documents):,} in {found * 1000:.0f} ms")
    print(f"purged {removed:,} in {took:.2f} s ({removed / took:,.0f} documents a second)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500, help="deleted documents to purge")
    parser.add_argument("--kept", type=int, default=2000, help="documents that stay")
    main_on_databases(__file__, parser, run, argv)


if __name__ == "__main__":
    main()
