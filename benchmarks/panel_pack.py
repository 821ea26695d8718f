"""Benchmark: making a panel pack (PDF/UA-1 with WeasyPrint) for agendas of 1, 10 and 30 cases.

    python benchmarks/panel_pack.py [--sizes 1,10,30] [--repeat 3]

Builds a scratch SQLite database (migrated, in a temporary directory), makes children with requests,
advice and a panel through the services, then times the HTML (queries and template) and the PDF separately.
Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
from datetime import date, timedelta

from _common import measure, pdf_pages, scratch_sqlite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,30")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    scratch_sqlite("hn-pack-bench-")
    from highneeds.accounts.roles import SYSTEM
    from highneeds.accounts.services import create_user
    from highneeds.casework import services as cw
    from highneeds.panels import pack
    from highneeds.panels import services as ps
    from highneeds.people import services as people

    today = date.today()
    panel = ps.create_panel(
        actor=SYSTEM,
        name="Benchmark issue panel",
        panel_type="issue",
        quorum=3,
        quorum_agencies=["education", "health"],
    )
    for i, agency in enumerate(["education", "health", "social_care", "parent_carer_forum", "other"]):
        user = create_user(
            actor=SYSTEM,
            username=f"bench-member-{i}",
            password=None,
            role="panel_member",
            first_name="Member",
            last_name=f"{agency.title()}",
        )
        ps.add_member(actor=SYSTEM, panel=panel, user=user, agency=agency, is_chair=i == 0)

    def case(n: int):
        child = people.create_child(
            actor=SYSTEM,
            data={
                "first_name": f"Bench{n}",
                "last_name": "Child",
                "date_of_birth": date(2015, 1, 1 + n % 28),
                "sex": "F",
                "responsible_la": "999",
            },
        )
        people.set_sen_status(actor=SYSTEM, child=child, status="K", on=date(2022, 9, 1))
        people.set_needs(actor=SYSTEM, child=child, need_codes=["ASD", "SLCN"])
        request = cw.submit_request(actor=SYSTEM, child=child, received_on=today - timedelta(days=60), source="2")
        cw.decide_whether_to_assess(
            actor=SYSTEM, request=request, assess=True, decided_on=today - timedelta(days=40), reasons="Evidence"
        )
        for kind in ("educational_psychology", "health"):
            advice = cw.request_advice(
                actor=SYSTEM,
                request=request,
                adviser_type=kind,
                requested_on=today - timedelta(days=39),
                adviser_name="Service",
            )
            cw.submit_advice(
                actor=SYSTEM,
                advice=advice,
                text="Advice about needs and provision. " * 60,
                received_on=today - timedelta(days=10),
            )
        return request

    print(f"{'cases':>6} {'html ms':>9} {'pdf ms':>9} {'pages':>6} {'KB':>7}")
    made = 0
    for size in sizes:
        meeting = ps.schedule_meeting(actor=SYSTEM, panel=panel, meets_on=today)
        for _ in range(size):
            made += 1
            ps.add_to_agenda(actor=SYSTEM, meeting=meeting, request=case(made))
        html_s, _ = measure(lambda: pack.render_html(meeting), args.repeat)
        pdf_s, pdf = measure(lambda: pack.render_pack(meeting), args.repeat)
        pages = pdf_pages(pdf)
        print(
            f"{size:>6} {1000 * statistics.median(html_s):>9.0f} {1000 * statistics.median(pdf_s):>9.0f} {pages:>6} "
            f"{len(pdf) / 1024:>7.0f}"
        )


if __name__ == "__main__":
    main()
