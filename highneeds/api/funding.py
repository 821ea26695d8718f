"""/api/v1/funding: the frameworks, the budget and DSG position (aggregates), commitments in force (named
children: audited), a setting's statement, and pricing a package (the `highneeds funding price` contract)."""
# No `from __future__ import annotations` here: ninja reads the views' annotations at import.

import json
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError, ValidationError

from highneeds.audit import log
from highneeds.engine.funding.pricing import (
    SETTING_TYPES,
    PricingInputError,
    money,
    price,
)
from highneeds.establishments.models import Establishment
from highneeds.funding import presenting, queries, statements
from highneeds.funding.models import DsgAllocation, Framework

from .errors import DETAIL_ERRORS, LIST_ERRORS
from .permissions import guarded
from .schemas import MAX_ID

router = Router(tags=["funding"])


class BandOut(Schema):
    code: str
    name: str
    order: int
    top_up: str | None
    prices: dict


class FrameworkOut(Schema):
    id: int
    code: str
    version: int
    name: str
    kind: str
    is_example: bool
    effective_from: str
    effective_to: str | None
    areas: list[str]
    bands: list[BandOut]


class LineOut(Schema):
    code: str
    name: str
    budget: str
    committed: str
    paid: str
    outturn: str
    variance: str


class PositionOut(Schema):
    financial_year: int
    lines: list[LineOut]
    high_needs_allocation: str | None
    forecast_outturn: str
    in_year_balance: str | None
    cumulative_balance: str | None
    statutory_override_ends: str


_AMOUNT = {"type": ["number", "string"], "description": "£ a year, a decimal (a string keeps every digit)"}
# The request body, documented by hand: the engine itself checks it (so the API and the command line give the
# same messages), after the permission check.
PACKAGE_SCHEMA = {
    "type": "object",
    "required": ["setting_type", "start", "financial_year"],
    "properties": {
        "setting_type": {"type": "string", "enum": list(SETTING_TYPES)},
        "start": {"type": "string", "format": "date"},
        "end": {"type": ["string", "null"], "format": "date"},
        "financial_year": {"type": "integer", "description": "2026 means 1 April 2026 to 31 March 2027"},
        "framework": {
            "description": "an installed framework's code, or {code, bands: [{band, top_up}]}",
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "bands": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"band": {"type": "string"}, "top_up": _AMOUNT}},
                        },
                    },
                },
            ],
        },
        "band": {"type": "string"},
        "costed_provision": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "enum": ["staff_hours", "sessions", "item"]},
                    "hours_per_week": _AMOUNT,
                    "rate": _AMOUNT,
                    "weeks_per_year": _AMOUNT,
                    "per_year": _AMOUNT,
                    "annual_cost": _AMOUNT,
                },
            },
        },
        "annual_fee": _AMOUNT,
        "residential_annual": _AMOUNT,
        "transport_annual": _AMOUNT,
        "attendance": {"type": ["number", "string"], "description": "fraction of full time, default 1"},
    },
}


class ComponentOut(Schema):
    name: str
    amount: str
    paid_by: str
    high_needs: bool


class PriceOut(Schema):
    financial_year: int
    days: int
    components: list[ComponentOut]
    high_needs_total: str


class YearQuery(Schema):
    year: int = 0


class CommitmentOut(Schema):
    package: str
    version: int
    child_id: int
    establishment_id: int | None
    setting_type: str
    line: str
    source: str
    band: str | None
    start: str
    end: str
    high_needs_total: str


class StatementTerm(Schema):
    term: str
    amount: str


class StatementChild(Schema):
    child_id: int
    child: str
    band: str
    terms: list[StatementTerm]


class StatementOut(Schema):
    establishment_id: int
    financial_year: int
    children: list[StatementChild]


def _year(query: YearQuery) -> int:
    if query.year and not 2000 <= query.year <= 2100:
        raise HttpError(422, "year must be a financial year such as 2026")
    return query.year or presenting.current_financial_year()


def _framework(f: Framework) -> dict:
    return {
        "id": f.pk,
        "code": f.code,
        "version": f.version,
        "name": f.name,
        "kind": f.kind,
        "is_example": f.is_example,
        "effective_from": f.effective_from.isoformat(),
        "effective_to": f.effective_to.isoformat() if f.effective_to else None,
        "areas": [a.name for a in f.areas.all()],
        "bands": [
            {
                "code": b.code,
                "name": b.name,
                "order": b.order,
                "top_up": None if b.top_up is None else money(b.top_up),
                "prices": b.prices,
            }
            for b in f.bands.all()
        ],
    }


@router.get(
    "/funding/frameworks",
    response={200: list[FrameworkOut], **LIST_ERRORS},
    summary="List frameworks",
    description="Every framework version with its areas of need and bands. Needs `funding.view_frameworks`.",
)
@guarded("funding.view_frameworks")
def list_frameworks(request):
    return [_framework(f) for f in Framework.objects.prefetch_related("areas", "bands")]


@router.get(
    "/funding/position",
    response={200: PositionOut, **LIST_ERRORS},
    summary="Budget and DSG position",
    description="Budget monitoring by section 251 line and the DSG position for a financial year (`year`, "
    "default the current one). Aggregates only. Needs `funding.view_position`.",
)
@guarded("funding.view_position")
def position(request, query: Query[YearQuery]):
    year = _year(query)
    m = presenting.monitoring(year)
    raw = m["raw"]

    allocation = DsgAllocation.objects.filter(financial_year=year).first()
    in_year = None if allocation is None else allocation.high_needs_block - raw["outturn"]
    cumulative = None if in_year is None or allocation.opening_balance is None else allocation.opening_balance + in_year
    return {
        "financial_year": year,
        "lines": [{k: line[k] for k in LineOut.model_fields} for line in m["lines"]],
        "high_needs_allocation": None if allocation is None else money(allocation.high_needs_block),
        "forecast_outturn": money(Decimal(raw["outturn"])),
        "in_year_balance": None if in_year is None else money(in_year),
        "cumulative_balance": None if cumulative is None else money(cumulative),
        "statutory_override_ends": "2028-03-31",
    }


@router.get(
    "/funding/commitments",
    response={200: list[CommitmentOut], **LIST_ERRORS},
    summary="Commitments in force",
    description="Each commitment version in force during the financial year (`year`), priced for its days "
    "in it. Names children by id: audited once a call. Needs `funding.view_children`.",
)
@guarded("funding.view_children")
def commitments(request, query: Query[YearQuery]):
    year = _year(query)
    priced = queries.priced_commitments(year)
    log.record(
        actor=request.auth, action="api.funding.commitments", after={"financial_year": year, "rows": len(priced)}
    )
    return [
        {
            "package": str(p.commitment.package),
            "version": p.commitment.version,
            "child_id": p.commitment.child_id,
            "establishment_id": p.commitment.establishment_id,
            "setting_type": p.commitment.setting_type,
            "line": p.commitment.line.code,
            "source": p.commitment.source,
            "band": p.commitment.band.code if p.commitment.band else None,
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
            "high_needs_total": money(p.pricing.high_needs_total),
        }
        for p in priced
    ]


@router.get(
    "/funding/establishments/{establishment_id}/statement",
    response={200: StatementOut, **DETAIL_ERRORS},
    summary="A setting's statement",
    description="The top-ups, fees and residential costs due to a setting by child and term. Finance and "
    "managers see any setting; a SENCO only their own (404 otherwise, like a missing setting). "
    "Needs `funding.view_statement`.",
)
@guarded("funding.view_statement", gate="funding.view_statements", object_level=True)
def statement(request, establishment_id: int = Path(..., ge=1, le=MAX_ID), query: Query[YearQuery] = None):
    setting = get_object_or_404(Establishment, pk=establishment_id)
    if not request.auth.has_perm("funding.view_statement", setting):
        raise HttpError(404, "Not found")  # "not yours" answers like "missing", so ids cannot be probed
    year = _year(query) if query else presenting.current_financial_year()
    data = statements.statement(setting, year)
    log.record(
        actor=request.auth,
        action="api.funding.statement",
        after={"establishment": setting.pk, "financial_year": year, "children": len(data["rows"])},
    )
    return {
        "establishment_id": setting.pk,
        "financial_year": year,
        "children": [
            {
                "child_id": r["child_id"],
                "child": r["child"],
                "band": r["band"],
                "terms": [{"term": t["term"], "amount": t["amount_raw"]} for t in r["terms"]],
            }
            for r in data["rows"]
        ],
    }


@router.post(
    "/funding/price",
    response={200: PriceOut, **LIST_ERRORS},
    summary="Price a package",
    description="The pricing engine's contract, as `highneeds funding price`: one package in, its price for "
    "the financial year out (amounts as strings with two places). Bad input is a 422 naming each "
    "field. Writes nothing. Needs `funding.view_frameworks`.",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": PACKAGE_SCHEMA}}}},
)
@guarded("funding.view_frameworks")
def price_package(request):
    # Read as JSON with decimals (never floats), so the API prices exactly as the command line does.
    try:
        data = json.loads(request.body or b"null", parse_float=Decimal)
    except ValueError as exc:
        raise ValidationError([{"loc": ("body",), "msg": f"not valid JSON: {exc}", "type": "json_invalid"}]) from None
    try:
        return price(data, queries.engine_lookup).as_json()
    except PricingInputError as exc:
        raise ValidationError(
            [
                {"loc": ("body", *e.partition(": ")[0].split(".")), "msg": e.partition(": ")[2], "type": "value_error"}
                for e in exc.errors
            ]
        ) from None
