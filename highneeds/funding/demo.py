"""Demo funding for the synthetic council: a band and a commitment for every child with an EHC plan and a current
placement, budgets a little under what is committed, the council's published high needs block, and the months
paid so far imported through the real actuals import. Idempotent: nothing is added once commitments exist.

Bands and commitments are bulk-written in one audited service call (one audit event per commitment)."""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from highneeds import spreadsheets
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.models import CouncilSettings
from highneeds.engine.funding import pricing
from highneeds.funding.models import ActualsBatch
from highneeds.people.models import Child, ChildNeed, Placement

from . import lines, presenting, queries, services
from .models import (
    AreaOfNeed,
    Band,
    Budget,
    BudgetLine,
    ChildBand,
    Commitment,
    DsgAllocation,
    Framework,
)

AREA_BY_NEED = {
    "SPLD": "CL",
    "MLD": "CL",
    "SLD": "CL",
    "PMLD": "CL",
    "SLCN": "CI",
    "ASD": "CI",
    "SEMH": "SEMH",
    "HI": "SP",
    "VI": "SP",
    "MSI": "SP",
    "PD": "SP",
}
CENTRAL_SHARES = {"1.2.5": Decimal("0.5"), "1.2.6": Decimal("0.15"), "1.2.7": Decimal("0.35")}
DESIGNATION_BY_NEED = {
    "MLD": "MLD",
    "SPLD": "MLD",
    "SEMH": "SEMH",
    "ASD": "ASD",
    "SLCN": "ASD",
    "SLD": "SLD",
    "PMLD": "SLD",
    "MSI": "SLD",
}


def _package(child_id: int, setting_type: str, need: str, bands: dict) -> dict:
    """Deterministic, plausible demo terms for a child's package."""
    k = child_id % 20
    if setting_type == "mainstream":
        if k == 0:
            return {
                "costed_provision": [
                    {"kind": "staff_hours", "hours_per_week": 25, "rate": "19.50", "weeks_per_year": 39}
                ],
                "band": bands["mainstream"]["plus"],
            }
        return {"band": bands["mainstream"][("1", "1", "2", "2", "2", "3")[k % 6]]}
    if setting_type == "special":
        return {"band": bands["special"][DESIGNATION_BY_NEED.get(need, "MLD")], "transport_annual": 6000 + 250 * k}
    if setting_type == "independent_special":
        return {
            "annual_fee": 48000 + 1500 * k,
            "residential_annual": 60000 if k < 2 else 0,
            "transport_annual": 9000 + 400 * k,
        }
    if setting_type == "non_maintained_special":
        return {"costed_provision": [{"kind": "item", "annual_cost": 28000 + 500 * k}], "transport_annual": 8000}
    if setting_type == "ap":
        return {"costed_provision": [{"kind": "item", "annual_cost": 7000 + 200 * k}], "attendance": "0.8"}
    return {
        "costed_provision": [{"kind": "staff_hours", "hours_per_week": 6 + k % 6, "rate": "21", "weeks_per_year": 36}]
    }


@service
def seed(*, actor) -> dict[str, int]:
    require(actor, "funding.manage_commitments")
    if Commitment.objects.exists():
        return {}
    mainstream = Framework.objects.get(code="mainstream-top-up")
    special = Framework.objects.get(code="special-designation")
    bands = {
        "mainstream": {b.code: b for b in Band.objects.filter(framework=mainstream)},
        "special": {b.code: b for b in Band.objects.filter(framework=special)},
    }
    areas = {(a.framework_id, a.code): a for a in AreaOfNeed.objects.filter(framework__in=[mainstream, special])}
    line_by_code = {line.code: line for line in BudgetLine.objects.all()}
    children = Child.objects.filter(sen_status="E").prefetch_related(
        Prefetch("placements", Placement.objects.filter(end_date__isnull=True).select_related("establishment")),
        Prefetch("needs", ChildNeed.objects.order_by("rank")),
    )
    commitments, child_bands = [], []
    for child in children.iterator(chunk_size=500):
        placement = next(iter(child.placements.all()), None)
        if placement is None:
            continue
        need = next((n.code for n in child.needs.all()), "OTH")
        setting_type = lines.setting_type_for(placement.establishment)
        terms_input = _package(child.pk, setting_type, need, bands)
        band = terms_input.pop("band", None)
        start = placement.start_date
        package = {"setting_type": setting_type, "start": start, **terms_input}
        lookup = None
        if band is not None:
            package.update(framework=band.framework.code, band=band.code)
            lookup = lambda code, on, b=band: {b.code: b.price_for_engine()}  # noqa: E731
        terms = pricing.terms(package, lookup)
        line = line_by_code[lines.line_code_for(setting_type, placement.establishment.establishment_type, "plan")]
        commitments.append(
            Commitment(
                package=uuid.uuid4(),
                version=1,
                child=child,
                establishment=placement.establishment,
                setting_type=setting_type,
                line=line,
                source="plan",
                source_reference="EHC plan sections F and I",
                framework=band.framework if band else None,
                band=band,
                costed_provision=terms_input.get("costed_provision", []),
                annual_fee=terms.annual["fee"],
                residential_annual=terms.annual["residential"],
                transport_annual=terms.annual["transport"],
                attendance=terms.attendance,
                start=start,
                end=None,
                effective_from=start,
                reason="Demo data",
                place_annual=terms.annual["place"],
                contribution_annual=terms.annual["school_contribution"],
                top_up_annual=terms.annual["top_up"],
            )
        )
        if band is not None:
            area_code = "ALL" if band.framework_id == special.pk else AREA_BY_NEED.get(need, "CL")
            child_bands.append(
                ChildBand(
                    child=child,
                    framework=band.framework,
                    band=band,
                    effective_from=start,
                    area=areas[(band.framework_id, area_code)],
                    decided_by="panel",
                    decision_reference="High needs panel (demo)",
                    evidence="Demo: needs as described in the plan's section B",
                )
            )
    Commitment.objects.bulk_create(commitments, batch_size=500)
    ChildBand.objects.bulk_create(child_bands, batch_size=500)
    entries = [
        log.Entry(
            action="funding.commitment_create",
            object_type="funding.commitment",
            object_id=str(c.pk or ""),
            child_id=c.child_id,
            after={"demo": True, "line": c.line.code},
        )
        for c in commitments
    ]
    log.record_many(actor=actor, entries=entries)
    return {"funding commitments": len(commitments), "funding bands": len(child_bands)}


def _budgets_and_actuals(actor) -> dict[str, int]:
    year = presenting.current_financial_year()
    made = {}
    if not Budget.objects.filter(financial_year=year).exists():
        committed = defaultdict(Decimal)
        for p in queries.priced_commitments(year):
            committed[p.commitment.line_id] += p.pricing.high_needs_total
        packages = sum(committed.values(), Decimal(0)) * Decimal("0.96")
        allocation = getattr(DsgAllocation.objects.filter(financial_year=year).first(), "high_needs_block", None)
        central = max(Decimal(0), (allocation or packages) * Decimal("0.98") - packages)
        for line in BudgetLine.objects.all():
            # packages: a little under what is committed (the pressure a monitoring report shows); central services
            # share what is left of the allocation
            amount = committed.get(line.pk, Decimal(0)) * Decimal("0.96") + central * CENTRAL_SHARES.get(line.code, 0)
            services.set_budget(actor=actor, financial_year=year, line=line, amount=amount.quantize(Decimal("1000")))
        made["funding budgets"] = BudgetLine.objects.count()

    today = timezone.localdate()
    months_paid = sum(1 for p in range(1, 13) if presenting.month_bounds(year, p)[1] < today)
    if months_paid and not ActualsBatch.objects.filter(financial_year=year).exists():
        rows, total = [], Decimal(0)
        by_line = defaultdict(Decimal)
        for p in queries.priced_commitments(year):
            for period in range(1, months_paid + 1):
                lo, hi = presenting.month_bounds(year, period)
                overlap = (min(hi, p.end) - max(lo, p.start)).days + 1
                if overlap > 0:
                    by_line[(p.commitment.line.code, period)] += (
                        p.pricing.high_needs_total * overlap / ((p.end - p.start).days + 1)
                    )
        for budget in Budget.objects.filter(financial_year=year, line__code__in=CENTRAL_SHARES).select_related("line"):
            for period in range(1, months_paid + 1):
                by_line[(budget.line.code, period)] += budget.amount / 12
        for (code, period), amount in sorted(by_line.items()):
            amount = (amount * Decimal("1.02")).quantize(Decimal("0.01"))  # payments run a little ahead
            rows.append((period, code, amount))
            total += amount
        out = io.StringIO()
        writer = spreadsheets.csv_writer(out)
        writer.writerow(["period", "line", "amount", "reference"])
        for period, code, amount in rows:
            writer.writerow([period, code, f"{amount:.2f}", "Demo ledger"])
        if rows:
            services.import_actuals(
                actor=actor,
                financial_year=year,
                filename=f"demo-ledger-{year}.csv",
                content=out.getvalue().encode(),
                control_total=total,
            )
            made["funding payments"] = len(rows)
    return made


def _dsg(actor) -> dict[str, int]:

    year = presenting.current_financial_year()
    if DsgAllocation.objects.filter(financial_year=year).exists():
        return {}
    code = CouncilSettings.current().old_la_code
    made = 0
    try:
        made = services.import_dsg_allocations(actor=actor, la_code=code) if code else 0
    except Exception:  # noqa: BLE001 - no published figures for this council: the demo estimate below still works
        made = 0
    latest = DsgAllocation.objects.order_by("-financial_year").first()
    if latest is None:
        return {"DSG allocations": 0}
    years = year - latest.financial_year
    estimate = (latest.high_needs_block * Decimal("1.05") ** years).quantize(Decimal("1"))
    services.set_dsg_allocation(
        actor=actor,
        financial_year=year,
        high_needs_block=estimate,
        opening_balance=-(estimate * Decimal("0.12")).quantize(Decimal("1")),
        source=f"Demo estimate: the published {presenting.fy_label(latest.financial_year)} "
        f"allocation grown 5% a year; the balance brought forward is invented",
    )
    return {"DSG allocations": made + 1}


def prepare(actor, progress=None) -> dict[str, int]:
    counts = seed(actor=actor)
    counts.update(_dsg(actor))
    counts.update(_budgets_and_actuals(actor))
    return counts
