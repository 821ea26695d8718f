"""A setting's statement: which children it is paid for and the top-ups due each term of a financial year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from highneeds.engine.funding.pricing import money, price_terms
from highneeds.web.jinja import format_date

from .models import Commitment
from .presenting import fy_label, gbp
from .queries import engine_terms, priced_commitments

PAID_TO_SETTING = ("top_up", "fee", "residential")


def terms_of(year: int) -> list[tuple[str, date, date]]:
    return [
        (f"Summer {year}", date(year, 4, 1), date(year, 8, 31)),
        (f"Autumn {year}", date(year, 9, 1), date(year, 12, 31)),
        (f"Spring {year + 1}", date(year + 1, 1, 1), date(year + 1, 3, 31)),
    ]


def statement(setting, year: int) -> dict:
    rows, total = {}, Decimal(0)
    term_totals = {name: Decimal(0) for name, *_ in terms_of(year)}
    for p in priced_commitments(year, Commitment.objects.filter(establishment=setting)):
        c = p.commitment
        row = rows.setdefault(
            c.child_id,
            {
                "child_id": c.child_id,
                "child": c.child.full_name,
                "band": c.band.name if c.band else "Costed package",
                "terms": [],
                "total": Decimal(0),
            },
        )
        row["band"] = c.band.name if c.band else "Costed package"
        for name, lo, hi in terms_of(year):
            lo, hi = max(lo, p.start), min(hi, p.end)
            if lo > hi:
                continue
            priced = price_terms(engine_terms(c), year, start=lo, end=hi)
            due = sum((priced.amount(n) for n in PAID_TO_SETTING), Decimal(0))
            row["terms"].append(
                {
                    "term": name,
                    "from": lo,
                    "to": hi,
                    "dates": f"{format_date(lo)} to {format_date(hi)}",
                    "amount": gbp(due),
                    "amount_raw": money(due),
                }
            )
            row["total"] += due
            term_totals[name] += due
            total += due
    out_rows = sorted(rows.values(), key=lambda r: r["child"])
    for r in out_rows:
        r["total"] = gbp(r["total"])
    return {
        "setting": setting.name,
        "urn": setting.urn,
        "year": year,
        "label": fy_label(year),
        "rows": out_rows,
        "terms": [{"term": k, "amount": gbp(v)} for k, v in term_totals.items()],
        "total": gbp(total),
    }
