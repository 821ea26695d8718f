"""Price one high needs package for one financial year (pure Python, `Decimal` money; no Django).

    from highneeds.engine.funding import pricing
    result = pricing.price({"setting_type": "mainstream", "start": "2026-09-01", "financial_year": 2026,
                            "framework": {"code": "X", "bands": [{"band": "2", "top_up": "3100"}]}, "band": "2"})
    result.as_json()   # {"financial_year": 2026, "days": 212, "components": [...], "high_needs_total": "..."}

Rules (docs/funding.md): amounts are annual; a package covering part of the financial year is pro-rated by
its days inside the year over the year's days (366 when it contains 29 February); `attendance` scales the
top-up, fee and residential parts, never place funding, the school's contribution or transport; each
component is rounded to pence, half up, once, and the total is the sum of the rounded components.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENCE = Decimal("0.01")
ZERO = Decimal(0)

# Place funding per place per year, by setting type (DOMAIN.md section 6). Independent special schools
# and mainstream classes attract none: the council pays the agreed fee or top-up.
PLACE_FUNDING: dict[str, Decimal] = {
    "mainstream": ZERO,
    "resourced_provision": Decimal(6000),
    "sen_unit": Decimal(6000),
    "special": Decimal(10000),
    "ap": Decimal(10000),
    "fe_college": Decimal(6000),
    "non_maintained_special": Decimal(10000),
    "independent_special": ZERO,
    "post16_specialist": Decimal(6000),
}
SETTING_TYPES = tuple(PLACE_FUNDING)
SETTING_LABELS = {
    "mainstream": "Mainstream",
    "resourced_provision": "Resourced provision",
    "sen_unit": "SEN unit",
    "special": "Special school",
    "ap": "Alternative provision",
    "fe_college": "FE college",
    "non_maintained_special": "Non-maintained special school",
    "independent_special": "Independent special school",
    "post16_specialist": "Specialist post-16 institution",
}
# Mainstream: the first £6,000 of additional support comes from the school's notional SEN budget (element 2).
SCHOOL_CONTRIBUTION = Decimal(6000)
DEFAULT_WEEKS_PER_YEAR = Decimal(39)

# name, paid by, counts against the high needs block
COMPONENTS = (
    ("place", "high_needs_block", True),
    ("school_contribution", "setting", False),
    ("top_up", "high_needs_block", True),
    ("fee", "high_needs_block", True),
    ("residential", "high_needs_block", True),
    ("transport", "general_fund", False),
)

# A band's top-up: one amount, None (bespoke: priced from costed provision), or amounts by setting type.
TopUp = Decimal | None | Mapping[str, Decimal | None]
# An installed framework's code and a date -> its bands {band code: top-up}, or None when there is none.
FrameworkLookup = Callable[[str, date], Mapping[str, TopUp] | None]


class PricingInputError(ValueError):
    """Every problem with a package, each naming its field (`costed_provision[2].rate: ...`)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Component:
    name: str
    amount: Decimal
    paid_by: str
    high_needs: bool


@dataclass(frozen=True)
class Pricing:
    financial_year: int
    days: int
    components: tuple[Component, ...]

    @property
    def high_needs_total(self) -> Decimal:
        return sum((c.amount for c in self.components if c.high_needs), ZERO)

    def amount(self, name: str) -> Decimal:
        return next(c.amount for c in self.components if c.name == name)

    def as_json(self) -> dict:
        return {
            "financial_year": self.financial_year,
            "days": self.days,
            "components": [
                {"name": c.name, "amount": money(c.amount), "paid_by": c.paid_by, "high_needs": c.high_needs}
                for c in self.components
            ],
            "high_needs_total": money(self.high_needs_total),
        }


def money(value: Decimal) -> str:
    return str(value.quantize(PENCE, rounding=ROUND_HALF_UP))


def financial_year_bounds(year: int) -> tuple[date, date]:
    """2026 -> 1 April 2026 to 31 March 2027."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def days_in_year(year: int) -> int:
    first, last = financial_year_bounds(year)
    return (last - first).days + 1


def days_inside(start: date, end: date | None, year: int) -> int:
    """The package's days (inclusive) inside the financial year; 0 when it falls outside."""
    first, last = financial_year_bounds(year)
    lo, hi = max(start, first), min(end or last, last)
    return max(0, (hi - lo).days + 1)


def prorate(annual: Decimal, days: int, year_days: int, scale: Decimal = Decimal(1)) -> Decimal:
    """annual x days/year_days x scale, rounded once to pence (half up). The product is exact before the
    one division, so a result that is exactly half a penny rounds up."""
    return (annual * days * scale / year_days).quantize(PENCE, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Reading a package


class _Reader:
    def __init__(self, data: Mapping):
        self.data, self.errors = data, []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(f"{field}: {message}")

    def amount(self, value, field: str, *, required: bool = False) -> Decimal | None:
        if value is None:
            if required:
                self.fail(field, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            self.fail(field, "must be a number")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(field, f"must be a number, not {value!r}")
            return None
        if not number.is_finite():
            self.fail(field, "must be a finite number")
            return None
        if number < 0:
            self.fail(field, f"must not be negative (got {value})")
            return None
        return number

    def day(self, field: str, *, required: bool) -> date | None:
        value = self.data.get(field)
        if value in (None, ""):
            if required:
                self.fail(field, "is required (YYYY-MM-DD)")
            return None
        try:
            return date.fromisoformat(str(value)) if not isinstance(value, date) else value
        except ValueError:
            self.fail(field, f"is not a date (YYYY-MM-DD): {value!r}")
            return None


def _costed_total(reader: _Reader, items) -> Decimal | None:
    if items is None:
        return None
    if not isinstance(items, list):
        reader.fail("costed_provision", "must be a list")
        return None
    total = ZERO
    for n, item in enumerate(items):
        where = f"costed_provision[{n}]"
        if not isinstance(item, Mapping):
            reader.fail(where, "must be an object with a kind")
            continue
        kind = item.get("kind")
        if kind == "staff_hours":
            hours = reader.amount(item.get("hours_per_week"), f"{where}.hours_per_week", required=True)
            rate = reader.amount(item.get("rate"), f"{where}.rate", required=True)
            weeks = reader.amount(item.get("weeks_per_year", DEFAULT_WEEKS_PER_YEAR), f"{where}.weeks_per_year")
            if weeks is not None and weeks > 52:
                reader.fail(f"{where}.weeks_per_year", "must be at most 52")
            elif None not in (hours, rate, weeks):
                total += hours * rate * weeks
        elif kind == "sessions":
            per_year = reader.amount(item.get("per_year"), f"{where}.per_year", required=True)
            rate = reader.amount(item.get("rate"), f"{where}.rate", required=True)
            if None not in (per_year, rate):
                total += per_year * rate
        elif kind == "item":
            cost = reader.amount(item.get("annual_cost"), f"{where}.annual_cost", required=True)
            if cost is not None:
                total += cost
        else:
            reader.fail(f"{where}.kind", f"must be staff_hours, sessions or item, not {kind!r}")
    return total


def inline_bands(reader: _Reader, framework: Mapping) -> dict[str, TopUp] | None:
    bands = framework.get("bands")
    if not isinstance(bands, list) or not bands:
        reader.fail("framework.bands", "must be a non-empty list of {band, top_up}")
        return None
    out: dict[str, TopUp] = {}
    for n, entry in enumerate(bands):
        if not isinstance(entry, Mapping) or entry.get("band") in (None, ""):
            reader.fail(f"framework.bands[{n}].band", "is required")
            continue
        top_up = entry.get("top_up")
        out[str(entry["band"])] = None if top_up is None else reader.amount(top_up, f"framework.bands[{n}].top_up")
    return out


def _band_top_up(reader: _Reader, setting_type: str, start: date | None, lookup: FrameworkLookup | None):
    """The band's annual top-up (None for a bespoke band), or None and an error."""
    framework, band = reader.data.get("framework"), reader.data.get("band")
    if framework is None:
        if band not in (None, ""):
            reader.fail("band", "needs a framework")
        return None, False
    if isinstance(framework, Mapping):
        if not framework.get("code"):
            reader.fail("framework.code", "is required")
        bands = inline_bands(reader, framework)
    elif isinstance(framework, str) and framework:
        bands = lookup(framework, start) if (lookup is not None and start is not None) else None
        if bands is None:
            if start is not None:
                reader.fail("framework", f"no installed framework {framework!r} in effect on {start.isoformat()}")
            return None, False
    else:
        reader.fail("framework", "must be an installed framework's code or an object {code, bands}")
        return None, False
    if bands is None:
        return None, False
    if band in (None, ""):
        reader.fail("band", "is required with a framework")
        return None, False
    if str(band) not in bands:
        reader.fail("band", f"unknown band {band!r} (known: {', '.join(bands)})")
        return None, False
    top_up = bands[str(band)]
    if isinstance(top_up, Mapping):  # priced by setting type
        if setting_type not in top_up:
            reader.fail("band", f"band {band!r} has no price for setting type {setting_type!r}")
            return None, False
        top_up = top_up[setting_type]
    return (None if top_up is None else Decimal(top_up)), True


@dataclass(frozen=True)
class Terms:
    """A package's annual amounts (before pro-rating), what `attendance` scales, and its dates."""

    setting_type: str
    start: date
    end: date | None
    attendance: Decimal
    annual: dict[str, Decimal]


def terms(package: Mapping, lookup: FrameworkLookup | None = None, *, needs_year: bool = False) -> Terms:
    """Check a package and work out its annual amounts. Raises PricingInputError naming each bad field."""
    if not isinstance(package, Mapping):
        raise PricingInputError(["package: must be a JSON object"])
    r = _Reader(package)
    setting_type = package.get("setting_type")
    if setting_type not in PLACE_FUNDING:
        r.fail("setting_type", f"unknown setting type {setting_type!r} (known: {', '.join(SETTING_TYPES)})")
    start, end = r.day("start", required=True), r.day("end", required=False)
    if start and end and end < start:
        r.fail("end", f"is before the start ({end.isoformat()} < {start.isoformat()})")
    if needs_year:
        year = package.get("financial_year")
        if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2200:
            r.fail("financial_year", f"must be a year such as 2026 (April 2026 to March 2027), not {year!r}")
        elif start and (end is None or end >= start) and days_inside(start, end, year) == 0:
            r.fail(
                "start" if start > financial_year_bounds(year)[1] else "end",
                f"the package falls outside financial year {year} (1 April {year} to 31 March {year + 1})",
            )
    attendance = r.amount(package.get("attendance", 1), "attendance")
    if attendance is not None and not ZERO < attendance <= 1:
        r.fail("attendance", f"must be a fraction of full time above 0 and at most 1 (got {attendance})")
    fee = r.amount(package.get("annual_fee"), "annual_fee") or ZERO
    residential = r.amount(package.get("residential_annual"), "residential_annual") or ZERO
    transport = r.amount(package.get("transport_annual"), "transport_annual") or ZERO
    costed = _costed_total(r, package.get("costed_provision"))
    top_up, banded = _band_top_up(r, setting_type if setting_type in PLACE_FUNDING else "", start, lookup)
    if banded and top_up is not None and costed is not None:
        r.fail("costed_provision", "give either a priced band or costed provision, not both")
    if banded and top_up is None and costed is None:
        r.fail("costed_provision", f"band {package.get('band')!r} is bespoke: give its costed provision")
    if r.errors:
        raise PricingInputError(r.errors)

    contribution = ZERO
    if top_up is None and costed is not None:
        top_up = costed
        if setting_type == "mainstream":
            contribution = min(costed, SCHOOL_CONTRIBUTION)
            top_up = costed - contribution
    elif top_up is not None and setting_type == "mainstream":
        contribution = SCHOOL_CONTRIBUTION  # a band's top-up is paid above the school's first £6,000
    annual = {
        "place": PLACE_FUNDING[setting_type],
        "school_contribution": contribution,
        "top_up": top_up or ZERO,
        "fee": fee,
        "residential": residential,
        "transport": transport,
    }
    return Terms(setting_type, start, end, attendance, annual)


# What attendance scales: top-up, fee and residential; never place funding, the school's part or transport.
SCALED = frozenset({"top_up", "fee", "residential"})


def price_terms(t: Terms, year: int, *, start: date | None = None, end: date | None = None) -> Pricing:
    """Price annual terms for one financial year, optionally over a narrower window than the package's."""
    days, year_days = days_inside(start or t.start, end if start else t.end, year), days_in_year(year)
    components = tuple(
        Component(
            name, prorate(t.annual[name], days, year_days, t.attendance if name in SCALED else Decimal(1)), paid_by, hn
        )
        for name, paid_by, hn in COMPONENTS
    )
    return Pricing(financial_year=year, days=days, components=components)


def price(package: Mapping, lookup: FrameworkLookup | None = None) -> Pricing:
    """Price a package (the JSON contract in docs/funding.md). Raises PricingInputError naming each bad field."""
    return price_terms(terms(package, lookup, needs_year=True), package["financial_year"])
