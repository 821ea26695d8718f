"""Reading funding data: frameworks in force, children's current bands, commitments priced for a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from highneeds.engine.funding import pricing as pricing_engine

from .models import Band, ChildBand, Commitment, Framework


def framework_in_force(code: str, on: date) -> Framework | None:
    """The latest version of `code` in effect on `on`."""
    return (Framework.objects.filter(code=code, effective_from__lte=on)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on)).order_by("-version").first())


def engine_bands(framework: Framework) -> dict:
    return {b.code: b.price_for_engine() for b in Band.objects.filter(framework=framework)}


def engine_lookup(code: str, on: date):
    """The pricing engine's FrameworkLookup over installed frameworks."""
    framework = framework_in_force(code, on)
    return None if framework is None else engine_bands(framework)


def band_history(child) -> list[ChildBand]:
    return list(ChildBand.objects.filter(child=child).select_related("framework", "area", "band", "recorded_by")
                .order_by("framework__code", "area__order", "-effective_from", "-pk"))


def current_bands(child, framework: Framework, on: date) -> dict[int, ChildBand]:
    """area id -> the band in force on `on` for that area."""
    out: dict[int, ChildBand] = {}
    rows = (ChildBand.objects.filter(child=child, framework=framework, effective_from__lte=on)
            .select_related("area", "band").order_by("area_id", "-effective_from", "-pk"))
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
    return [c for c in latest.values() if (c.end is None or c.end >= on)
            and (framework is None or c.framework_id == framework.pk)]


@dataclass(frozen=True)
class Priced:
    commitment: Commitment
    start: date          # the window this version is in force inside the year
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
    return pricing_engine.Terms(c.setting_type, c.start, c.end, c.attendance, {
        "place": c.place_annual, "school_contribution": c.contribution_annual, "top_up": c.top_up_annual,
        "fee": c.annual_fee, "residential": c.residential_annual, "transport": c.transport_annual})


def priced_commitments(year: int, queryset=None) -> list[Priced]:
    """Every commitment version in force during the year with its price for its window."""
    first, last = pricing_engine.financial_year_bounds(year)
    qs = (queryset if queryset is not None else Commitment.objects.all()).filter(start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first))
    versions = list(qs.select_related("child", "establishment", "line", "band").order_by("package", "version"))
    return [Priced(c, lo, hi, pricing_engine.price_terms(engine_terms(c), year, start=lo, end=hi))
            for c, lo, hi in windows(versions, year)]


def committed_by_setting(year: int) -> dict[str, dict]:
    """The seam for planning: the council's own committed high needs spend and children by setting type for a
    financial year ({setting_type: {"children": n, "high_needs": Decimal}}), empty when nothing is committed.
    A forecast can start from these instead of public unit costs where they exist."""
    out: dict[str, dict] = {}
    for p in priced_commitments(year):
        row = out.setdefault(p.commitment.setting_type, {"children": set(), "high_needs": Decimal(0)})
        row["children"].add(p.commitment.child_id)
        row["high_needs"] += p.pricing.high_needs_total
    return {k: {"children": len(v["children"]), "high_needs": v["high_needs"]} for k, v in out.items()}
