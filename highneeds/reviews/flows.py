"""Where reviews meet the plan and disputes: a review's decision sends proposed amendments or starts a cessation,
and an amended plan (after a review, a phase transfer or a reassessment) is issued through the plans app.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.disputes.services import start_cessation
from highneeds.engine.clock.machines import REASSESSMENT, REPRESENTATION_DAYS
from highneeds.plans import queries as plan_queries
from highneeds.plans import services as plan_services

from . import queries
from .models import (
    DECISIONS,
    AnnualReview,
    PhaseTransfer,
    Reassessment,
)
from .services._common import (
    _check_with_clock,
    _letters,
    _not_future,
    _refresh,
    _review_fields,
)
from .services.annual import CONSIDERATIONS, _considerations, _step
from .services.phase_transfer import _transfer_step


@service
def decide(
    *, actor, review: AnnualReview, decision: str, decided_on: date, reasons: str, cease_reason: str = "", **considered
) -> AnnualReview:
    """The council's decision after the review: maintain, amend or cease, notified by letter.

    * maintain and cease: a notice with appeal and mediation rights;
    * amend: the proposed amendments go WITH the notice (Devon 2022): the plan's editable amendment
      (or a new one copied from the plan in force) is sent through the plans app;
    * cease: the disputes app starts the cessation (consultation, notice, the appeal window).
    Whether stepping down to SEN support and ceasing were considered, and why not, must be recorded first.
    """
    require(actor, "reviews.manage", review.child)
    _step(review, "decide")
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose keep, amend or stop the plan"})
    _not_future("decided_on", decided_on, "The decision date")
    if decided_on < review.held_on:
        raise ValidationError({"decided_on": "The decision cannot be before the meeting"})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision"})
    if decision == "cease" and cease_reason not in queries.cease_reasons():
        raise ValidationError({"cease_reason": "Choose why the plan would stop"})
    unknown = set(considered) - set(CONSIDERATIONS)
    if unknown:
        raise TypeError(f"unexpected arguments {sorted(unknown)}")
    _considerations(review, considered)
    _check_with_clock(review, decided_on=decided_on, decision=decision)
    child, plan = review.child, review.plan
    review.decision, review.decided_on, review.decision_reasons = decision, decided_on, reasons.strip()
    review.cease_reason = cease_reason if decision == "cease" else ""
    if decision == "amend":
        # The amendments the caseworker has written in the plan (or, if none yet, a copy of the plan in force
        # to write them in) go with this notice.
        version = plan_queries.editable_version(plan)
        if version is None:
            version = plan_services.start_amendment(
                actor=actor, plan=plan, source="annual_review", started_on=decided_on
            )
        if version.state == "editing":
            version = plan_services.send_proposed_amendments(actor=actor, version=version, sent_on=decided_on)
        review.amendment, review.amendments_sent_on, review.stage = version, version.sent_on, "amending"
    else:
        review.stage, review.closed_on = "closed", decided_on
    letters = _letters(
        actor,
        child,
        f"review_decision_{decision}",
        review=_review_fields(review),
        last_representation_day=decided_on + timedelta(days=REPRESENTATION_DAYS - 1),
        cease_reason_label=queries.cease_reasons().get(review.cease_reason, ""),
    )
    review.decision_letter = letters[0]
    _refresh(
        review,
        "decision",
        "decided_on",
        "decision_reasons",
        "cease_reason",
        "amendment",
        "amendments_sent_on",
        "stage",
        "decision_letter",
        *CONSIDERATIONS,
    )
    if decision == "cease":
        start_cessation(actor=actor, plan=plan, proposed_on=decided_on, reason=cease_reason, review=review)
    log.record(
        actor=actor,
        action="review.decide",
        obj=review,
        child=child,
        after={
            "decision": decision,
            "decided_on": decided_on,
            "cease_reason": review.cease_reason,
            "letters": [x.pk for x in letters],
        },
    )
    return review


@service
def issue_amended_plan(*, actor, review: AnnualReview, issued_on: date, establishment=None) -> AnnualReview:
    """Issue the final amended plan: at least 15 days after the proposed amendments, within 8 weeks of them."""
    require(actor, "reviews.manage", review.child)
    _step(review, "issue_amended_plan")
    _not_future("issued_on", issued_on, "The date the plan was issued")
    if review.amendment_id is None:
        raise ValidationError(
            {
                "__all__": "No proposed amendments are linked to this review (it was loaded from "
                "history): issue the amended plan from the plan's page"
            }
        )
    earliest = review.amendments_sent_on + timedelta(days=REPRESENTATION_DAYS)
    if issued_on < earliest:
        raise ValidationError(
            {
                "issued_on": f"The family have at least 15 days to comment on the proposed amendments: "
                f"the plan can be issued from {earliest:%-d %B %Y}"
            }
        )
    _check_with_clock(review, amended_plan_issued_on=issued_on)
    plan_services.issue_version(actor=actor, version=review.amendment, issued_on=issued_on, establishment=establishment)
    review.amended_plan_issued_on, review.stage, review.closed_on = issued_on, "closed", issued_on
    _refresh(review, "amended_plan_issued_on", "stage")
    log.record(
        actor=actor,
        action="review.amended_plan",
        obj=review,
        child=review.child_id,
        after={"issued_on": issued_on, "version": review.amendment_id},
    )
    return review


def _issue_new_version(actor, plan, on: date, establishment=None):
    """Issue the plan's proposed amendments through the plans app: they must have been sent to the family, who
    have 15 days to comment (the plan version's machine refuses anything else)."""
    version = plan_queries.editable_version(plan)
    if version is None or version.state != "sent":
        raise ValidationError(
            {
                "__all__": "Send the proposed amendments to the family from the plan's page first: "
                f"they have {REPRESENTATION_DAYS} days to comment before the plan is issued"
            }
        )
    return plan_services.issue_version(actor=actor, version=version, issued_on=on, establishment=establishment)


@service
def amend_for_transfer(*, actor, transfer: PhaseTransfer, establishment, amended_on: date) -> PhaseTransfer:
    """The plan amended naming the new setting (section I), by the phase transfer deadline."""
    require(actor, "reviews.manage", transfer.child)
    _transfer_step(transfer, "amend_for_transfer")
    _not_future("amended_on", amended_on, "The date the plan was amended")
    if establishment is None:
        raise ValidationError({"urn": "Name the new school or college"})
    _check_with_clock(transfer, amended_on=amended_on)
    version = _issue_new_version(actor, transfer.plan, amended_on, establishment)
    transfer.amended_on, transfer.new_establishment, transfer.version = amended_on, establishment, version
    transfer.stage, transfer.closed_on = "amended", amended_on
    _refresh(transfer, "amended_on", "new_establishment", "version", "stage")
    log.record(
        actor=actor,
        action="phase_transfer.amended",
        obj=transfer,
        child=transfer.child_id,
        after={"establishment": establishment.pk, "amended_on": amended_on, "version": version.pk},
    )
    return transfer


@service
def issue_reassessed_plan(*, actor, reassessment: Reassessment, issued_on: date, establishment=None) -> Reassessment:
    """The amended or replacement plan after reassessment: within 14 weeks of the decision to reassess."""
    require(actor, "reviews.manage", reassessment.child)
    enforce(REASSESSMENT, reassessment.stage, "issue_reassessed_plan")
    _not_future("issued_on", issued_on, "The date issued")
    if issued_on < reassessment.decided_on:
        raise ValidationError({"issued_on": "The plan cannot be issued before the decision to reassess"})
    _check_with_clock(reassessment, plan_issued_on=issued_on)
    version = _issue_new_version(actor, reassessment.plan, issued_on, establishment)
    reassessment.plan_issued_on, reassessment.version = issued_on, version
    reassessment.stage, reassessment.closed_on = "done", issued_on
    _refresh(reassessment, "plan_issued_on", "version", "stage")
    log.record(
        actor=actor,
        action="reassessment.plan_issued",
        obj=reassessment,
        child=reassessment.child_id,
        after={"issued_on": issued_on, "version": version.pk},
    )
    return reassessment
