"""Reading funding data: frameworks in force, children's current bands, commitments priced for a year."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from .models import Band, ChildBand, Framework


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
