"""Scenario levers of the council model (the safety-valve levers), as plain dataclasses.

Years are model years: year Y is the January Y caseload, the flows (new plans, leavers) of the
twelve months before it, and the money of the financial year April Y-1 to March Y. A lever with
``start_year`` Y first acts on year Y. A :class:`Ramp` reaches its full value over ``ramp_years``
(0 or 1: at once; 2: half in the start year, all from the next; ...).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import numpy as np

from .inputs import AGES, NEEDS

PHASE_AGES: dict[str, tuple[int, int]] = {
    "early_years": (2, 4),
    "primary": (4, 10),
    "secondary": (11, 15),
    "all_through": (4, 18),
    "post16": (16, 19),
    "post19": (19, 24),
}
FILL_YEARS = 2  # new places are half full in their first January, full from the second


@dataclass
class Ramp:
    value: float
    start_year: int
    ramp_years: int = 0

    def factor(self, year: int) -> float:
        """Share of ``value`` in force in ``year`` (0 before start_year)."""
        if year < self.start_year:
            return 0.0
        if self.ramp_years <= 1:
            return 1.0
        return min(1.0, (year - self.start_year + 1) / self.ramp_years)

    def at(self, year: int) -> float:
        return self.value * self.factor(year)

    def series(self, years: list[int] | np.ndarray) -> np.ndarray:
        return np.array([self.at(int(y)) for y in years], dtype=float)


@dataclass
class NewPlaces:
    """New in-area specialist places taking children who would otherwise be placed in ``diverts_from``.

    The places open in September ``opening_year``: they first count in the January
    ``opening_year + 1`` caseload (model year ``opening_year + 1``, money of the financial year
    starting April ``opening_year``), ``1/FILL_YEARS`` full, and are full ``FILL_YEARS - 1`` years
    later. Children with primary need ``need`` ("any": every need) aged within ``phase`` who would
    otherwise be in ``diverts_from`` take the places; their cost becomes ``cost_per_place``.
    """

    places: int
    need: str
    phase: str
    cost_per_place: float
    opening_year: int
    diverts_from: str = "independent_special"

    def __post_init__(self) -> None:
        if self.phase not in PHASE_AGES:
            raise ValueError(f"phase must be one of {sorted(PHASE_AGES)}, not {self.phase!r}")
        if self.need not in NEEDS and self.need != "any":
            raise ValueError(f"need must be one of {NEEDS} or 'any', not {self.need!r}")
        if self.places < 0:
            raise ValueError("places cannot be negative")

    def capacity(self, year: int) -> float:
        if year <= self.opening_year:
            return 0.0
        return self.places * min(1.0, (year - self.opening_year) / FILL_YEARS)

    def age_mask(self) -> np.ndarray:
        lo, hi = PHASE_AGES[self.phase]
        return (AGES >= lo) & (AGES <= hi)


def _ramp(value) -> Ramp | None:
    if value is None or isinstance(value, Ramp):
        return value
    return Ramp(float(value["value"]), int(value["start_year"]), int(value.get("ramp_years", 0)))


@dataclass
class Levers:
    """A scenario: every lever None/empty/0 is the baseline."""

    fewer_requests: Ramp | None = None  # share of requests avoided (early intervention, SEN support offer)
    lower_conversion: Ramp | None = None  # share fewer requests becoming plans (assessment thresholds)
    more_step_down: Ramp | None = None  # extra share of plans ceasing at annual review each year
    new_places: list[NewPlaces] = field(default_factory=list)
    tariff_change: Ramp | None = None  # relative change of placement unit costs (-0.05: 5% cheaper)
    population_growth: float = 0.0  # yearly growth of the 0-25 population from the base year
    allocation_growth: float = 0.0  # yearly cash growth of the high needs block after the known years
    cost_growth: float = 0.0  # yearly growth of unit costs and central spend (inflation)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> Levers:
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown levers: {sorted(unknown)}")
        for name in ("fewer_requests", "lower_conversion", "more_step_down", "tariff_change"):
            data[name] = _ramp(data.get(name))
        data["new_places"] = [
            p
            if isinstance(p, NewPlaces)
            else NewPlaces(
                places=int(p["places"]),
                need=p["need"],
                phase=p["phase"],
                cost_per_place=float(p["cost_per_place"]),
                opening_year=int(p["opening_year"]),
                diverts_from=p.get("diverts_from", "independent_special"),
            )
            for p in data.get("new_places") or []
        ]
        for name in ("population_growth", "allocation_growth", "cost_growth"):
            if name in data:
                data[name] = float(data[name] or 0.0)
        return cls(**data)
