"""Turning the engine's projections into what pages, exports and the API show: rows by year, charts, and
comparisons. Percentile arrays are (3, years[, k]) for P10, P50, P90.

Conventions (the engine's): model year Y is the January Y caseload, the new plans and leavers of the twelve
months before it, and the money of the financial year April Y-1 to March Y (`financial_years`, "2026-27" for
2027); the cumulative position is the balance brought forward at 31 March of the base year plus the running
sum of in-year positions (negative = deficit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from highneeds.engine import codes

from . import charts
from . import engine_bridge as eb

P10, P50, P90 = 0, 1, 2
MEASURES = {
    "plans": "EHC plans in January",
    "spend": "High needs spend",
    "allocation": "High needs block allocation",
    "in_year": "In-year position",
    "cumulative": "Cumulative DSG position",
}
MONEY = frozenset({"spend", "allocation", "in_year", "cumulative"})


def _arr(projection, name: str) -> np.ndarray:
    return np.asarray(getattr(projection, name), dtype=float)


def band(projection, name: str) -> tuple[list[float], list[float], list[float]]:
    a = _arr(projection, name)
    if a.ndim == 1:  # a single line (the allocation is not uncertain)
        values = [float(v) for v in a]
        return values, values, values
    return [float(v) for v in a[P10]], [float(v) for v in a[P50]], [float(v) for v in a[P90]]


def years(projection) -> list[int]:
    return [int(y) for y in projection.years]


@dataclass
class YearRow:
    year: int
    financial_year: str
    values: dict  # measure -> (p10, p50, p90)

    def p50(self, measure: str) -> float:
        return self.values[measure][1]


def rows(projection) -> list[YearRow]:
    bands = {m: band(projection, m) for m in MEASURES}
    return [
        YearRow(y, fy, {m: (b[0][i], b[1][i], b[2][i]) for m, b in bands.items()})
        for i, (y, fy) in enumerate(zip(years(projection), projection.financial_years))
    ]


def by_setting(projection) -> list[dict]:
    """P50 plans by setting type and year."""
    a = _arr(projection, "plans_by_setting")[P50]
    return [
        {"setting": eb.setting_label(s), "values": [float(v) for v in a[:, k]]} for k, s in enumerate(eb.settings())
    ]


def by_need(projection) -> list[dict]:
    a = _arr(projection, "plans_by_need")[P50]
    return [
        {"need": codes.NEED_CODES.get(n, n), "values": [float(v) for v in a[:, k]]} for k, n in enumerate(eb.needs())
    ]


def first_balanced_year(projection) -> int | None:
    """The first year from which the P50 in-year position is never again a deficit (to the forecast's end).

    Not merely the first year without a deficit: a one-off surplus (an allocation published a year ahead,
    say) followed by deficits is not balance, and reporting it made every scenario look balanced in the
    same year whatever its levers did."""
    _lo, mid, _hi = band(projection, "in_year")
    found = None
    for y, v in zip(years(projection), mid):
        found = (found or y) if v >= 0 else None
    return found


def headline(projection, baseline=None) -> dict:
    ys = years(projection)
    _, cum, _ = band(projection, "cumulative")
    _, plans, _ = band(projection, "plans")
    out = {
        "first_year": ys[0],
        "last_year": ys[-1],
        "plans_last": plans[-1],
        "plans_first": plans[0],
        "cumulative_last": cum[-1],
        "balanced_from": first_balanced_year(projection),
    }
    if baseline is not None:
        avoided = eb.cost_avoided(baseline, projection)
        out["avoided"] = avoided
        out["avoided_total"] = sum(avoided)
    return out


HISTORY_SHOWN = 6  # Januaries of actual plans drawn before the forecast (the base January the last)


def history(base) -> list[dict]:
    """Actual plans at the last Januaries before the forecast (the calibration's, the base January last)."""
    if base is None:
        return []
    known = sorted((y, v) for y, v in (base.history or {}).items() if y <= base.base_year)
    return [{"year": int(y), "plans": float(v)} for y, v in known[-HISTORY_SHOWN:]]


def plans_chart(projection, baseline=None, name: str = "Scenario", actual: list[dict] | None = None):
    """EHC plans: the actual history up to the base January, then the forecast with its P10-P90 band."""
    ys = years(projection)
    actual = actual or []
    past = [a["year"] for a in actual if a["year"] < ys[0]]
    pad = [None] * len(past)
    lo, mid, hi = band(projection, "plans")
    series = [charts.Series(name, pad + mid, pad + lo, pad + hi)]
    if baseline is not None:
        series.append(charts.Series("Without the levers", pad + band(baseline, "plans")[1]))
    if actual:
        series.append(charts.Series("Actual", [a["plans"] for a in actual if a["year"] < ys[0]] + [None] * len(ys)))
    forecast = (
        f"median forecast of EHC plans from {mid[0]:,.0f} in {ys[0]} to {mid[-1]:,.0f} in {ys[-1]}, shaded "
        "between the 10th and 90th percentiles. The tables below give every figure."
    )
    desc = (
        f"Actual EHC plans from {actual[0]['plans']:,.0f} in January {actual[0]['year']} to "
        f"{actual[-1]['plans']:,.0f} in {actual[-1]['year']}, then the {forecast}"
        if actual
        else forecast[0].upper() + forecast[1:]
    )
    return charts.line_chart(f"EHC plans, {(past or ys)[0]} to {ys[-1]}", desc, past + ys, series, charts.number)


def scenario_charts(projection, baseline=None, name: str = "Scenario", actual: list[dict] | None = None) -> dict:
    """The charts on a scenario page: plans (after their actual history) and spend with their P10-P90 band,
    the in-year position as bars, and the cumulative position; each with the baseline as a second line."""
    ys = years(projection)

    def series(what: str) -> list[charts.Series]:
        lo, mid, hi = band(projection, what)
        out = [charts.Series(name, mid, lo, hi)]
        if baseline is not None:
            out.append(charts.Series("Without the levers", band(baseline, what)[1]))
        return out

    span = f"{ys[0]} to {ys[-1]}"
    names = [name] + (["Without the levers"] if baseline is not None else [])
    spend_names = names + ["Allocation"]
    _, in_year, _ = band(projection, "in_year")
    _, spend, _ = band(projection, "spend")
    _, alloc, _ = band(projection, "allocation")
    _, cum, _ = band(projection, "cumulative")
    return {
        "legend": charts.legend(names),
        "plans_legend": charts.legend(names + (["Actual"] if actual else [])),
        "spend_legend": charts.legend(spend_names),
        "plans": plans_chart(projection, baseline, name, actual),
        "spend": charts.line_chart(
            f"High needs spend, {span}",
            f"Median spend from {charts.money(spend[0])} to {charts.money(spend[-1])} against an allocation of "
            f"{charts.money(alloc[0])} to {charts.money(alloc[-1])}. The table below gives every figure.",
            ys,
            series("spend") + [charts.Series("Allocation", alloc)],
            charts.money,
        ),
        "in_year": charts.bar_chart(
            f"In-year position, {span}",
            "Median in-year position each year: bars above the line are surpluses, hatched bars below are "
            f"deficits; {charts.money(in_year[0])} in {ys[0]}, {charts.money(in_year[-1])} in "
            f"{ys[-1]}. The table below gives every figure.",
            ys,
            in_year,
        ),
        "cumulative": charts.line_chart(
            f"Cumulative DSG position, {span}",
            f"Median cumulative position from {charts.money(cum[0])} in {ys[0]} to {charts.money(cum[-1])} in "
            f"{ys[-1]} (negative is a deficit). The table below gives every figure.",
            ys,
            series("cumulative"),
            charts.money,
        ),
    }


def comparison(named: list[tuple[str, object, object]]) -> dict:
    """Side by side: [(name, projection, baseline)] -> rows by year of P50 figures and cost avoided."""
    ys = years(named[0][1])
    measures = []
    for measure in ("plans", "spend", "in_year", "cumulative"):
        measures.append(
            {
                "key": measure,
                "label": MEASURES[measure],
                "money": measure in MONEY,
                "series": [{"name": n, "values": band(p, measure)[1]} for n, p, _b in named],
            }
        )
    measures.append(
        {
            "key": "avoided",
            "label": "Cost avoided",
            "money": True,
            "series": [{"name": n, "values": eb.cost_avoided(b, p)} for n, p, b in named],
        }
    )
    chart = charts.line_chart(
        f"Cumulative DSG position by scenario, {ys[0]} to {ys[-1]}",
        "Median cumulative position of each scenario compared; the table gives every figure.",
        ys,
        [charts.Series(n, band(p, "cumulative")[1]) for n, p, _b in named],
        charts.money,
    )
    return {
        "years": ys,
        "measures": measures,
        "chart": chart,
        "legend": charts.legend([n for n, *_ in named]),
        "totals": [
            {"name": n, "avoided": sum(eb.cost_avoided(b, p)), "balanced_from": first_balanced_year(p)}
            for n, p, b in named
        ],
    }
