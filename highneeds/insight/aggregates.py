"""Area-wide figures: counts only, never a named child, for leaders and the lead member."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from highneeds.engine import codes
from highneeds.people.models import Child, ChildNeed, Placement

AGE_BANDS = [("Under 5", 0, 4), ("5 to 10", 5, 10), ("11 to 15", 11, 15), ("16 to 19", 16, 19), ("20 to 25", 20, 25)]
# Counts this small could identify a child when shared outside the council.
SUPPRESS_BELOW = 5


def _suppress(n: int) -> int | str:
    return "fewer than 5" if 0 < n < SUPPRESS_BELOW else n


def summary(today: date | None = None) -> dict:
    today = today or date.today()
    by_status = dict(Child.objects.values_list("sen_status").annotate(n=Count("id")).values_list("sen_status", "n"))
    needs = (ChildNeed.objects.filter(rank=1).values("child__sen_status", "code").annotate(n=Count("id")))
    need_rows: dict[str, dict[str, int]] = {}
    for row in needs:
        need_rows.setdefault(row["code"], {"E": 0, "K": 0})[row["child__sen_status"]] = row["n"]
    settings = (Placement.objects.filter(end_date__isnull=True, child__sen_status="E")
                .values("establishment__establishment_type").annotate(n=Count("child_id", distinct=True)))
    ages = []
    for label, low, high in AGE_BANDS:
        born_after = date(today.year - high - 1, today.month, min(today.day, 28))
        born_by = date(today.year - low, today.month, min(today.day, 28))
        qs = Child.objects.filter(sen_status="E", date_of_birth__gt=born_after, date_of_birth__lte=born_by)
        ages.append((label, _suppress(qs.count())))
    return {
        "ehcp": by_status.get("E", 0),
        "sen_support": by_status.get("K", 0),
        "needs": sorted(
            [(codes.NEED_CODES.get(code, code), _suppress(v.get("E", 0)), _suppress(v.get("K", 0))) for code, v in need_rows.items()],
            key=lambda r: r[0]),
        "settings": sorted(
            [(codes.ESTABLISHMENT_TYPES.get(r["establishment__establishment_type"], "Other"), _suppress(r["n"])) for r in settings],
            key=lambda r: r[0]),
        "ages": ages,
    }
