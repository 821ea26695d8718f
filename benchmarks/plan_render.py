"""Benchmark: rendering a long EHC plan (about 20 A4 pages) to HTML and to a tagged PDF (PDF/UA-1, WeasyPrint).

    python benchmarks/plan_render.py [--repeat 7] [--needs 8] [--profile]

Builds a scratch SQLite database (migrated, in a temporary directory), makes a child and a plan through the
services, fills it with a realistic long synthetic plan (needs in all four areas, outcomes, quantified provision,
health and social care, three appendices of advice), then times the standalone HTML document and the PDF.
Prints median and p95 over the runs and the page count (pypdf). Targets: PDF under 1 s, HTML under 100 ms.
It is not a pass/fail test. --profile prints where the PDF time goes (cProfile, top 15 by cumulative time).
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from _common import measure, pdf_pages, percentiles, scratch_sqlite

SENTENCES = [
    "{name} finds it hard to follow spoken instructions with more than two parts, especially in a busy room.",
    "Staff have noticed that {name} is most settled when the day is predictable and changes are explained early.",
    "{name} responds well to praise that is specific and given quietly, rather than in front of the class.",
    "Assessment by the educational psychologist in the spring term placed {name}'s working memory below the 5th "
    "centile, while verbal reasoning was in the average range.",
    "{name}'s parents report that homework causes distress most evenings and that sleep is often disrupted.",
]
AREAS = [
    ("communication_interaction", "SLCN"),
    ("cognition_learning", "SPLD"),
    ("semh", "SEMH"),
    ("sensory_physical", "PD"),
    ("communication_interaction", "ASD"),
    ("cognition_learning", "MLD"),
    ("sensory_physical", "HI"),
    ("semh", "SEMH"),
]


def _paragraphs(name: str, n: int) -> str:
    return "\n\n".join(
        " ".join(SENTENCES[(i + j) % len(SENTENCES)].format(name=name) for j in range(4)) for i in range(n)
    )


def long_sections(name: str, needs: int) -> dict:
    from highneeds.plans import sections as S

    sections = S.blank()
    sections["A"].update(
        views=_paragraphs(name, 3),
        interests=_paragraphs(name, 2),
        aspirations=_paragraphs(name, 2),
        written_by=f"{name}'s parents",
        written_by_role="Parent or carer",
        written_on="2025-01-10",
    )
    for i in range(needs):
        area, code = AREAS[i % len(AREAS)]
        if any(n["code"] == code for n in sections["B"]["needs"]):
            code = ""
        need_id = f"b{i}"
        sections["B"]["needs"].append({"id": need_id, "area": area, "code": code, "text": _paragraphs(name, 2)})
        for k in range(2):
            sections["E"]["outcomes"].append(
                {
                    "id": f"e{i}{k}",
                    "text": f"{name} will meet target {k + 1} for need {i + 1}: " + SENTENCES[k],
                    "by_when": "By the end of Year 7 (July 2026)",
                    "measure": "Termly assessment by the class teacher "
                    "and the specialist, reported at the annual review",
                    "needs": [need_id],
                    "adulthood": "independent_living" if k == 1 and i == 0 else "",
                }
            )
        for k in range(3):
            sections["F"]["items"].append(
                {
                    "id": f"f{i}{k}",
                    "what": f"Programme {k + 1} for need {i + 1}: " + SENTENCES[(i + k) % 5].format(name=name),
                    "who": "Specialist teacher",
                    "expertise": "Qualified teacher with a specialist qualification in the area of need",
                    "frequency": "Three times a week",
                    "duration": "30 minutes a session, for the school year",
                    "group_size": "1:1",
                    "needs": [need_id],
                    "outcomes": [f"e{i}0", f"e{i}1"],
                }
            )
    sections["C"]["text"] = _paragraphs(name, 2)
    sections["D"]["text"] = _paragraphs(name, 1)
    sections["G"].update(
        text=_paragraphs(name, 1), agreed_by="Designated clinical officer, ICB", agreed_on="2025-02-01"
    )
    sections["H2"]["text"] = _paragraphs(name, 1)
    sections["J"]["personal_budget"] = "£1,200 a year for travel training, paid as a direct payment."
    return sections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--needs", type=int, default=8, help="needs in section B (size of the plan)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    scratch_sqlite("hn-plan-bench-")
    from highneeds.accounts.roles import SYSTEM
    from highneeds.casework import services as cw
    from highneeds.people import services as people
    from highneeds.plans import rendering
    from highneeds.plans import services as plans

    today = date.today()
    child = people.create_child(
        actor=SYSTEM,
        data={
            "first_name": "Benchmark",
            "last_name": "Child",
            "date_of_birth": date(2013, 3, 1),
            "sex": "F",
            "responsible_la": "999",
        },
    )
    people.set_sen_status(actor=SYSTEM, child=child, status="K", on=date(2022, 9, 1))
    request = cw.submit_request(actor=SYSTEM, child=child, received_on=today - timedelta(days=90), source="1")
    cw.decide_whether_to_assess(
        actor=SYSTEM, request=request, assess=True, decided_on=today - timedelta(days=80), reasons="Evidence"
    )
    for kind in ("educational_psychology", "health", "setting"):
        advice = cw.request_advice(
            actor=SYSTEM,
            request=request,
            adviser_type=kind,
            requested_on=today - timedelta(days=79),
            adviser_name=f"{kind} service",
        )
        cw.submit_advice(
            actor=SYSTEM, advice=advice, text=_paragraphs("Benchmark", 4), received_on=today - timedelta(days=30)
        )
    plan = plans.create_plan(actor=SYSTEM, child=child, request=request)
    version = plan.versions.get()
    version.sections = long_sections("Benchmark", args.needs)
    version.save()

    rendering.render_pdf(version)  # warm-up: fonts loaded and cached by fontconfig/WeasyPrint
    html_s, html = measure(lambda: rendering.render_document(version), args.repeat)
    pdf_s, pdf = measure(lambda: rendering.render_pdf(version), args.repeat)
    (html_p50, html_p95), (pdf_p50, pdf_p95) = percentiles(html_s), percentiles(pdf_s)
    pages = int(pdf_pages(pdf))
    print(
        f"plan: {args.needs} needs, {len(version.sections['E']['outcomes'])} outcomes, "
        f"{len(version.sections['F']['items'])} provision items, {len(html) / 1024:.0f} KB of HTML"
    )
    print(f"{'':10} {'median ms':>10} {'p95 ms':>8} {'target':>8}")
    print(f"{'HTML':10} {html_p50:>10.1f} {html_p95:>8.1f} {'<100':>8}")
    print(f"{'PDF':10} {pdf_p50:>10.0f} {pdf_p95:>8.0f} {'<1000':>8}")
    print(
        f"PDF: {pages} pages, {len(pdf) / 1024:.0f} KB, {pdf_p50 / pages:.0f} ms a page; "
        f"{args.repeat} runs after one warm-up"
    )
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        rendering.render_pdf(version)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
