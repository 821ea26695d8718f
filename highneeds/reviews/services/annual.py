"""Annual reviews: scheduling, the meeting and its report (the decision is in reviews.flows: it moves the plan)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Max

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import ANNUAL_REVIEW, PLAN
from highneeds.people.validation import refuse_hidden_characters
from highneeds.plans.models import Plan

from .. import clock
from ..models import (
    INVITEE_ROLES,
    OUTCOMES_MET,
    AnnualReview,
    ReviewContribution,
)
from ._common import (
    NOTICE_DAYS,
    _check_with_clock,
    _describe,
    _letters,
    _not_future,
    _refresh,
    _review_fields,
    _setting_of,
)

# ---------------------------------------------------------------------------------------------
# Annual reviews: scheduling


@service
def schedule_review(*, actor, plan, caseworker=None, today: date | None = None) -> AnnualReview:
    """Open the next annual review of a plan: 12 months from the plan, or from the last review meeting."""
    require(actor, "reviews.manage")
    enforce(PLAN, plan.status, "review")
    if not plan.first_issued_on:
        raise ValidationError({"__all__": "Only a plan in force can be reviewed"})
    if AnnualReview.objects.filter(plan=plan, stage__in=AnnualReview.OPEN_STAGES).exists():
        raise ValidationError({"__all__": "This plan already has a review under way"})
    today = today or date.today()
    last = AnnualReview.objects.filter(plan=plan, held_on__isnull=False).aggregate(last=Max("held_on"))["last"]
    child = plan.child
    review = AnnualReview(child=child, plan=plan, counted_from=last or plan.first_issued_on, caseworker=caseworker)
    _describe(review, child, _setting_of([child.pk]).get(child.pk), today)
    clock.apply(review, clock.run(review, previous_meeting=last, today=today))
    review.save()
    log.record(
        actor=actor,
        action="review.schedule",
        obj=review,
        child=child,
        after={"counted_from": review.counted_from, "due_on": review.due_on},
    )
    return review


def _reviewable_plans():
    open_review = AnnualReview.objects.filter(stage__in=AnnualReview.OPEN_STAGES).values("plan_id")
    return Plan.objects.filter(status="final", first_issued_on__isnull=False).exclude(pk__in=open_review)


@service
def schedule_due_reviews(*, actor, today: date | None = None, batch_size: int = 2000) -> int:
    """Open a review for every plan in force without one (nightly; bulk). Returns how many were opened."""
    require(actor, "reviews.manage")
    today = today or date.today()
    plans = list(_reviewable_plans().select_related("child"))
    last = dict(
        AnnualReview.objects.filter(plan__in=[p.pk for p in plans], held_on__isnull=False)
        .values_list("plan_id")
        .annotate(last=Max("held_on"))
        .values_list("plan_id", "last")
        .order_by()
    )
    made = 0
    for start in range(0, len(plans), batch_size):
        batch = plans[start : start + batch_size]
        settings = _setting_of([p.child_id for p in batch])
        reviews = []
        for plan in batch:
            review = AnnualReview(child=plan.child, plan=plan, counted_from=last.get(plan.pk) or plan.first_issued_on)
            _describe(review, plan.child, settings.get(plan.child_id), today)
            reviews.append(review)
        for review, result in zip(reviews, clock.run_many(reviews, [last.get(r.plan_id) for r in reviews], today)):
            if not result.errors:
                clock.apply(review, result)
        AnnualReview.objects.bulk_create(reviews, batch_size=500)
        made += len(reviews)
    log.record(actor=actor, action="review.schedule_many", after={"opened": made, "on": today})
    return made


# ---------------------------------------------------------------------------------------------
# Annual reviews: the meeting


def _step(review: AnnualReview, step: str) -> None:
    enforce(ANNUAL_REVIEW, review.stage, step)


@service
def arrange_meeting(
    *,
    actor,
    review: AnnualReview,
    meeting_on: date,
    arranged_on: date | None = None,
    invitees: list[dict],
    in_setting: bool = True,
) -> AnnualReview:
    """Book the meeting and record who is to be invited (regulation 20(2), or 21(2) for a child not in a
    setting: then anyone else the council considers appropriate may be invited)."""
    require(actor, "reviews.manage", review.child)
    _step(review, "arrange_meeting")
    arranged_on = arranged_on or date.today()
    _not_future("arranged_on", arranged_on, "The date it was arranged")
    if meeting_on < arranged_on:
        raise ValidationError({"meeting_on": "The meeting must be on or after the day it is arranged"})
    roles = {i.get("role") for i in invitees}
    unknown = roles - set(INVITEE_ROLES)
    if unknown:
        raise ValidationError({"invitees": f"Unknown invitee: {', '.join(sorted(unknown))}"})
    if "parent" not in roles:
        raise ValidationError({"invitees": "Invite the parent or young person"})
    if in_setting and "setting" not in roles:
        raise ValidationError(
            {"invitees": "Invite the head teacher or principal of the child's setting (or the SENCO)"}
        )
    if not in_setting and "setting" in roles:
        raise ValidationError({"invitees": "The child does not attend a setting: choose someone else appropriate"})
    _check_with_clock(review, meeting_arranged_on=arranged_on, meeting_on=meeting_on)
    before = {"meeting_on": review.meeting_on}
    review.meeting_on, review.meeting_arranged_on = meeting_on, arranged_on
    review.invitees, review.in_setting, review.stage = invitees, in_setting, "arranged"
    # Re-arranging the meeting means inviting again with fresh notice.
    review.invitations_sent_on = review.advice_requested_on = review.advice_circulated_on = None
    _refresh(
        review,
        "meeting_on",
        "meeting_arranged_on",
        "invitees",
        "in_setting",
        "stage",
        "invitations_sent_on",
        "advice_requested_on",
        "advice_circulated_on",
    )
    log.record(
        actor=actor,
        action="review.arrange",
        obj=review,
        child=review.child_id,
        before=before,
        after={"meeting_on": meeting_on, "invitees": [i.get("role") for i in invitees]},
    )
    return review


@service
def send_invitations(*, actor, review: AnnualReview, sent_on: date, request_advice: bool = True) -> AnnualReview:
    """Invite everyone with at least 2 weeks' notice and ask them for advice. Less notice is refused:
    rearrange the meeting instead (regulations 20(3) and 21(3))."""
    require(actor, "reviews.manage", review.child)
    _step(review, "send_invitations")
    _not_future("sent_on", sent_on, "The date the invitations were sent")
    notice = (review.meeting_on - sent_on).days
    if notice < NOTICE_DAYS:
        raise ValidationError(
            {
                "sent_on": f"Invitations must be sent at least 2 weeks before the meeting: this gives "
                f"{notice} {'day' if notice == 1 else 'days'}' notice. Arrange a later meeting "
                f"date first"
            }
        )
    _check_with_clock(review, invitations_sent_on=sent_on)
    review.invitations_sent_on = sent_on
    if request_advice:
        review.advice_requested_on = sent_on
    _refresh(review, "invitations_sent_on", "advice_requested_on")
    _letters(actor, review.child, "review_invitation", review=_review_fields(review))
    log.record(
        actor=actor,
        action="review.invite",
        obj=review,
        child=review.child_id,
        after={"sent_on": sent_on, "notice_days": notice, "advice_requested": request_advice},
    )
    return review


@service
def circulate_advice(*, actor, review: AnnualReview, circulated_on: date) -> AnnualReview:
    """Record that the advice was sent to everyone invited. Late circulation is recorded as it happened
    (the clock marks the step missed); the page says so."""
    require(actor, "reviews.manage", review.child)
    _step(review, "circulate_advice")
    _not_future("circulated_on", circulated_on, "The date the advice was circulated")
    if not review.invitations_sent_on:
        raise ValidationError({"circulated_on": "Send the invitations and ask for advice first"})
    if circulated_on < review.invitations_sent_on:
        raise ValidationError({"circulated_on": "Advice cannot be circulated before it was asked for"})
    _check_with_clock(review, advice_circulated_on=circulated_on)
    review.advice_circulated_on = circulated_on
    _refresh(review, "advice_circulated_on")
    log.record(
        actor=actor,
        action="review.circulate_advice",
        obj=review,
        child=review.child_id,
        after={"circulated_on": circulated_on, "days_before": (review.meeting_on - circulated_on).days},
    )
    return review


@service
def contribute(*, actor, review: AnnualReview, text: str, author_name: str = "") -> ReviewContribution:
    """Views given before the meeting by the family, the setting or an invited professional."""
    require(actor, "reviews.contribute", review.child)
    refuse_hidden_characters({"author_name": author_name})
    if review.held_on or review.stage not in ANNUAL_REVIEW.steps["contribute"].sources:
        step = ANNUAL_REVIEW.steps["contribute"].label  # "Give views before the meeting": the refusal names its step
        raise ValidationError(
            {"text": f"{step}: the review meeting has taken place, so contact your caseworker instead"}
        )
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter your views"})
    if len(text) > 10000:
        raise ValidationError({"text": "Your views must be 10,000 characters or fewer"})
    item = ReviewContribution.objects.create(
        review=review,
        author=actor,
        author_name=author_name or actor.get_full_name() or actor.username,
        author_role=getattr(actor, "role", ""),
        text=text,
        given_on=date.today(),
    )
    log.record(actor=actor, action="review.contribute", obj=item, child=review.child_id, after={"chars": len(text)})
    return item


def _considerations(review: AnnualReview, values: dict) -> None:
    """Set what was considered about stepping down and ceasing (those given), then insist on all four."""
    for name in ("step_down_considered", "step_down_reason", "cessation_considered", "cessation_reason"):
        if values.get(name) is not None:
            setattr(review, name, values[name].strip() if isinstance(values[name], str) else values[name])
    missing = {}
    if review.step_down_considered is None:
        missing["step_down_considered"] = "Say whether stepping down to SEN support was considered"
    if not review.step_down_reason:
        missing["step_down_reason"] = "Say why stepping down to SEN support was or was not pursued"
    if review.cessation_considered is None:
        missing["cessation_considered"] = "Say whether ceasing the plan was considered"
    if not review.cessation_reason:
        missing["cessation_reason"] = "Say why ceasing the plan was or was not pursued"
    if missing:
        raise ValidationError(missing)


CONSIDERATIONS = ("step_down_considered", "step_down_reason", "cessation_considered", "cessation_reason")


@service
def record_meeting(*, actor, review: AnnualReview, **meeting) -> AnnualReview:
    """The meeting's record (the fields: `_record_meeting`). From Year 9 the meeting must consider preparation for
    adulthood (reg 20(6))."""
    require(actor, "reviews.manage", review.child)
    return _record_meeting(actor=actor, review=review, **meeting)


def _record_meeting(
    *,
    actor,
    review: AnnualReview,
    held_on: date,
    attendees: str,
    child_views: str = "",
    family_views: str = "",
    professional_views: str = "",
    outcomes_met: str,
    recommended_amendments: str = "",
    disagreements: str = "",
    adulthood_considered: bool | None = None,
    adulthood_notes: str = "",
    **considered,
) -> AnnualReview:
    """`record_meeting` once the caller's permission is checked (also the school's report, services.school)."""
    _step(review, "record_meeting")
    _not_future("held_on", held_on, "The meeting date")
    if not attendees.strip():
        raise ValidationError({"attendees": "Say who attended"})
    if outcomes_met not in OUTCOMES_MET:
        raise ValidationError({"outcomes_met": "Say whether the plan's outcomes are being met"})
    if review.child.year_group(held_on) >= 9 and not adulthood_considered:
        raise ValidationError(
            {
                "adulthood_considered": "From Year 9 the review must consider preparing for "
                "adulthood and independent living"
            }
        )
    unknown = set(considered) - set(CONSIDERATIONS)
    if unknown:
        raise TypeError(f"unexpected arguments {sorted(unknown)}")
    _check_with_clock(review, held_on=held_on)
    review.held_on, review.attendees, review.child_views = held_on, attendees.strip(), child_views.strip()
    review.family_views, review.professional_views = family_views.strip(), professional_views.strip()
    review.outcomes_met, review.recommended_amendments = outcomes_met, recommended_amendments.strip()
    review.disagreements, review.adulthood_considered = disagreements.strip(), adulthood_considered
    review.adulthood_notes, review.stage = adulthood_notes.strip(), "held"
    for name in CONSIDERATIONS:
        if considered.get(name) is not None:
            setattr(review, name, considered[name])
    _refresh(
        review,
        "held_on",
        "attendees",
        "child_views",
        "family_views",
        "professional_views",
        "outcomes_met",
        "recommended_amendments",
        "disagreements",
        "adulthood_considered",
        "adulthood_notes",
        "stage",
        *CONSIDERATIONS,
    )
    log.record(
        actor=actor,
        action="review.meeting",
        obj=review,
        child=review.child_id,
        after={
            "held_on": held_on,
            "outcomes_met": outcomes_met,
            **{name: getattr(review, name) for name in CONSIDERATIONS},
        },
    )
    return review


@service
def send_report(*, actor, review: AnnualReview, sent_on: date) -> AnnualReview:
    """The review report, sent to everyone invited within 2 weeks of the meeting."""
    require(actor, "reviews.manage", review.child)
    return _send_report(actor=actor, review=review, sent_on=sent_on)


def _send_report(*, actor, review: AnnualReview, sent_on: date) -> AnnualReview:
    """`send_report` once the caller's permission is checked (also the school's report, services.school)."""
    _step(review, "send_report")
    _not_future("sent_on", sent_on, "The date the report was sent")
    if sent_on < review.held_on:
        raise ValidationError({"sent_on": "The report cannot be sent before the meeting"})
    _check_with_clock(review, report_sent_on=sent_on)
    review.report_sent_on = sent_on
    _refresh(review, "report_sent_on")
    log.record(actor=actor, action="review.report", obj=review, child=review.child_id, after={"sent_on": sent_on})
    return review


# ---------------------------------------------------------------------------------------------
# Annual reviews: the decision
