"""Every funding write: bands, commitments, budgets, actuals and DSG figures. Each checks its permission and
audits in the same transaction (`@service`). Commitments and band decisions are never edited: a change is a
new row, so the history of what was committed, when and why is the table itself."""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from highneeds import spreadsheets
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine.funding import pricing
from highneeds.people.models import Child

from . import lines, queries
from .models import (
    Actual,
    ActualsBatch,
    AreaOfNeed,
    Band,
    Budget,
    BudgetLine,
    ChildBand,
    Commitment,
    DsgAllocation,
    Framework,
    TopUpApplication,
)

# What a commitment version carries forward when it is revised.
TERMS = (
    "child_id",
    "establishment_id",
    "setting_type",
    "line_id",
    "source",
    "source_reference",
    "panel_item_id",
    "framework_id",
    "band_id",
    "costed_provision",
    "annual_fee",
    "residential_annual",
    "transport_annual",
    "attendance",
    "start",
    "end",
)


def _user(actor):
    return None if getattr(actor, "is_system", False) else actor


def _engine_terms(
    *, setting_type, start, end, band, costed_provision, annual_fee, residential_annual, transport_annual, attendance
) -> pricing.Terms:
    """The engine's annual terms for a commitment, or a ValidationError naming the form's fields."""
    package = {
        "setting_type": setting_type,
        "start": start,
        "end": end,
        "annual_fee": annual_fee,
        "residential_annual": residential_annual,
        "transport_annual": transport_annual,
        "attendance": attendance,
    }
    if costed_provision:
        package["costed_provision"] = costed_provision
    if band is not None:
        package["framework"] = band.framework.code
        package["band"] = band.code
    try:
        return pricing.terms(package, lambda code, on: {band.code: band.price_for_engine()} if band else None)
    except pricing.PricingInputError as exc:
        raise ValidationError({_field(e): e.split(": ", 1)[-1] for e in exc.errors}) from None


def _field(error: str) -> str:
    name = error.split(":", 1)[0].split("[", 1)[0].split(".", 1)[0]
    return {"framework": "band"}.get(name, name)


@service
def create_commitment(
    *,
    actor,
    child: Child,
    setting_type: str,
    start: date,
    source: str,
    establishment=None,
    end: date | None = None,
    band: Band | None = None,
    costed_provision=None,
    annual_fee=0,
    residential_annual=0,
    transport_annual=0,
    attendance=1,
    source_reference: str = "",
    reason: str = "",
    panel_item=None,
) -> Commitment:
    """An agreed package becomes a commitment (version 1) against its section 251 line."""
    require(actor, "funding.manage_commitments")
    if source not in dict(Commitment.SOURCES):
        raise ValidationError({"source": "Choose where the package was agreed"})
    terms = _engine_terms(
        setting_type=setting_type,
        start=start,
        end=end,
        band=band,
        costed_provision=costed_provision,
        annual_fee=annual_fee,
        residential_annual=residential_annual,
        transport_annual=transport_annual,
        attendance=attendance,
    )
    commitment = Commitment.objects.create(
        package=uuid.uuid4(),
        version=1,
        child=child,
        establishment=establishment,
        setting_type=setting_type,
        line=lines.line_for(setting_type, establishment, source),
        source=source,
        source_reference=source_reference,
        panel_item=panel_item,
        framework=band.framework if band else None,
        band=band,
        costed_provision=costed_provision or [],
        annual_fee=terms.annual["fee"],
        residential_annual=terms.annual["residential"],
        transport_annual=terms.annual["transport"],
        attendance=terms.attendance,
        start=start,
        end=end,
        effective_from=start,
        reason=reason,
        created_by=_user(actor),
        **_annuals(terms),
    )
    log.record(
        actor=actor, action="funding.commitment_create", obj=commitment, child=child, after=commitment.snapshot()
    )
    return commitment


def _annuals(terms: pricing.Terms) -> dict:
    return {
        "place_annual": terms.annual["place"],
        "contribution_annual": terms.annual["school_contribution"],
        "top_up_annual": terms.annual["top_up"],
    }


@service
def revise_commitment(*, actor, commitment: Commitment, effective_from: date, reason: str, **changes) -> Commitment:
    """A new version of the package from `effective_from`; the version before stops the day before."""
    require(actor, "funding.manage_commitments")
    latest = Commitment.objects.filter(package=commitment.package).order_by("-version").first()
    if latest.pk != commitment.pk:
        raise ValidationError(
            {
                "effective_from": f"This package has changed since (now version {latest.version}): "
                "start again from the current version"
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the package changes"})
    unknown = set(changes) - {
        "band",
        "setting_type",
        "establishment",
        "costed_provision",
        "annual_fee",
        "residential_annual",
        "transport_annual",
        "attendance",
        "end",
        "source_reference",
        "panel_item",
    }
    if unknown:
        raise ValidationError({"__all__": f"Cannot change {', '.join(sorted(unknown))}"})
    end = changes.get("end", latest.end)
    if effective_from < latest.effective_from or (end and effective_from > end + timedelta(days=1)):
        raise ValidationError(
            {
                "effective_from": f"The change must take effect between "
                f"{latest.effective_from:%d %B %Y} and the package's end"
            }
        )
    values = {name: getattr(latest, name) for name in TERMS}
    values.update(
        {
            f"{k}_id" if k in ("band", "establishment", "panel_item") else k: (v.pk if hasattr(v, "pk") else v)
            for k, v in changes.items()
        }
    )
    band = Band.objects.select_related("framework").get(pk=values["band_id"]) if values["band_id"] else None
    establishment = latest.establishment if "establishment" not in changes else changes["establishment"]
    terms = _engine_terms(
        setting_type=values["setting_type"],
        start=latest.start,
        end=values["end"],
        band=band,
        costed_provision=values["costed_provision"],
        annual_fee=values["annual_fee"],
        residential_annual=values["residential_annual"],
        transport_annual=values["transport_annual"],
        attendance=values["attendance"],
    )
    values.update(
        framework_id=band.framework_id if band else None,
        line_id=lines.line_for(values["setting_type"], establishment, values["source"]).pk,
    )
    new = Commitment.objects.create(
        package=latest.package,
        version=latest.version + 1,
        effective_from=effective_from,
        reason=reason,
        created_by=_user(actor),
        **values,
        **_annuals(terms),
    )
    log.record(
        actor=actor,
        action="funding.commitment_revise",
        obj=new,
        child=new.child,
        before=latest.snapshot(),
        after=new.snapshot(),
    )
    return new


@service
def set_child_band(
    *,
    actor,
    child: Child,
    band: Band,
    area: AreaOfNeed,
    effective_from: date,
    evidence: str,
    decided_by: str,
    decision_reference: str = "",
) -> ChildBand:
    """Record a child's band in one area of need from a date. The child's open commitments priced under the same
    framework follow it: each gets a new version from that date when its funding band changes."""
    require(actor, "funding.set_bands", child)
    errors = {}
    if area.framework_id != band.framework_id:
        errors["area"] = "The area of need is not in the band's framework"
    if not evidence.strip():
        errors["evidence"] = "Enter the evidence against the band's descriptors"
    if decided_by not in dict(ChildBand.DECIDERS):
        errors["decided_by"] = "Choose whether a panel or an officer decided"
    if decided_by == "panel" and not decision_reference.strip():
        errors["decision_reference"] = "Enter the panel meeting and date"
    if errors:
        raise ValidationError(errors)
    row = ChildBand.objects.create(
        child=child,
        framework=band.framework,
        area=area,
        band=band,
        effective_from=effective_from,
        evidence=evidence.strip(),
        decided_by=decided_by,
        decision_reference=decision_reference.strip(),
        recorded_by=_user(actor),
    )
    log.record(
        actor=actor,
        action="funding.band_set",
        obj=row,
        child=child,
        after={
            "framework": band.framework.code,
            "area": area.code,
            "band": band.code,
            "effective_from": effective_from,
            "decided_by": decided_by,
        },
    )
    funding_band = queries.funding_band(child, band.framework, effective_from)
    for current in queries.open_commitments(child, on=effective_from, framework=band.framework):
        if current.band_id != funding_band.pk:
            revise_commitment(
                actor=actor,
                commitment=current,
                effective_from=max(effective_from, current.effective_from),
                reason=f"Band changed to {funding_band.name} ({area.name}): {decision_reference or decided_by}",
                band=funding_band,
            )
    return row


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
    except OSError:
        raise ValidationError({"la_code": f"The published DSG allocations are not at {path}"}) from None
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
    from highneeds.establishments.models import Establishment

    payments, total = [], Decimal(0)
    for n, row in enumerate(reader, start=2):
        where = f"Row {n}"
        period = (row.get("period") or "").strip()
        if not period.isdigit() or not 1 <= int(period) <= 12:
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
            establishment = Establishment.objects.filter(urn=int(urn)).first() if urn.isdigit() else None
            if establishment is None:
                errors.append(f"{where}, urn: no establishment with URN {urn!r}")
        child_id = (row.get("child_id") or "").strip()
        if child_id:
            child = Child.objects.filter(pk=int(child_id)).first() if child_id.isdigit() else None
            if child is None:
                errors.append(f"{where}, child_id: no child {child_id!r}")
        if amount is not None:
            total += amount
        payments.append(
            dict(
                period=int(period) if period.isdigit() else 0,
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


# ---------------------------------------------------------------------------------------------
# Top-ups without an EHC plan: a setting applies, a panel decides


@service
def apply_for_top_up(
    *, actor, child: Child, establishment, area: AreaOfNeed, band: Band, start: date, evidence: str
) -> TopUpApplication:
    require(actor, "funding.apply_top_up", child)
    errors = {}
    if child.sen_status != "K":
        errors["child"] = "Top-ups without a plan are for children on SEN support"
    if not child.placements.filter(establishment=establishment, end_date__isnull=True).exists():
        errors["child"] = "The child is not on this setting's roll"
    if area.framework_id != band.framework_id:
        errors["area"] = "The area of need is not in the band's framework"
    if band.price_for_engine() is None:
        errors["band"] = "Choose a priced band"
    if not evidence.strip():
        errors["evidence"] = "Enter the evidence against the band's descriptors"
    if errors:
        raise ValidationError(errors)
    application = TopUpApplication.objects.create(
        child=child,
        establishment=establishment,
        area=area,
        band=band,
        start=start,
        evidence=evidence.strip(),
        applied_by=_user(actor),
    )
    log.record(
        actor=actor,
        action="funding.top_up_apply",
        obj=application,
        child=child,
        after={"band": band.code, "area": area.code, "start": start, "establishment": establishment.pk},
    )
    return application


@service
def decide_top_up(
    *, actor, application: TopUpApplication, agree: bool, decision_reference: str, reasons: str = ""
) -> TopUpApplication:
    """The panel's decision. Agreed: the band is recorded (decided by the panel) and the package committed."""
    require(actor, "funding.decide_top_ups")
    application = TopUpApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != "submitted":
        raise ValidationError({"__all__": f"This application was already {application.get_status_display().lower()}"})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": "Enter the panel meeting and date"})
    if not agree and not reasons.strip():
        raise ValidationError({"reasons": "Say why the top-up was refused"})
    from django.utils import timezone

    application.status = "agreed" if agree else "refused"
    application.decision_reference, application.decision_reasons = decision_reference.strip(), reasons.strip()
    application.decided_by, application.decided_at = _user(actor), timezone.now()
    if agree:
        set_child_band(
            actor=actor,
            child=application.child,
            band=application.band,
            area=application.area,
            effective_from=application.start,
            evidence=application.evidence,
            decided_by="panel",
            decision_reference=application.decision_reference,
        )
        application.commitment = create_commitment(
            actor=actor,
            child=application.child,
            establishment=application.establishment,
            setting_type=lines.setting_type_for(application.establishment),
            start=application.start,
            source="sen_support",
            band=application.band,
            source_reference=application.decision_reference,
            reason="SEN support top-up agreed at panel",
        )
    application.save()
    log.record(
        actor=actor,
        action="funding.top_up_decide",
        obj=application,
        child=application.child,
        after={"status": application.status, "decision_reference": application.decision_reference},
    )
    return application


# ---------------------------------------------------------------------------------------------
# Frameworks: a new version from a JSON definition (the shape of highneeds/funding/frameworks/*.json)


def _framework_errors(definition) -> list[str]:
    from django.utils.text import slugify

    if not isinstance(definition, dict):
        return ["framework: must be a JSON object"]
    errors = []
    code = definition.get("code")
    if not isinstance(code, str) or not code or slugify(code) != code:
        errors.append("code: must be lower-case letters, digits and hyphens, like mainstream-top-up")
    version = definition.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        errors.append("version: must be a whole number from 1")
    if not str(definition.get("name") or "").strip():
        errors.append("name: is required")
    if definition.get("kind") not in dict(Framework.KINDS):
        errors.append(f"kind: must be one of {', '.join(dict(Framework.KINDS))}")
    for key in ("effective_from", "effective_to"):
        value = definition.get(key)
        if value is None and key == "effective_to":
            continue
        try:
            date.fromisoformat(str(value))
        except ValueError:
            errors.append(f"{key}: must be a date (YYYY-MM-DD)")
    for section in ("areas", "bands"):
        items = definition.get(section)
        if not isinstance(items, list) or not items:
            errors.append(f"{section}: must be a non-empty list")
            continue
        seen = set()
        for n, item in enumerate(items):
            where = f"{section}[{n}]"
            if (
                not isinstance(item, dict)
                or not str(item.get("code") or "").strip()
                or not str(item.get("name") or "").strip()
            ):
                errors.append(f"{where}: needs a code and a name")
                continue
            if item["code"] in seen:
                errors.append(f"{where}.code: {item['code']!r} appears twice")
            seen.add(item["code"])
            if section == "bands":
                amounts = [("top_up", item.get("top_up"))] + [
                    (f"prices.{k}", v) for k, v in (item.get("prices") or {}).items()
                ]
                for k in item.get("prices") or {}:
                    if k not in pricing.PLACE_FUNDING:
                        errors.append(f"{where}.prices.{k}: unknown setting type")
                for name, value in amounts:
                    if value is None:
                        continue
                    try:
                        ok = Decimal(str(value)) >= 0
                    except InvalidOperation:
                        ok = False
                    if not ok:
                        errors.append(f"{where}.{name}: must be an amount of at least 0, or null")
    return errors


@service
def install_framework(*, actor, definition) -> Framework:
    """Install a framework version. Existing versions are never changed: a change is a higher version."""
    require(actor, "funding.edit_frameworks")
    errors = _framework_errors(definition)
    if not errors and Framework.objects.filter(code=definition["code"], version=definition.get("version", 1)).exists():
        latest = Framework.objects.filter(code=definition["code"]).order_by("-version").first()
        errors.append(
            f"version: {definition['code']} version {definition.get('version', 1)} exists; "
            f"give version {latest.version + 1}"
        )
    if errors:
        raise ValidationError(errors)
    from .examples import install

    framework = install(Framework, AreaOfNeed, Band, definition, is_example=bool(definition.get("is_example")))
    log.record(actor=actor, action="funding.framework_install", obj=framework, after=framework.snapshot())
    return framework
