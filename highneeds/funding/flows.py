"""Where plans and panels meet funding: an issued plan's agreed package becomes a commitment, a ceased plan ends
it, and a placement panel's agreed package (band or amount, and setting) becomes one too.

Connected to highneeds.plans.signals in FundingConfig.ready, so the plans app never imports funding. The plan
service has already checked that its actor may issue (or cease) the plan; the commitment is then written by the
SYSTEM actor, because a caseworker issuing a plan does not hold `funding.manage_commitments`. Who issued the
plan is kept in the commitment's reason and the plan's own audit event (same transaction).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from highneeds.accounts.roles import SYSTEM
from highneeds.panels import queries as panel_queries
from highneeds.panels.models import AgendaItem
from highneeds.plans.models import PlanVersion

from . import lines, queries, services
from .models import Band, ChildBand, Commitment


def _who(actor) -> str:
    return getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", "") or "the system"


def band_for(child, setting_type: str, on) -> Band | None:
    """The child's current funding band in the most recently used framework that prices this setting type (a
    bespoke band, or a framework without a price for the setting, cannot price a package on its own)."""
    seen = set()
    for row in (
        ChildBand.objects.filter(child=child, effective_from__lte=on)
        .select_related("framework")
        .order_by("-effective_from", "-pk")
    ):
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
                actor=SYSTEM,
                child=child,
                establishment=establishment,
                setting_type=setting_type,
                start=issued_on,
                source="plan",
                band=band,
                source_reference=reference,
                reason=f"Plan issued by {_who(actor)} naming {establishment.name}",
            )
        return services.revise_commitment(
            actor=SYSTEM,
            commitment=current,
            effective_from=max(issued_on, current.effective_from),
            reason=f"{reference} by {_who(actor)} naming {establishment.name}",
            band=band,
            setting_type=setting_type,
            establishment=establishment,
            costed_provision=[],
            end=None,
        )
    except ValidationError:
        return None


def plan_ceased(sender, *, actor, plan, ceased_on, **kwargs) -> None:
    """The plan's package ends on the day the plan ceases."""
    current = plan_commitment(plan.child, ceased_on)
    if current is None:
        return
    services.revise_commitment(
        actor=SYSTEM,
        commitment=current,
        effective_from=max(ceased_on, current.effective_from),
        reason=f"EHC plan ceased {ceased_on:%-d %B %Y} (recorded by {_who(actor)})",
        end=max(ceased_on, current.start),
    )


def plans_without_band() -> list[dict]:
    """Children whose issued plan names a setting but who have no plan commitment running today: finance bands
    them (then commits the package on the child's funding page)."""
    today = date.today()
    latest = {}
    for package, child_id, end in (
        Commitment.objects.filter(source="plan")
        .order_by("package", "version")
        .values_list("package", "child_id", "end")
    ):
        latest[package] = (child_id, end)
    committed = {child_id for child_id, end in latest.values() if end is None or end >= today}
    return [
        {
            "child_id": v.plan.child_id,
            "child": v.plan.child.full_name,
            "setting": v.establishment.name,
            "issued_on": v.issued_on,
        }
        for v in (
            PlanVersion.objects.filter(state="issued", plan__status="final", establishment__isnull=False)
            .exclude(plan__child_id__in=committed)
            .select_related("plan__child", "establishment")
            .order_by("issued_on", "pk")
        )
    ]


# ---------------------------------------------------------------------------------------------
# Placement panels: an agreed package becomes a commitment


def agreed_placement_items():
    """Placement panel items the panel agreed ("Agree the placement and funding"), newest meeting first."""
    return (
        AgendaItem.objects.filter(meeting__panel__panel_type="placement", recommendation__outcome="agree")
        .select_related("meeting__panel", "request__child", "recommendation")
        .order_by("-meeting__meets_on", "pk")
    )


def placement_item(item_id: int) -> AgendaItem | None:
    return (
        AgendaItem.objects.select_related("meeting__panel", "request__child")
        .filter(pk=item_id, meeting__panel__panel_type="placement")
        .first()
    )


def panel_decision(item: AgendaItem) -> dict:
    """The panel's decision as plain words, for the drill-down and the decision page."""
    recommendation = panel_queries.recommendation_of(item)
    meeting = item.meeting
    return {
        "item_id": item.pk,
        "panel": meeting.panel.name,
        "meets_on": meeting.meets_on,
        "child_id": item.request.child_id,
        "request": item.request.reference,
        "outcome": recommendation.get_outcome_label() if recommendation else "No recommendation yet",
        "agreed": bool(recommendation and recommendation.outcome == "agree"),
        "reasons": recommendation.reasons if recommendation else "",
        "summary": item.summary,
        "reference": f"{meeting.panel.name}, {meeting.meets_on:%-d %B %Y}",
    }


def _open_package(child, on: date) -> Commitment | None:
    """The package a placement decision changes: the open plan package, else an open panel package."""
    found = plan_commitment(child, on)
    if found is not None:
        return found
    open_ = [c for c in queries.open_commitments(child, on=on) if c.source == "panel"]
    return max(open_, key=lambda c: (c.effective_from, c.version)) if open_ else None


def commit_panel_decision(
    *,
    actor,
    item: AgendaItem,
    establishment,
    start: date,
    band: Band | None = None,
    annual_amount: Decimal | None = None,
    reason: str = "",
) -> Commitment:
    """A placement panel agreed a package: its band (or an annual amount) at a setting from a date becomes a
    commitment linked to the decision. The child's open plan (or panel) package gets a new version from that date;
    otherwise a new package starts, source "panel". Checked before anything is written; the services check the
    actor's `funding.manage_commitments` and write the audit events."""
    recommendation = panel_queries.recommendation_of(item)
    if item.meeting.panel.panel_type != "placement" or recommendation is None or recommendation.outcome != "agree":
        raise ValidationError({"__all__": "Only a package a placement panel agreed can be committed from it"})
    errors = {}
    if establishment is None:
        errors["urn"] = "Enter the URN of the setting the panel agreed"
    if (band is None) == (annual_amount is None):
        errors["band"] = "Choose the band the panel agreed, or enter the annual amount (one of the two)"
    if annual_amount is not None and annual_amount <= 0:
        errors["annual_amount"] = "The annual amount must be more than £0"
    if start is None:
        errors["start"] = "Enter the date the package starts"
    elif start < item.meeting.meets_on:
        errors["start"] = f"The package cannot start before the panel met ({item.meeting.meets_on:%-d %B %Y})"
    if errors:
        raise ValidationError(errors)
    if Commitment.objects.filter(panel_item=item).exists():
        raise ValidationError(
            {
                "__all__": "This panel decision has already been committed: change the package on "
                "the child's funding page"
            }
        )
    child = item.request.child
    setting_type = lines.setting_type_for(establishment)
    costed = [] if band else [{"kind": "item", "annual_cost": str(annual_amount)}]
    reference = f"{item.meeting.panel.name}, {item.meeting.meets_on:%-d %B %Y}: {recommendation.get_outcome_label()}"
    why = reason.strip() or f"Placement panel agreed the package ({reference})"
    current = _open_package(child, start)
    if current is None:
        return services.create_commitment(
            actor=actor,
            child=child,
            establishment=establishment,
            setting_type=setting_type,
            start=start,
            source="panel",
            band=band,
            costed_provision=costed,
            source_reference=reference,
            reason=why,
            panel_item=item,
        )
    return services.revise_commitment(
        actor=actor,
        commitment=current,
        effective_from=max(start, current.effective_from),
        reason=why,
        band=band,
        costed_provision=costed,
        setting_type=setting_type,
        establishment=establishment,
        end=None,
        source_reference=reference,
        panel_item=item,
    )
