"""Where plans meet funding: an issued plan's agreed package becomes a commitment, a ceased plan ends it.

Connected to highneeds.plans.signals in FundingConfig.ready, so the plans app never imports funding. The plan
service has already checked that its actor may issue (or cease) the plan; the commitment is then written by the
SYSTEM actor, because a caseworker issuing a plan does not hold `funding.manage_commitments`. Who issued the
plan is kept in the commitment's reason and the plan's own audit event (same transaction).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from highneeds.accounts.roles import SYSTEM

from . import lines, queries, services
from .models import Band, ChildBand, Commitment


def _who(actor) -> str:
    return getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", "") or "the system"


def band_for(child, setting_type: str, on) -> Band | None:
    """The child's current funding band in the most recently used framework that prices this setting type (a
    bespoke band, or a framework without a price for the setting, cannot price a package on its own)."""
    seen = set()
    for row in (ChildBand.objects.filter(child=child, effective_from__lte=on).select_related("framework")
                .order_by("-effective_from", "-pk")):
        if row.framework_id in seen:
            continue
        seen.add(row.framework_id)
        band = queries.funding_band(child, row.framework, on)
        price = band.price_for_engine() if band else None
        if isinstance(price, dict):
            price = price.get(setting_type)
        if price is not None:
            return band
    return None


def plan_commitment(child, on) -> Commitment | None:
    """The latest version of the child's open plan package on `on`, if any."""
    open_ = [c for c in queries.open_commitments(child, on=on) if c.source == "plan"]
    return max(open_, key=lambda c: (c.effective_from, c.version)) if open_ else None


def plan_issued(sender, *, actor, version, issued_on, **kwargs) -> Commitment | None:
    """A final plan commits its package; an amended plan versions it. Nothing when section I names no setting or
    the child has no priced band: the plan still issues and finance sees it under "plans without a band"."""
    establishment = version.establishment
    if establishment is None:
        return None
    child = version.plan.child
    setting_type = lines.setting_type_for(establishment)
    band = band_for(child, setting_type, issued_on)
    current = plan_commitment(child, issued_on)
    reference = f"EHC plan version {version.number}, issued {issued_on:%-d %B %Y}"
    if band is None:
        return None
    try:  # pricing errors are raised before anything is written, so the plan can still issue
        if current is None:
            return services.create_commitment(
                actor=SYSTEM, child=child, establishment=establishment, setting_type=setting_type, start=issued_on,
                source="plan", band=band, source_reference=reference,
                reason=f"Plan issued by {_who(actor)} naming {establishment.name}")
        return services.revise_commitment(
            actor=SYSTEM, commitment=current, effective_from=max(issued_on, current.effective_from),
            reason=f"{reference} by {_who(actor)} naming {establishment.name}", band=band,
            setting_type=setting_type, establishment=establishment, costed_provision=[], end=None)
    except ValidationError:
        return None


def plan_ceased(sender, *, actor, plan, ceased_on, **kwargs) -> None:
    """The plan's package ends on the day the plan ceases."""
    current = plan_commitment(plan.child, ceased_on)
    if current is None:
        return
    services.revise_commitment(actor=SYSTEM, commitment=current, effective_from=max(ceased_on, current.effective_from),
                               reason=f"EHC plan ceased {ceased_on:%-d %B %Y} (recorded by {_who(actor)})",
                               end=max(ceased_on, current.start))


def plans_without_band() -> list[dict]:
    """Children whose issued plan names a setting but who have no plan commitment running today: finance bands
    them (then commits the package on the child's funding page)."""
    from datetime import date

    from highneeds.plans.models import PlanVersion

    today = date.today()
    latest = {}
    for package, child_id, end in (Commitment.objects.filter(source="plan").order_by("package", "version")
                                   .values_list("package", "child_id", "end")):
        latest[package] = (child_id, end)
    committed = {child_id for child_id, end in latest.values() if end is None or end >= today}
    return [{"child_id": v.plan.child_id, "child": v.plan.child.full_name, "setting": v.establishment.name,
             "issued_on": v.issued_on}
            for v in (PlanVersion.objects.filter(state="issued", plan__status="final", establishment__isnull=False)
                      .exclude(plan__child_id__in=committed).select_related("plan__child", "establishment")
                      .order_by("issued_on", "pk"))]
