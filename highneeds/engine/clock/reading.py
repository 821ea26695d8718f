"""Reading values in clock input: strict dates as ordinals, with a message naming where each bad one is."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

OPEN_END = date.max.toordinal()


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


DATE_CACHE: dict[str, int] = {}


def is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


def parse_date(value: Any, where: str, errors: list[str]) -> int:
    """Strict YYYY-MM-DD to an ordinal; 0 (and a message) if it is not one."""
    if type(value) is str:
        o = DATE_CACHE.get(value)
        if o is not None:
            return o
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            o = date.fromisoformat(value).toordinal()
        except ValueError:
            errors.append(f"{where}: '{value}' is not a valid date")
            return 0
        if len(DATE_CACHE) > 200_000:
            DATE_CACHE.clear()
        DATE_CACHE[value] = o
        return o
    if value is None:
        errors.append(f"{where}: missing")
    else:
        errors.append(f"{where}: {value!r} is not a date in the form YYYY-MM-DD")
    return 0
