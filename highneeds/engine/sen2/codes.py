"""SEN2 code lists and collection dates, read from the data files beside this module so a council can correct
an UNVERIFIED list by editing data, not code (see data/codes.json)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def code_lists(path: Path | None = None) -> dict:
    return {k: v for k, v in _load(str(path or DATA / "codes.json")).items() if not k.startswith("_")}


def codes(name: str, year: int | None = None, path: Path | None = None) -> dict[str, str]:
    """The codes valid in a collection year, with their labels."""
    out = {}
    for code, spec in code_lists(path)[name]["codes"].items():
        if isinstance(spec, dict):
            if year is not None and (year < spec.get("from", 0) or year > spec.get("until", 9999)):
                continue
            spec = spec["label"]
        out[code] = spec
    return out


def status(name: str) -> str:
    return code_lists()[name]["status"]


def census_date(year: int) -> date:
    """Census (reference) day of the return for `year`; the third Thursday of January where not listed."""
    listed = _load(str(DATA / "collections.json")).get(str(year))
    if listed:
        return date.fromisoformat(listed["census"])
    first = date(year, 1, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


def activity_period(year: int) -> tuple[date, date]:
    """The previous calendar year: the activity a return for `year` covers."""
    return date(year - 1, 1, 1), date(year - 1, 12, 31)
