"""Re-price every banded package in force under another framework and show the difference.

Which band a package takes under the other framework: the child's own recorded band in it, where there is one;
otherwise the band at the same relative position (the lowest maps to the lowest, the highest to the highest).
Packages with no band (costed provision, fees) are priced the same under both. Bands with no price in the other
framework (bespoke, or an empty national tariff) are counted as "not priced" and left at their current price.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import numpy as np
from django.db.models import Q

from highneeds.engine.funding import bulk, pricing
from highneeds.people.models import ChildNeed

from .models import Band, ChildBand, Commitment, Framework
from .presenting import gbp


def _mapped_band(src: Band, src_bands: list[Band], target_bands: list[Band]) -> Band:
    i = next(n for n, b in enumerate(src_bands) if b.pk == src.pk)
    j = round(i * (len(target_bands) - 1) / max(1, len(src_bands) - 1))
    return target_bands[j]


def compare(year: int, target: Framework) -> dict:
    first, last = pricing.financial_year_bounds(year)
    versions = list(
        Commitment.objects.filter(start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .select_related("band", "establishment")
        .order_by("package", "version")
    )
    bands_by_framework = defaultdict(list)
    for b in Band.objects.order_by("framework_id", "order", "pk"):
        bands_by_framework[b.framework_id].append(b)
    target_bands = bands_by_framework[target.pk]
    own = {}
    for row in ChildBand.objects.filter(framework=target).select_related("band").order_by("effective_from", "pk"):
        current = own.get(row.child_id)
        if current is None or row.band.order >= current.order:
            own[row.child_id] = row.band
    needs = dict(ChildNeed.objects.filter(rank=1).values_list("child_id", "code"))
    rows, not_priced = [], 0
    for n, c in enumerate(versions):
        nxt = versions[n + 1] if n + 1 < len(versions) and versions[n + 1].package == c.package else None
        lo = max(c.start, c.effective_from, first)
        hi = min(c.end or last, last, (nxt.effective_from - timedelta(days=1)) if nxt else last)
        if lo > hi:
            continue
        new_top_up = c.top_up_annual
        if c.band is not None and target_bands:
            band = own.get(c.child_id) or _mapped_band(c.band, bands_by_framework[c.band.framework_id], target_bands)
            price = band.price_for_engine()
            if isinstance(price, dict):
                price = price.get(c.setting_type)
            if price is None:
                not_priced += 1
            else:
                new_top_up = price
        rows.append((c, (hi - lo).days + 1, new_top_up))
    year_days = pricing.days_in_year(year)
    if rows:
        days = np.array([d for _, d, _ in rows])
        att = np.array([int(c.attendance * 10_000) for c, _, _ in rows])
        now = bulk.prorate_pence(np.array([int(c.top_up_annual * 100) for c, _, _ in rows]), days, year_days, att)
        then = bulk.prorate_pence(np.array([int(Decimal(t) * 100) for _, _, t in rows]), days, year_days, att)
    else:
        now = then = np.zeros(0, dtype=np.int64)

    def group(key) -> list[dict]:
        sums = defaultdict(lambda: [0, 0, 0])
        for (c, _, _), a, b in zip(rows, now, then):
            s = sums[key(c)]
            s[0] += int(a)
            s[1] += int(b)
            s[2] += 1
        out = [
            {
                "name": k or "Not recorded",
                "packages": v[2],
                "current": gbp(Decimal(v[0]) / 100),
                "other": gbp(Decimal(v[1]) / 100),
                "difference": gbp(Decimal(v[1] - v[0]) / 100),
                "raw": v[1] - v[0],
            }
            for k, v in sums.items()
        ]
        return sorted(out, key=lambda r: -abs(r["raw"]))

    return {
        "framework": str(target),
        "packages": len(rows),
        "not_priced": not_priced,
        "current": gbp(Decimal(int(now.sum())) / 100),
        "other": gbp(Decimal(int(then.sum())) / 100),
        "difference": gbp(Decimal(int(then.sum() - now.sum())) / 100),
        "by_setting": group(lambda c: pricing.SETTING_LABELS[c.setting_type]),
        "by_need": group(lambda c: needs.get(c.child_id, "")),
        "by_school": group(lambda c: c.establishment.name if c.establishment else "")[:25],
    }
