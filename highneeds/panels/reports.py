"""Panel outcomes: recommendations by panel and period, decisions that departed from them, and for each member
agency its attendance, the cases it considered and how often a recommendation it was part of matched the
council's decision. Aggregates only: no child is named, and counts are protected for readers who may not open
every child's record (insight/disclosure.py: small counts hidden, with any that would give them away, the rest
rounded).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from highneeds.casework.models import Decision
from highneeds.engine import disclosure as sdc
from highneeds.insight import disclosure

from . import queries
from .models import AGENCIES, PANEL_TYPES, RECOMMENDATIONS, Panel, PanelMeeting, PanelMember, Recommendation


@dataclass
class PeriodRow:
    label: str
    considered: int = 0
    by_outcome: Counter = field(default_factory=Counter)
    decided: int = 0
    departed: int = 0


@dataclass
class PanelReport:
    panel_id: int
    name: str
    panel_type: str
    outcomes: list[tuple[str, str]]
    periods: list[PeriodRow]
    total: PeriodRow

    @property
    def type_label(self) -> str:
        return PANEL_TYPES.get(self.panel_type, self.panel_type)


@dataclass
class AgencyRow:
    agency: str
    label: str
    meetings_attended: int = 0
    items_considered: int = 0
    compared: int = 0
    matched: int = 0

    @property
    def match_rate(self) -> float | None:
        return self.matched / self.compared if self.compared else None


@dataclass
class Report:
    date_from: date
    date_to: date
    period: str
    panels: list[PanelReport]
    agencies: list[AgencyRow]
    totals_by_outcome: list[tuple[str, int]]
    policy: sdc.Policy = disclosure.EXACT

    @property
    def note(self) -> str:
        return disclosure.note(self.policy)

    def one(self, value: int) -> str:
        """A count standing alone (no total is shown with it), as this reader may see it."""
        return disclosure.shown(sdc.protect([[value]], self.policy).total)

    def rate(self, part: int, whole: int) -> str:
        return disclosure.percent_text(part, whole, self.policy, empty="No decisions yet", places=0)

    @property
    def shown_totals(self) -> list[tuple[str, int | None]]:
        values, _ = sdc.protect_list([n for _, n in self.totals_by_outcome], self.policy)
        return [(label, v) for (label, _), v in zip(self.totals_by_outcome, values)]

    def panel_rows(self, panel: PanelReport) -> list[dict]:
        """Each period and the total as text. Two tables are protected, each with its totals: the outcomes (their
        row total is the cases recommended on) and the decisions that did and did not depart."""
        codes = [code for code, _ in panel.outcomes]
        outcomes = sdc.protect([[p.by_outcome[c] for c in codes] for p in panel.periods], self.policy)
        decided = sdc.protect([[p.departed, p.decided - p.departed] for p in panel.periods], self.policy)
        rows = []
        for i, p in enumerate(panel.periods):
            rows.append(
                {
                    "label": p.label,
                    "considered": outcomes.row_totals[i],
                    "outcomes": outcomes.cells[i],
                    "decided": decided.row_totals[i],
                    "departed": decided.cells[i][0],
                }
            )
        rows.append(
            {
                "label": panel.total.label,
                "considered": outcomes.total,
                "outcomes": outcomes.column_totals,
                "decided": decided.total,
                "departed": decided.column_totals[0],
            }
        )
        return [
            {
                **r,
                "considered": disclosure.shown(r["considered"]),
                "outcomes": [disclosure.shown(v) for v in r["outcomes"]],
                "decided": disclosure.shown(r["decided"]),
                "departed": disclosure.shown(r["departed"]),
            }
            for r in rows
        ]


def period_key(day: date, period: str) -> tuple[int, int]:
    return (day.year, (day.month - 1) // 3 + 1) if period == "quarter" else (day.year, day.month)


def period_label(key: tuple[int, int], period: str) -> str:
    year, part = key
    if period == "quarter":
        first = 3 * (part - 1) + 1
        return f"{date(year, first, 1):%B} to {date(year, first + 2, 1):%B} {year}"
    return f"{date(year, part, 1):%B %Y}"


def _decisions(recommendations: list[Recommendation]) -> dict[int, Decision]:
    """The council's decision for each recommendation: linked to it, else the request's decision of the panel's
    kind made on or after the meeting (a decision recorded without choosing the panel)."""
    found: dict[int, Decision] = {}
    for decision in Decision.objects.filter(recommendation__in=recommendations):
        found[decision.recommendation_id] = decision
    missing = [
        r for r in recommendations if r.pk not in found and r.item.meeting.panel.panel_type in queries.DECISION_KIND
    ]
    if missing:
        by_request = defaultdict(list)
        for decision in Decision.objects.filter(request_id__in={r.item.request_id for r in missing}):
            by_request[(decision.request_id, decision.kind)].append(decision)
        for r in missing:
            kind = queries.DECISION_KIND[r.item.meeting.panel.panel_type]
            for decision in by_request.get((r.item.request_id, kind), []):
                if decision.decided_on >= r.item.meeting.meets_on and decision.recommendation_id in (None, r.pk):
                    found[r.pk] = decision
                    break
    return found


def outcomes(
    *,
    date_from: date,
    date_to: date,
    period: str = "month",
    policy: sdc.Policy = disclosure.EXACT,
    panels: list[Panel] | None = None,
) -> Report:
    """Outcomes of meetings held from `date_from` to `date_to` inclusive."""
    recommendations = list(
        Recommendation.objects.filter(
            item__meeting__meets_on__gte=date_from,
            item__meeting__meets_on__lte=date_to,
            **({"item__meeting__panel__in": panels} if panels is not None else {}),
        ).select_related("item__meeting__panel")
    )
    decisions = _decisions(recommendations)

    # By panel and period
    rows: dict[int, dict[tuple[int, int], PeriodRow]] = defaultdict(dict)
    panel_objs: dict[int, Panel] = {}
    totals: Counter = Counter()
    for rec in recommendations:
        meeting = rec.item.meeting
        panel_objs[meeting.panel_id] = meeting.panel
        key = period_key(meeting.meets_on, period)
        row = rows[meeting.panel_id].setdefault(key, PeriodRow(period_label(key, period)))
        row.considered += 1
        row.by_outcome[rec.outcome] += 1
        label = dict(RECOMMENDATIONS[meeting.panel.panel_type]).get(rec.outcome, rec.outcome)
        totals[label] += 1
        decision = decisions.get(rec.pk)
        if decision is not None:
            row.decided += 1
            if queries.departs(rec, decision):
                row.departed += 1
    panel_reports = []
    for panel_id, by_period in rows.items():
        panel = panel_objs[panel_id]
        periods = [by_period[k] for k in sorted(by_period)]
        total = PeriodRow("All periods")
        for p in periods:
            total.considered += p.considered
            total.by_outcome.update(p.by_outcome)
            total.decided += p.decided
            total.departed += p.departed
        panel_reports.append(
            PanelReport(panel_id, panel.name, panel.panel_type, RECOMMENDATIONS[panel.panel_type], periods, total)
        )
    panel_reports.sort(key=lambda r: (list(PANEL_TYPES).index(r.panel_type), r.name))

    # By member agency
    agencies = {code: AgencyRow(code, label) for code, label in AGENCIES.items()}
    meetings = PanelMeeting.objects.filter(meets_on__gte=date_from, meets_on__lte=date_to)
    if panels is not None:
        meetings = meetings.filter(panel__in=panels)
    attended = (
        PanelMeeting.present.through.objects.filter(panelmeeting__in=meetings)
        .values_list("panelmember__agency", "panelmeeting_id")
        .distinct()
    )
    for agency, _meeting in set(attended):
        if agency in agencies:
            agencies[agency].meetings_attended += 1
    member_ids = {pk for rec in recommendations for pk in rec.quorate_members}
    agency_of = dict(PanelMember.objects.filter(pk__in=member_ids).values_list("pk", "agency"))
    for rec in recommendations:
        present = {agency_of.get(pk) for pk in rec.quorate_members} - {None}
        decision = decisions.get(rec.pk)
        departed = queries.departs(rec, decision)
        for agency in present:
            row = agencies[agency]
            row.items_considered += 1
            if departed is not None:
                row.compared += 1
                row.matched += 0 if departed else 1
    agency_rows = [row for row in agencies.values() if row.meetings_attended or row.items_considered]

    return Report(
        date_from=date_from,
        date_to=date_to,
        period=period,
        panels=panel_reports,
        agencies=agency_rows,
        totals_by_outcome=sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])),
        policy=policy,
    )


def bar_chart(data: list[tuple[str, int | None]], *, title: str) -> Markup:
    """A plain horizontal bar chart as inline SVG of counts already protected for the reader (None: not shown).
    The same figures are always given in a table beside it."""
    if not data:
        return Markup("")
    bar_h, gap, label_w, bar_w = 24, 10, 210, 190
    height = len(data) * (bar_h + gap) + gap
    top = max(v or 0 for _, v in data) or 1
    width = label_w + bar_w + 100
    parts = [
        f'<svg class="hn-chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="Arial, sans-serif" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for i, (label, value) in enumerate(data):
        y = gap + i * (bar_h + gap)
        shown = disclosure.shown(value)
        bar = 0 if value is None else max(2, round(bar_w * value / top))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" font-size="16" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar}" height="{bar_h}" fill="#1d70b8"></rect>')
        parts.append(
            f'<text x="{label_w + bar + 6}" y="{y + bar_h * 0.7:.0f}" font-size="16" '
            f'fill="#0b0c0c">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
