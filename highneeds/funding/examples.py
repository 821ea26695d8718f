"""The shipped example frameworks (frameworks/*.json) and section 251 high needs budget lines, installed by a
data migration so that `highneeds funding price --framework mainstream-top-up` works on a new install.
Every shipped framework is marked `is_example`: a council checks it and saves its own version."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

FRAMEWORK_DIR = Path(__file__).resolve().parent / "frameworks"

# Section 251 high needs lines (2024-25 statement numbering; a council checks them against its own return).
BUDGET_LINES = [
    ("1.0.2", "High needs place funding within the individual schools budget"),
    ("1.2.1", "Top-up funding: maintained schools"),
    ("1.2.2", "Top-up funding: academies, free schools and colleges"),
    ("1.2.3", "Top-up and other funding: non-maintained and independent providers"),
    ("1.2.4", "Additional high needs targeted funding for mainstream schools and academies"),
    ("1.2.5", "SEN support services"),
    ("1.2.6", "Hospital education services"),
    ("1.2.7", "Other alternative provision services"),
]


def definitions() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FRAMEWORK_DIR.glob("*.json"))]


def install(framework_model, area_model, band_model, definition: dict, *, is_example: bool = True):
    """Create one framework version with its areas and bands (models passed in so migrations can call it)."""
    framework = framework_model.objects.create(
        code=definition["code"],
        version=definition.get("version", 1),
        name=definition["name"],
        kind=definition["kind"],
        description=definition.get("description", ""),
        source=definition.get("source", ""),
        is_example=is_example,
        effective_from=date.fromisoformat(definition["effective_from"]),
        effective_to=date.fromisoformat(definition["effective_to"]) if definition.get("effective_to") else None,
    )
    area_model.objects.bulk_create(
        area_model(framework=framework, code=a["code"], name=a["name"], order=n)
        for n, a in enumerate(definition["areas"])
    )
    band_model.objects.bulk_create(
        band_model(
            framework=framework,
            code=b["code"],
            name=b["name"],
            order=n,
            descriptors=b.get("descriptors", ""),
            provision=b.get("provision", ""),
            top_up=b.get("top_up"),
            prices=b.get("prices") or {},
        )
        for n, b in enumerate(definition["bands"])
    )
    return framework


def install_all(apps=None, schema_editor=None) -> None:
    get = (lambda name: apps.get_model("funding", name)) if apps else _live_model
    framework, area, band, line = get("Framework"), get("AreaOfNeed"), get("Band"), get("BudgetLine")
    for definition in definitions():
        if not framework.objects.filter(code=definition["code"], version=definition.get("version", 1)).exists():
            install(framework, area, band, definition)
    for n, (code, name) in enumerate(BUDGET_LINES):
        line.objects.get_or_create(code=code, defaults={"name": name, "order": n})


def _live_model(name):
    from django.apps import apps as live

    return live.get_model("funding", name)
