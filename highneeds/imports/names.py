"""Matching keys for establishment and local authority names written in different ways.

The section 41 list writes LAs as people say them ("Bucks", "Bristol City of", "Kent County
Council", "Thanet") while GIAS uses the statutory names ("Buckinghamshire", "Bristol, City of").
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "english_las.csv"

# Words that vary between ways of writing the same LA's name.
_LA_NOISE = {"city", "of", "council", "county", "the", "borough", "royal", "metropolitan", "district"}
# Short forms, districts and towns seen in place of the LA's name.
_LA_ALIASES = {
    "bucks": "buckinghamshire",
    "north east lincs": "north east lincolnshire",
    "north lincs": "north lincolnshire",
    "south gloucs": "south gloucestershire",
    "hull": "kingston upon hull",
    "thanet": "kent",
    "kirkby": "knowsley",
    "bcp": "bournemouth christchurch and poole",
}


def _words(text: str) -> str:
    text = (text or "").replace("\u00a0", " ").casefold()
    text = re.sub(r"[\u2018\u2019`']", "", text)
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def name_key(name: str) -> str:
    """Establishment names compare without case, punctuation, apostrophes or '&' versus 'and'."""
    return _words(name)


def la_key(name: str) -> str:
    words = " ".join(w for w in _words(name).split() if w not in _LA_NOISE)
    return _LA_ALIASES.get(words, words)


@dataclass(frozen=True)
class LocalAuthority:
    code: str  # 3-digit LA number, "" when the name is not an English LA we know
    name: str
    codes: frozenset[str]  # the code and the codes of the LAs that replaced it

    def holds(self, la_code: str, la_name: str) -> bool:
        """Whether an establishment recorded under this LA code or name is in this LA."""
        if la_code and la_code in self.codes:
            return True
        return bool(la_name) and la_key(la_name) == la_key(self.name)


@functools.cache
def _table() -> dict[str, LocalAuthority]:
    by_key: dict[str, LocalAuthority] = {}
    with _DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            successors = frozenset(row["successor_codes"].split())
            la = LocalAuthority(row["la_code"], row["la_name"], frozenset({row["la_code"]}) | successors)
            by_key.setdefault(la_key(row["la_name"]), la)  # current LAs are listed first and win
    return by_key


def resolve_la(name: str) -> LocalAuthority:
    """The English LA a name means, or an unresolved one keeping the name as written."""
    found = _table().get(la_key(name))
    if found:
        return found
    cleaned = re.sub(r"\s+", " ", (name or "").replace("\u00a0", " ")).strip()
    return LocalAuthority("", cleaned, frozenset())


def la_by_code(code: str) -> LocalAuthority | None:
    return next((la for la in _table().values() if la.code == code), None)
