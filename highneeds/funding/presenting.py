"""Plain figures for the funding pages (templates get dicts and strings, never model objects)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from highneeds.engine.funding.pricing import SETTING_LABELS, financial_year_bounds

from .models import Actual, Budget, BudgetLine, DsgAllocation
from .queries import council_table, monthly_pence

ZERO = Decimal(0)
OVERRIDE_LAST_YEAR = 2027  # the statutory override runs to 31 March 2028, the end of 2027-28 (DOMAIN.md s.6)
MONTHS = [
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
]


def gbp(value: Decimal | None) -> str:
    if value is None:
        return "not known"
    value = Decimal(value).quantize(Decimal("1"))
    return f"-£{-value:,}" if value < 0 else f"£{value:,}"


def current_financial_year(today: date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def fy_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def month_bounds(year: int, period: int) -> tuple[date, date]:
    month = (period + 2) % 12 + 1
    y = year if period <= 9 else year + 1
    start = date(y, month, 1)
    nxt = date(y + (month == 12), month % 12 + 1, 1)
    return start, date.fromordinal(nxt.toordinal() - 1)


def _pounds(pence) -> Decimal:
    return Decimal(int(round(pence))) / 100


def monitoring(year: int) -> dict:
    """Budget, committed, paid and forecast outturn by line, by setting type and by month."""
    table = council_table(year)
    monthly = monthly_pence(table, year)
    paid = defaultdict(lambda: ZERO)
    paid_month = defaultdict(lambda: ZERO)
    last_period = 0
    for row in Actual.objects.filter(financial_year=year).values("line_id", "period").annotate(total=Sum("amount")):
        paid[row["line_id"]] += row["total"]
        paid_month[row["period"]] += row["total"]
        last_period = max(last_period, row["period"])
    budgets = {b.line_id: b.amount for b in Budget.objects.filter(financial_year=year)}
    lines, totals = [], defaultdict(lambda: ZERO)
    for line in BudgetLine.objects.all():
        mask = table["line_id"] == line.pk
        figures = {
            "budget": budgets.get(line.pk, ZERO),
            "committed": _pounds(table["high_needs"][mask].sum()),
            "paid": paid[line.pk],
        }
        if mask.any():
            remaining = _pounds(monthly[mask, last_period:].sum())
        else:  # a line with no packages (central services, say): its budget for the months not yet paid
            remaining = (figures["budget"] * (12 - last_period) / 12).quantize(Decimal("0.01"))
        figures["outturn"] = figures["paid"] + remaining
        figures["variance"] = figures["outturn"] - figures["budget"]
        figures["uncommitted"] = figures["budget"] - figures["committed"]  # the S151 view: budget not yet committed
        for k, v in figures.items():
            totals[k] += v
        lines.append(
            {
                "code": line.code,
                "name": line.name,
                **{k: gbp(v) for k, v in figures.items()},
                "overspend": figures["variance"] > 0,
            }
        )
    settings = []
    for setting_type in sorted(set(table["setting_type"])):
        mask = table["setting_type"] == setting_type
        settings.append(
            {
                "setting": SETTING_LABELS[setting_type],
                "children": f"{len(set(table['child_id'][mask])):,}",
                "raw": _pounds(table["high_needs"][mask].sum()),
            }
        )
    settings.sort(key=lambda s: -s["raw"])
    month_committed = monthly.sum(axis=0) if len(table["lo"]) else [0] * 12
    budget_total = totals["budget"]
    return {
        "year": year,
        "label": fy_label(year),
        "lines": lines,
        "totals": {k: gbp(v) for k, v in totals.items()},
        "raw": dict(totals),
        "last_period": MONTHS[last_period - 1] if last_period else None,
        "settings": [
            {"setting": s["setting"], "children": s["children"], "committed": gbp(s["raw"])} for s in settings
        ],
        "months": [
            {
                "month": MONTHS[i],
                "budget": gbp(budget_total / 12),
                "committed": gbp(_pounds(month_committed[i])),
                "paid": gbp(paid_month[i + 1]) if i + 1 <= last_period else "",
            }
            for i in range(12)
        ],
        "packages": len(table["lo"]),
        "packages_text": f"{len(table['lo']):,}",
    }


def dsg_position(year: int, outturn: Decimal) -> dict:
    allocation = DsgAllocation.objects.filter(financial_year=year).first()
    in_year = None if allocation is None else allocation.high_needs_block - outturn
    opening = allocation.opening_balance if allocation else None
    cumulative = None if (in_year is None or opening is None) else opening + in_year
    first, last = financial_year_bounds(year)
    return {
        "year": year,
        "label": fy_label(year),
        "allocation": gbp(allocation.high_needs_block) if allocation else None,
        "source": allocation.source if allocation else "",
        "outturn": gbp(outturn),
        "in_year": gbp(in_year) if in_year is not None else None,
        "in_year_deficit": in_year is not None and in_year < 0,
        "opening": gbp(opening) if opening is not None else None,
        "cumulative": gbp(cumulative) if cumulative is not None else None,
        "cumulative_deficit": cumulative is not None and cumulative < 0,
        "override_end": "31 March 2028 (the end of 2027-28)",
        "override_years_left": max(0, OVERRIDE_LAST_YEAR - year),
        "override_ended": year > OVERRIDE_LAST_YEAR,
        "history": [
            {"label": fy_label(a.financial_year), "allocation": gbp(a.high_needs_block), "source": a.source}
            for a in DsgAllocation.objects.order_by("financial_year")
        ],
        "period": f"1 April {first.year} to 31 March {last.year}",
    }
