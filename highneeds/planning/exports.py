"""A scenario (or a comparison) as a DSG management plan workbook (xlsx) and as CSV.

Numbers are written as numbers with number formats (pounds, counts, percentages), never as text, so the
workbook can be used in the council's own spreadsheets. Aggregates only: no child is named.
"""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from highneeds import spreadsheets
from highneeds.engine import codes

from . import engine_bridge as eb
from . import presenting
from .forms import RAMP_LABELS

POUNDS = '"£"#,##0;[Red]-"£"#,##0'
COUNT = "#,##0"
PERCENT = "0.0%"
CONVENTIONS = (
    "Year Y: EHC plans are counted at January Y; spend, allocation and the in-year position are for "
    "the financial year April Y-1 to March Y (the 'Financial year' column). The cumulative position is the "
    "balance brought forward plus the running sum of in-year positions; negative is a deficit. P10 and "
    "P90 bound the middle 80% of 500 simulations; P50 is the median. Cost avoided is the median spend "
    "with the scenario's levers off minus the median spend with them on."
)
CSV_COLUMNS = [
    "scenario",
    "year",
    "financial_year",
    "plans_p10",
    "plans_p50",
    "plans_p90",
    "spend_p10",
    "spend_p50",
    "spend_p90",
    "allocation",
    "in_year_p10",
    "in_year_p50",
    "in_year_p90",
    "cumulative_p10",
    "cumulative_p50",
    "cumulative_p90",
    "baseline_spend_p50",
    "cost_avoided",
]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "scenario"


def describe_value(lever: str | None, value: float) -> str:
    if lever == "new_places":
        return f"{value:,.0f} places"
    return f"{value * 100:.1f}%"


def _pounds(label: str, value: float) -> dict:
    shown = ("\u2212" if value < 0 else "") + f"£{abs(value):,.0f}"
    return {"lever": label, "value": float(value), "format": POUNDS, "shown": shown, "start": None, "ramp": None}


def lever_lines(scenario, base=None) -> list[dict]:
    """The scenario's levers and assumptions in words and numbers (pages and the workbook). With ``base`` (the
    calibrated CouncilBase), the published money the forecast used where none was entered is listed too."""
    levers = eb.levers_from_dict(scenario.levers)
    lines = []
    for key, label in RAMP_LABELS.items():
        ramp = getattr(levers, key)
        if ramp is not None:
            lines.append(
                {
                    "lever": label,
                    "value": ramp.value,
                    "format": PERCENT,
                    "shown": f"{ramp.value * 100:.1f}%",
                    "start": ramp.start_year,
                    "ramp": ramp.ramp_years,
                }
            )
    for k, p in enumerate(levers.new_places, 1):
        lines.append(
            {
                "lever": f"New in-area places ({k}): {'any need' if p.need == 'any' else codes.NEED_CODES.get(p.need, p.need)}, {eb.phases().get(p.phase, p.phase)}, "
                f"£{p.cost_per_place:,.0f} a place, children from {eb.setting_label(p.diverts_from).lower()}",
                "value": p.places,
                "format": COUNT,
                "shown": f"{p.places:,} places",
                "start": p.opening_year,
                "ramp": 0,
            }
        )
    lines.append(
        {
            "lever": "Population growth a year",
            "value": scenario.population_growth,
            "format": PERCENT,
            "shown": f"{scenario.population_growth * 100:.1f}%",
            "start": None,
            "ramp": None,
        }
    )
    lines.append(
        {
            "lever": "Cost inflation a year",
            "value": levers.cost_growth,
            "format": PERCENT,
            "shown": f"{levers.cost_growth * 100:.1f}%",
            "start": None,
            "ramp": None,
        }
    )
    lines.append(
        {
            "lever": "High needs block allocation growth a year",
            "value": scenario.allocation_growth,
            "format": PERCENT,
            "shown": f"{scenario.allocation_growth * 100:.1f}%",
            "start": None,
            "ramp": None,
        }
    )
    if scenario.hnb_allocation is not None:
        lines.append(
            {
                "lever": "High needs block allocation in the base year (entered)",
                "value": float(scenario.hnb_allocation),
                "format": POUNDS,
                "shown": f"£{scenario.hnb_allocation:,.0f}",
                "start": None,
                "ramp": None,
            }
        )
    elif base is not None:
        lines.append(
            _pounds(
                f"High needs block allocation {base.base_year - 1}-{str(base.base_year)[2:]} (published)",
                base.hnb_allocation,
            )
        )
        if base.next_allocation is not None:
            lines.append(
                _pounds(
                    f"High needs block allocation {base.base_year}-{str(base.base_year + 1)[2:]} (published)",
                    base.next_allocation,
                )
            )
    if scenario.opening_balance is not None:
        lines.append(
            {
                "lever": "Cumulative DSG balance brought forward (entered)",
                "value": float(scenario.opening_balance),
                "format": POUNDS,
                "shown": f"£{scenario.opening_balance:,.0f}",
                "start": None,
                "ramp": None,
            }
        )
    elif base is not None:
        lines.append(
            _pounds(
                f"Cumulative DSG balance at 31 March {base.base_year} (published or 0 when unknown)",
                base.opening_balance,
            )
        )
    if base is None:
        for setting, cost in sorted((scenario.unit_costs or {}).items()):
            lines.append(
                {
                    "lever": f"Cost of a plan a year, {eb.setting_label(setting).lower()} (entered)",
                    "value": float(cost),
                    "format": POUNDS,
                    "shown": f"£{float(cost):,.0f}",
                    "start": None,
                    "ramp": None,
                }
            )
        return lines
    for c in eb.cost_sources(scenario, base):
        lines.append(
            _pounds(
                f"Cost of a plan a year, {_in_sentence(eb.setting_label(c['setting']))} ({_cost_source(c)})", c["cost"]
            )
        )
    return lines


def _in_sentence(label: str) -> str:
    """A setting's label inside a sentence: a capital first letter lowered, abbreviations (SEN, FE, PRU) kept."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _cost_source(c: dict) -> str:
    if c["source"] == "commitments":
        return (
            f"the council's own commitments {c['year']}-{(c['year'] + 1) % 100:02d}, {c['children']:,} "
            f"child{'ren' if c['children'] != 1 else ''}"
        )
    if c["source"] == "published":
        return f"published: {c['about']}" if c["about"] else "published"
    return "entered"


def _sheet(wb, title: str, header: list[str], rows: list[list], formats: dict[int, str]):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    for col, fmt in formats.items():
        for cell in ws.iter_cols(min_col=col, max_col=col, min_row=2):
            for c in cell:
                c.number_format = fmt
    for i, _ in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = 16 if i > 1 else 28
    ws.freeze_panes = "B2"
    return ws


def _whole(value: float) -> int:
    return round(value)


def _lever_lines_calibrated(scenario) -> list[dict]:
    return lever_lines(scenario, eb.calibrated(scenario.base, scenario.la_code, scenario.base_year))


def workbook(named: list[tuple], count=_whole, assumptions=_lever_lines_calibrated):
    """named: [(scenario, projection, baseline)]. `count` shows a modelled count by setting or need (the reader's
    disclosure control, insight/disclosure.py; None is written as "Not shown"). `assumptions(scenario)` gives its
    lever lines (the pages pass a kept run's; the command line calibrates)."""
    wb = spreadsheets.new_workbook()
    summary = wb.active
    summary.title = "Summary"
    summary.append(["DSG management plan: high needs forecast"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["Produced", date.today()])
    summary["B2"].number_format = "d mmmm yyyy"
    summary.append(["Conventions", CONVENTIONS])
    summary.append([])
    summary.append(
        [
            "Scenario",
            "Calibrated from",
            "Base year",
            "Plans in first year (P50)",
            "Plans in last year (P50)",
            "Cumulative position in last year (P50)",
            "First year in balance (P50)",
            "Cost avoided, all years",
        ]
    )
    for cell in summary[5]:
        cell.font = Font(bold=True)
    for scenario, projection, baseline in named:
        h = presenting.headline(projection, baseline)
        source = "casework" if scenario.base == "casework" else f"published figures, LA {scenario.la_code}"
        summary.append(
            [
                scenario.name,
                source,
                scenario.base_year,
                round(h["plans_first"]),
                round(h["plans_last"]),
                round(h["cumulative_last"]),
                h["balanced_from"] or "Not in range",
                round(h["avoided_total"]),
            ]
        )
        r = summary.max_row
        for col, fmt in ((4, COUNT), (5, COUNT), (6, POUNDS), (8, POUNDS)):
            summary.cell(r, col).number_format = fmt
    summary.column_dimensions["A"].width = 34
    for col in "BCDEFGH":
        summary.column_dimensions[col].width = 20

    position, settings_rows, need_rows, lever_rows, avoided_rows = [], [], [], [], []
    for scenario, projection, baseline in named:
        avoided = eb.cost_avoided(baseline, projection)
        base_rows = presenting.rows(baseline)
        for row, a, b in zip(presenting.rows(projection), avoided, base_rows):
            v = row.values
            position.append(
                [
                    scenario.name,
                    row.year,
                    row.financial_year,
                    round(v["allocation"][1]),
                    *[round(x) for x in v["spend"]],
                    *[round(x) for x in v["in_year"]],
                    *[round(x) for x in v["cumulative"]],
                ]
            )
            avoided_rows.append(
                [scenario.name, row.year, row.financial_year, round(b.p50("spend")), round(row.p50("spend")), round(a)]
            )
        ys = presenting.years(projection)
        by_setting, by_need = presenting.by_setting(projection), presenting.by_need(projection)
        for i, year in enumerate(ys):
            settings_rows.append([scenario.name, year, *[_cell(count(s["values"][i])) for s in by_setting]])
            need_rows.append([scenario.name, year, *[_cell(count(n["values"][i])) for n in by_need]])
        for line in assumptions(scenario):
            lever_rows.append(
                [scenario.name, line["lever"], line["value"], line["start"], line["ramp"], line["format"]]
            )

    _sheet(
        wb,
        "DSG position",
        [
            "Scenario",
            "Year",
            "Financial year",
            "Allocation",
            "Spend P10",
            "Spend P50",
            "Spend P90",
            "In-year P10",
            "In-year P50",
            "In-year P90",
            "Cumulative P10",
            "Cumulative P50",
            "Cumulative P90",
        ],
        position,
        {c: POUNDS for c in range(4, 14)},
    )
    settings = [eb.setting_label(s) for s in eb.settings()]
    _sheet(
        wb,
        "Plans by setting",
        ["Scenario", "Year", *settings],
        settings_rows,
        {c: COUNT for c in range(3, 3 + len(settings))},
    )
    needs = [codes.NEED_CODES.get(n, n) for n in eb.needs()]
    _sheet(wb, "Plans by need", ["Scenario", "Year", *needs], need_rows, {c: COUNT for c in range(3, 3 + len(needs))})
    ws = _sheet(
        wb,
        "Levers and assumptions",
        ["Scenario", "Lever or assumption", "Value", "First year", "Years to full effect"],
        [r[:5] for r in lever_rows],
        {},
    )
    for i, r in enumerate(lever_rows, start=2):
        ws.cell(i, 3).number_format = r[5]
    ws.column_dimensions["B"].width = 70
    _sheet(
        wb,
        "Cost avoided",
        [
            "Scenario",
            "Year",
            "Financial year",
            "Spend without the levers (P50)",
            "Spend with the levers (P50)",
            "Cost avoided",
        ],
        avoided_rows,
        {4: POUNDS, 5: POUNDS, 6: POUNDS},
    )
    return wb


def _cell(value):
    return "Not shown" if value is None else round(value)


def workbook_bytes(named: list[tuple], count=_whole, assumptions=_lever_lines_calibrated) -> bytes:
    return spreadsheets.workbook_bytes(workbook(named, count, assumptions))


def csv_rows(named: list[tuple]) -> list[dict]:
    out = []
    for scenario, projection, baseline in named:
        avoided = eb.cost_avoided(baseline, projection)
        for row, a, b in zip(presenting.rows(projection), avoided, presenting.rows(baseline)):
            v = row.values
            values = [*v["plans"], *v["spend"], v["allocation"][1], *v["in_year"], *v["cumulative"], b.p50("spend"), a]
            out.append(
                {
                    "scenario": scenario.name,
                    "year": row.year,
                    "financial_year": row.financial_year,
                    **{c: round(x, 2) for c, x in zip(CSV_COLUMNS[3:], values)},
                }
            )
    return out


def csv_text(named: list[tuple]) -> str:
    out = io.StringIO()
    writer = spreadsheets.csv_dict_writer(out, CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(csv_rows(named))
    return out.getvalue()
