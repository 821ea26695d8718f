"""Reading funding data: frameworks in force, children's current bands, commitments priced for a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q

from highneeds.engine.funding import bulk
from highneeds.engine.funding import pricing as pricing_engine

from .models import Band, ChildBand, Commitment, Framework


def framework_in_force(code: str, on: date) -> Framework | None:
    """The latest version of `code` in effect on `on`."""
    return (
        Framework.objects.filter(code=code, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-version")
        .first()
    )


def engine_bands(framework: Framework) -> dict:
    return {b.code: b.price_for_engine() for b in Band.objects.filter(framework=framework)}


def engine_lookup(code: str, on: date):
    """The pricing engine's FrameworkLookup over installed frameworks."""
    framework = framework_in_force(code, on)
    return None if framework is None else engine_bands(framework)


def band_history(child) -> list[ChildBand]:
    return list(
        ChildBand.objects.filter(child=child)
        .select_related("framework", "area", "band", "recorded_by")
        .order_by("framework__code", "area__order", "-effective_from", "-pk")
    )


def current_bands(child, framework: Framework, on: date) -> dict[int, ChildBand]:
    """area id -> the band in force on `on` for that area."""
    out: dict[int, ChildBand] = {}
    rows = (
        ChildBand.objects.filter(child=child, framework=framework, effective_from__lte=on)
        .select_related("area", "band")
        .order_by("area_id", "-effective_from", "-pk")
    )
    for row in rows:
        out.setdefault(row.area_id, row)
    return out


def funding_band(child, framework: Framework, on: date) -> Band | None:
    """The band that prices the child's package: the highest (last in order) across areas of need."""
    bands = [row.band for row in current_bands(child, framework, on).values()]
    return max(bands, key=lambda b: (b.order, b.pk)) if bands else None


# ---------------------------------------------------------------------------------------------
# Commitments: which version is in force when, priced for a financial year


def open_commitments(child, *, on: date, framework: Framework | None = None) -> list[Commitment]:
    """The child's packages' latest versions still running on `on` (optionally only those priced by a framework)."""
    latest = {}
    for c in Commitment.objects.filter(child=child).order_by("package", "version"):
        latest[c.package] = c
    return [
        c
        for c in latest.values()
        if (c.end is None or c.end >= on) and (framework is None or c.framework_id == framework.pk)
    ]


@dataclass(frozen=True)
class Priced:
    commitment: Commitment
    start: date  # the window this version is in force inside the year
    end: date
    pricing: pricing_engine.Pricing


def windows(versions: list[Commitment], year: int) -> list[tuple[Commitment, date, date]]:
    """Each version's window inside the financial year: from its effective date (or the start) to the day before
    the next version's, or its end. Versions come ordered by package, then version."""
    first, last = pricing_engine.financial_year_bounds(year)
    out = []
    for n, c in enumerate(versions):
        following = versions[n + 1] if n + 1 < len(versions) and versions[n + 1].package == c.package else None
        lo = max(c.start, c.effective_from, first)
        hi = min(c.end or last, last, (following.effective_from - timedelta(days=1)) if following else last)
        if lo <= hi:
            out.append((c, lo, hi))
    return out


def engine_terms(c: Commitment) -> pricing_engine.Terms:
    return pricing_engine.Terms(
        c.setting_type,
        c.start,
        c.end,
        c.attendance,
        {
            "place": c.place_annual,
            "school_contribution": c.contribution_annual,
            "top_up": c.top_up_annual,
            "fee": c.annual_fee,
            "residential": c.residential_annual,
            "transport": c.transport_annual,
        },
    )


def priced_commitments(year: int, queryset=None) -> list[Priced]:
    """Every commitment version in force during the year with its price for its window."""
    first, last = pricing_engine.financial_year_bounds(year)
    qs = (
        (queryset if queryset is not None else Commitment.objects.all())
        .filter(start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
    )
    versions = list(qs.select_related("child", "establishment", "line", "band").order_by("package", "version"))
    return [
        Priced(c, lo, hi, pricing_engine.price_terms(engine_terms(c), year, start=lo, end=hi))
        for c, lo, hi in windows(versions, year)
    ]


def committed_by_setting(year: int) -> dict[str, dict]:
    """The seam for planning: the council's own committed high needs spend and children by setting type for a
    financial year ({setting_type: {"children": n, "child_years": x, "high_needs": Decimal}}), empty when nothing
    is committed. `child_years` counts each child's days funded in the year over the year's days, so spend over
    child-years is a full year's cost even when packages start or end part-way through the year.
    planning/flows.py starts forecast scenarios from these instead of public unit costs where they exist."""
    table = council_table(year)
    year_days = pricing_engine.days_in_year(year)
    out = {}
    for setting_type in sorted(set(table["setting_type"])):
        mask = table["setting_type"] == setting_type
        days = int((table["hi"][mask] - table["lo"][mask] + 1).sum())
        out[setting_type] = {
            "children": len(np.unique(table["child_id"][mask])),
            "child_years": days / year_days,
            "high_needs": Decimal(int(table["high_needs"][mask].sum())) / 100,
        }
    return out


# ---------------------------------------------------------------------------------------------
# The same, for whole councils at once: numpy columns and integer pence (engine.funding.bulk agrees with the
# Decimal engine to the penny), for the overview, the DSG position and the planning seam.

TABLE_FIELDS = (
    "package",
    "version",
    "effective_from",
    "start",
    "end",
    "line_id",
    "setting_type",
    "child_id",
    "place_annual",
    "contribution_annual",
    "top_up_annual",
    "annual_fee",
    "residential_annual",
    "transport_annual",
    "attendance",
)


def _ordinal(value) -> int | None:
    if value is None:
        return None
    return (value if isinstance(value, date) else date.fromisoformat(str(value)[:10])).toordinal()


def _scaled(value, scale: int) -> int:
    """A money or fraction column as whole pence (or basis points), exactly: Decimal on PostgreSQL, a number with at
    most its field's decimal places on SQLite."""
    return int(value * scale) if isinstance(value, (Decimal, int)) else int(round(float(value) * scale))


def council_table(year: int) -> dict[str, np.ndarray]:
    """priced_table for every commitment, cached. Commitments are append-only (a change is a new row), so the
    number of rows, the newest id and the newest creation time identify what the table holds."""
    state = Commitment.objects.aggregate(n=Count("id"), top=Max("id"), latest=Max("created_at"))
    key = f"funding.table:{year}:{state['n']}:{state['top']}:{state['latest'].isoformat() if state['latest'] else ''}"
    table = cache.get(key)
    if table is None:
        table = priced_table(year)
        cache.set(key, table, CACHE_SECONDS)
    return table


CACHE_SECONDS = 3600


def priced_table(year: int, queryset=None) -> dict[str, np.ndarray]:
    """Columns, one entry per version window in the year: line_id, setting_type, child_id, lo and hi (date
    ordinals), and pence for place, school_contribution, top_up, fee, residential, transport, high_needs.

    Reads raw rows (the queryset's own SQL, without Django's per-value converters): this is the overview's hot path.
    """
    first, last = pricing_engine.financial_year_bounds(year)
    qs = (
        (queryset if queryset is not None else Commitment.objects.all())
        .filter(start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
    )
    sql, params = qs.order_by("package", "version").values_list(*TABLE_FIELDS).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    first_o, last_o = first.toordinal(), last.toordinal()
    kept, lo, hi = [], [], []
    for n, r in enumerate(rows):
        nxt = rows[n + 1] if n + 1 < len(rows) and rows[n + 1][0] == r[0] else None
        a = max(_ordinal(r[3]), _ordinal(r[2]), first_o)
        b = min(_ordinal(r[4]) or last_o, last_o, (_ordinal(nxt[2]) - 1) if nxt else last_o)
        if a <= b:
            kept.append(r)
            lo.append(a)
            hi.append(b)
    lo_a, hi_a = np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64)
    days = hi_a - lo_a + 1
    year_days = pricing_engine.days_in_year(year)

    def pence(i):
        return np.array([_scaled(r[i], 100) for r in kept], dtype=np.int64)

    attendance = np.array([_scaled(r[14], 10_000) for r in kept], dtype=np.int64)
    out = {
        "line_id": np.array([r[5] for r in kept], dtype=np.int64),
        "setting_type": np.array([r[6] for r in kept], dtype=object),
        "child_id": np.array([r[7] for r in kept], dtype=np.int64),
        "lo": lo_a,
        "hi": hi_a,
    }
    for name, i, scaled in (
        ("place", 8, False),
        ("school_contribution", 9, False),
        ("top_up", 10, True),
        ("fee", 11, True),
        ("residential", 12, True),
        ("transport", 13, False),
    ):
        out[name] = bulk.prorate_pence(pence(i), days, year_days, attendance if scaled else bulk.FULL_TIME_BP)
    out["high_needs"] = out["place"] + out["top_up"] + out["fee"] + out["residential"]
    return out


def monthly_pence(table: dict[str, np.ndarray], year: int) -> np.ndarray:
    """(windows x 12) each window's high needs pence spread over the months by days (for monitoring only)."""
    starts, ends = [], []
    for period in range(1, 13):
        month = (period + 2) % 12 + 1
        y = year if period <= 9 else year + 1
        starts.append(date(y, month, 1).toordinal())
        ends.append(date(y + (month == 12), month % 12 + 1, 1).toordinal() - 1)
    lo, hi = table["lo"][:, None], table["hi"][:, None]
    overlap = np.clip(np.minimum(hi, np.array(ends)) - np.maximum(lo, np.array(starts)) + 1, 0, None)
    days = (table["hi"] - table["lo"] + 1)[:, None]
    return table["high_needs"][:, None] * overlap / np.maximum(days, 1)


def framework_definition(framework: Framework) -> dict:
    """A framework version as JSON (to copy, change and install as the next version)."""
    return {
        "code": framework.code,
        "version": framework.version,
        "name": framework.name,
        "kind": framework.kind,
        "effective_from": framework.effective_from.isoformat(),
        "effective_to": framework.effective_to.isoformat() if framework.effective_to else None,
        "description": framework.description,
        "source": framework.source,
        "areas": [{"code": a.code, "name": a.name} for a in framework.areas.all()],
        "bands": [
            {
                "code": b.code,
                "name": b.name,
                "descriptors": b.descriptors,
                "provision": b.provision,
                "top_up": None if b.top_up is None else str(b.top_up),
                "prices": b.prices,
            }
            for b in framework.bands.all()
        ],
    }
