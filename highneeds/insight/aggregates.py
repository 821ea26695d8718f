"""Area-wide figures: counts only, never a named child, for leaders and the lead member."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from highneeds.engine import codes
from highneeds.people.models import Child, ChildNeed, Placement

from . import disclosure

AGE_BANDS = [("Under 5", 0, 4), ("5 to 10", 5, 10), ("11 to 15", 11, 15), ("16 to 19", 16, 19), ("20 to 25", 20, 25)]


def counts(today: date | None = None) -> dict:
    """The exact counts (never shown as they are to readers who may not open records: see `summary`)."""
    today = today or date.today()
    by_status = dict(Child.objects.values_list("sen_status").annotate(n=Count("id")).values_list("sen_status", "n"))
    needs = ChildNeed.objects.filter(rank=1).values("child__sen_status", "code").annotate(n=Count("id"))
    need_rows: dict[str, dict[str, int]] = {}
    for row in needs:
        need_rows.setdefault(row["code"], {"E": 0, "K": 0})[row["child__sen_status"]] = row["n"]
    by_setting = _settings(today)
    ages = []
    for label, low, high in AGE_BANDS:
        born_after = date(today.year - high - 1, today.month, min(today.day, 28))
        born_by = date(today.year - low, today.month, min(today.day, 28))
        ages.append(
            (
                label,
                Child.objects.filter(sen_status="E", date_of_birth__gt=born_after, date_of_birth__lte=born_by).count(),
            )
        )
    return {
        "ehcp": by_status.get("E", 0),
        "sen_support": by_status.get("K", 0),
        "needs": sorted(
            [(codes.NEED_CODES.get(code, code), v.get("E", 0), v.get("K", 0)) for code, v in need_rows.items()]
        ),
        "settings": by_setting,
        "ages": ages,
    }


NOT_PLACED = "No current placement recorded"


def _settings(today: date) -> list[tuple[str, int]]:
    """Children with an EHC plan by the setting of their current placement (started by today, not ended before it;
    the latest-started when a child is dual registered), and a row for those with none, so the rows add up to
    the headline count."""
    current = (
        Placement.objects.filter(child__sen_status="E", start_date__lte=today)
        .exclude(end_date__lt=today)
        .order_by("start_date", "id")
        .values_list("child_id", "establishment__establishment_type")
    )
    setting_of = dict(current)  # later starts replace earlier ones
    by_setting: dict[str, int] = {}
    for kind in setting_of.values():
        label = codes.ESTABLISHMENT_TYPES.get(kind, "Other")
        by_setting[label] = by_setting.get(label, 0) + 1
    rows = sorted(by_setting.items())
    unplaced = Child.objects.filter(sen_status="E").count() - len(setting_of)
    return rows + [(NOT_PLACED, unplaced)] if unplaced else rows


def _column(policy, rows: list[tuple[str, int]]) -> list[tuple[str, str]]:
    shown, _total = disclosure.protect_list(policy, [n for _, n in rows])
    return [(label, disclosure.shown(v)) for (label, _), v in zip(rows, shown)]


def summary(policy, today: date | None = None) -> dict:
    """The figures as this reader may see them (insight/disclosure.py), as text."""
    c = counts(today)
    headline = disclosure.protect(policy, [[c["ehcp"], c["sen_support"]]]).cells[0]
    needs = disclosure.protect(policy, [[e, k] for _, e, k in c["needs"]]) if c["needs"] else None
    return {
        "ehcp": disclosure.shown(headline[0]),
        "sen_support": disclosure.shown(headline[1]),
        "needs": [(label, *map(disclosure.shown, row)) for (label, _, _), row in zip(c["needs"], needs.cells)]
        if needs
        else [],
        "settings": _column(policy, c["settings"]),
        "ages": _column(policy, c["ages"]),
        "note": disclosure.note(policy),
    }
