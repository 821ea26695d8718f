"""Every funding write: bands, commitments and top-ups here; budgets, actuals and DSG figures in `finance`, framework
versions in `framework_install` (re-exported, so callers use `services.<name>` for all). Each checks its permission and
audits in the same transaction (`@service`). Commitments and band decisions are never edited: a change is a
new row, so the history of what was committed, when and why is the table itself."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine.funding import pricing
from highneeds.people.models import Child

from . import lines, queries

# Re-exported: callers use services.<name> for every funding write.
from .finance import (  # noqa: F401
    ACTUALS_COLUMNS,
    _user,
    export_commitments,
    import_actuals,
    import_dsg_allocations,
    set_budget,
    set_dsg_allocation,
)
from .framework_install import _framework_errors, install_framework  # noqa: F401
from .models import (
    AreaOfNeed,
    Band,
    ChildBand,
    Commitment,
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
