"""Day-one screenshots: every role's journey saves what a person saw, so a reviewer can look without running it.

`look(page, role, name)` checks the page with axe-core (no serious or critical WCAG 2.2 A/AA violation) and saves a
full-page screenshot to `<folder>/<role>/<name>.png`. The folder is `$HIGHNEEDS_SCREENSHOTS`, or
`var/screenshots/<database>` in the repository (ignored by git), one per database so the SQLite and PostgreSQL runs
that `scripts/test` runs side by side never write over each other. The suite prints the folder at the end
(`pytest_terminal_summary` in tests/conftest.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .axe import assert_accessible

_REPO = Path(__file__).resolve().parents[2]
_SAFE = re.compile(r"[^a-z0-9-]+")


def folder() -> Path:
    chosen = os.environ.get("HIGHNEEDS_SCREENSHOTS")
    if chosen:
        return Path(chosen)
    from django.db import connection

    return _REPO / "var" / "screenshots" / connection.vendor


def shoot(page, role: str, name: str) -> Path:
    """Save a full-page screenshot of what `role` sees now, named `name` (lower case, hyphens)."""
    path = folder() / _SAFE.sub("-", role.lower()) / f"{_SAFE.sub('-', name.lower()).strip('-')}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def look(page, role: str, name: str) -> Path:
    """What a person checks on each page of a journey: accessible, and kept as a screenshot."""
    page.wait_for_load_state("load")
    assert_accessible(page)
    return shoot(page, role, name)


def saved() -> list[Path]:
    base = folder()
    return sorted(base.rglob("*.png")) if base.exists() else []
