"""The finance officer's ledger: budgets, DSG allocations, actuals imports and the commitments export. Each write
checks its permission and audits in the same transaction (`@service`); `services` re-exports these names."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from highneeds import spreadsheets
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine.funding import pricing
from highneeds.establishments.models import Establishment
from highneeds.people.models import Child

from . import queries
from .models import Actual, ActualsBatch, Budget, BudgetLine, DsgAllocation


def _user(actor):
    """The user to record as doing a write: None for the system actor (jobs, imports)."""
    return None if getattr(actor, "is_system", False) else actor


@service
def set_budget(*, actor, financial_year: int, line: BudgetLine, amount: Decimal) -> Budget:
    require(actor, "funding.manage_budget")
    if amount < 0:
        raise ValidationError({"amount": "The budget must not be negative"})
    budget, _ = Budget.objects.update_or_create(financial_year=financial_year, line=line, defaults={"amount": amount})
    log.record(
        actor=actor,
        action="funding.budget_set",
        obj=budget,
        after={"financial_year": financial_year, "line": line.code, "amount": amount},
    )
    return budget


@service
def set_dsg_allocation(
    *, actor, financial_year: int, high_needs_block: Decimal, opening_balance=None, source: str
) -> DsgAllocation:
    require(actor, "funding.manage_budget")
    row, _ = DsgAllocation.objects.update_or_create(
        financial_year=financial_year,
        defaults={"high_needs_block": high_needs_block, "opening_balance": opening_balance, "source": source},
    )
    log.record(
        actor=actor,
        action="funding.dsg_set",
        obj=row,
        after={
            "financial_year": financial_year,
            "high_needs_block": high_needs_block,
            "opening_balance": opening_balance,
            "source": source,
        },
    )
    return row


@service
def import_dsg_allocations(*, actor, la_code: str) -> int:
    """The council's published high needs block (after deductions) from ../shared/data/dsg_allocations."""
    require(actor, "funding.manage_budget")
    path = django_settings.SHARED_DATA_DIR / "dsg_allocations" / "dsg_allocations_summary_2019-20_to_2023-24.csv"
    try:
        with path.open(encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r["la_code"] == la_code and r["row_type"] == "local_authority"]
    except OSError as exc:  # the path is for the log, never the page
        logging.getLogger(__name__).warning("DSG allocations not readable: %s", exc)
        raise ValidationError({"la_code": "The public data files are not installed: ask your administrator"}) from None
    if not rows:
        raise ValidationError({"la_code": f"No published DSG allocations for LA {la_code}"})
    for r in rows:
        year = int(r["financial_year"][:4])
        scale = Decimal(1_000_000) if "million" in r["units"] else Decimal(1)  # 2019-20 is in £ millions
        amount = (Decimal(r["high_needs_block_after"]) * scale).quantize(Decimal("1"))
        set_dsg_allocation(
            actor=actor,
            financial_year=year,
            high_needs_block=amount,
            opening_balance=getattr(DsgAllocation.objects.filter(financial_year=year).first(), "opening_balance", None),
            source=f"DfE DSG allocations {r['financial_year']}, high needs block after deductions "
            f"(dsg_allocations_summary, OGL v3.0)",
        )
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Actuals: a CSV of payments, all or nothing

ACTUALS_COLUMNS = ("period", "line", "amount")


@service
def import_actuals(*, actor, financial_year: int, filename: str, content: bytes, control_total) -> ActualsBatch:
    """Import payments for a financial year. Refused whole, with every problem named by row and column, when any
    row is bad, when the rows do not add up to the control total, or when the same file was imported before."""
    require(actor, "funding.manage_budget")
    errors: list[str] = []
    try:
        control = Decimal(str(control_total).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        raise ValidationError({"control_total": "Enter the control total as an amount, like 123456.78"}) from None
    digest = hashlib.sha256(content).hexdigest()
    if ActualsBatch.objects.filter(sha256=digest).exists():
        raise ValidationError({"file": "This file has already been imported"})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": "The file is not UTF-8 text (save it as CSV UTF-8)"}) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ACTUALS_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            {
                "file": f"The file has no {', '.join(missing)} column (needs period, line, amount; "
                f"optional setting_type, urn, child_id, reference)"
            }
        )
    known_lines = {line.code: line for line in BudgetLine.objects.all()}
    payments, total = [], Decimal(0)
    for n, row in enumerate(reader, start=2):
        where = f"Row {n}"
        period = (row.get("period") or "").strip()
        if not period.isdecimal() or not 1 <= int(period) <= 12:
            errors.append(f"{where}, period: must be a month of the financial year, 1 (April) to 12 (March)")
        line = known_lines.get((row.get("line") or "").strip())
        if line is None:
            errors.append(f"{where}, line: unknown budget line {row.get('line')!r}")
        try:
            amount = Decimal((row.get("amount") or "").replace(",", "").replace("£", "").strip())
            if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            errors.append(f"{where}, amount: must be an amount in pounds and pence, not {row.get('amount')!r}")
            amount = None
        setting_type = (row.get("setting_type") or "").strip()
        if setting_type and setting_type not in pricing.PLACE_FUNDING:
            errors.append(f"{where}, setting_type: unknown setting type {setting_type!r}")
        establishment = child = None
        urn = (row.get("urn") or "").strip()
        if urn:
            establishment = Establishment.objects.filter(urn=int(urn)).first() if urn.isdecimal() else None
            if establishment is None:
                errors.append(f"{where}, urn: no establishment with URN {urn!r}")
        child_id = (row.get("child_id") or "").strip()
        if child_id:
            child = Child.objects.filter(pk=int(child_id)).first() if child_id.isdecimal() else None
            if child is None:
                errors.append(f"{where}, child_id: no child {child_id!r}")
        if amount is not None:
            total += amount
        payments.append(
            dict(
                period=int(period) if period.isdecimal() else 0,
                line=line,
                setting_type=setting_type,
                establishment=establishment,
                child=child,
                amount=amount,
                reference=(row.get("reference") or "").strip()[:100],
            )
        )
    if not payments:
        errors.append("The file has no payment rows")
    if not errors and total != control:
        errors.append(f"The rows add up to {total:,.2f}, not the control total {control:,.2f}: nothing was imported")
    if errors:
        raise ValidationError(errors)
    batch = ActualsBatch.objects.create(
        financial_year=financial_year,
        filename=filename[:200],
        sha256=digest,
        control_total=control,
        rows=len(payments),
        imported_by=_user(actor),
    )
    Actual.objects.bulk_create(Actual(batch=batch, financial_year=financial_year, **p) for p in payments)
    log.record(
        actor=actor,
        action="funding.actuals_import",
        obj=batch,
        after={"financial_year": financial_year, "rows": len(payments), "control_total": control, "filename": filename},
    )
    return batch


@service
def export_commitments(*, actor, financial_year: int) -> str:
    """Every commitment version in force during the year, priced for the year, as CSV (audited: names children)."""
    require(actor, "funding.view_children")
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out)
    names = [n for n, *_ in pricing.COMPONENTS]
    writer.writerow(
        [
            "package",
            "version",
            "child_id",
            "child",
            "setting",
            "urn",
            "setting_type",
            "line",
            "source",
            "band",
            "from",
            "to",
            "days",
            *names,
            "high_needs_total",
        ]
    )
    priced = queries.priced_commitments(financial_year)
    for p in priced:
        c = p.commitment
        writer.writerow(
            [
                c.package,
                c.version,
                c.child_id,
                c.child.full_name,
                c.establishment.name if c.establishment else "",
                c.establishment.urn if c.establishment else "",
                c.setting_type,
                c.line.code,
                c.source,
                c.band.code if c.band else "",
                p.start,
                p.end,
                p.pricing.days,
                *[pricing.money(p.pricing.amount(n)) for n in names],
                pricing.money(p.pricing.high_needs_total),
            ]
        )
    log.record(
        actor=actor, action="funding.commitments_export", after={"financial_year": financial_year, "rows": len(priced)}
    )
    return out.getvalue()
