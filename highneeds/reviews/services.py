"""Annual reviews, phase transfers and requests to reassess: every write, permission-checked and audited.

Each step stores its date on the record, re-runs the statutory clock for it (`reviews/clock.py`)
and caches the answer, so the tracker never runs the clock per row. The plan itself is changed only
through the plans app's services; a decision to cease is handed to the disputes app.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Max

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.letters import context as letter_context
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import ANNUAL_REVIEW, PHASE_TRANSFER, PLAN, REASSESSMENT, REPRESENTATION_DAYS
from highneeds.letters.services import generate_letter
from highneeds.people.models import Child, Placement
from highneeds.people.validation import refuse_hidden_characters

from . import clock, phase, queries
from .models import (
    DECISIONS,
    INVITEE_ROLES,
    OUTCOMES_MET,
    AnnualReview,
    PhaseConsultation,
    PhasePreference,
    PhaseTransfer,
    Reassessment,
    ReviewContribution,
)

NOTICE_DAYS = 14  # invitations and advice at least 2 weeks before the meeting (regs 20(3)-(4), 21(3)-(4))
REASSESSMENT_REFUSAL_MONTHS = 6  # may refuse if assessed within the previous 6 months (reg 24)


# ---------------------------------------------------------------------------------------------
# Helpers


def _not_future(field: str, on: date | None, what: str) -> None:
    if on and on > date.today():
        raise ValidationError({field: f"{what} cannot be in the future"})


def _setting_of(child_ids) -> dict[int, tuple[int, int | None, int | None, bool]]:
    """Each child's current setting: (establishment id, age low, age high, early years?) in one query."""
    rows = (Placement.objects.filter(child_id__in=child_ids, end_date__isnull=True)
            .order_by("child_id", "-start_date")
            .values_list("child_id", "establishment_id", "establishment__age_low", "establishment__age_high",
                         "establishment__phase", "establishment__establishment_type"))
    found: dict[int, tuple] = {}
    for child_id, est, low, high, est_phase, est_type in rows:
        found.setdefault(child_id, (est, low, high, est_phase == "EY" or est_type == "EARLY_YEARS"))
    return found


def _describe(record, child: Child, setting: tuple | None, today: date) -> None:
    """Cache who and where: the tracker's filters (unsaved)."""
    record.phase = phase.phase_of(child.year_group(today))
    record.establishment_id = setting[0] if setting else None
    if not record.caseworker_id:
        record.caseworker_id = child.lead_caseworker_id


def _previous_meeting(review: AnnualReview) -> date | None:
    return (AnnualReview.objects.filter(plan=review.plan, held_on__isnull=False, counted_from__lt=review.counted_from)
            .exclude(pk=review.pk).aggregate(last=Max("held_on"))["last"])


def _refresh(record, *fields: str, today: date | None = None) -> None:
    """Re-run the clock for one record and save it with the given fields."""
    previous = _previous_meeting(record) if isinstance(record, AnnualReview) else None
    clock.apply(record, clock.run(record, previous_meeting=previous, today=today))
    extra = ["due_on"] if isinstance(record, AnnualReview) else ["deadline"] if isinstance(record, PhaseTransfer) else []
    record.save(update_fields=[*fields, "deadlines", "next_step", "next_due", "closed_on", *extra])


def _check_with_clock(record, **changes) -> None:
    """Refuse an impossible order of events: the clock reads the record with the change before it is saved."""
    saved = {name: getattr(record, name) for name in changes}
    for name, value in changes.items():
        setattr(record, name, value)
    try:
        previous = _previous_meeting(record) if isinstance(record, AnnualReview) else None
        clock.run(record, previous_meeting=previous)
    finally:
        for name, value in saved.items():
            setattr(record, name, value)


def _family_names(child: Child) -> list[str]:
    names = [p.full_name for p in child.parents.filter(parental_responsibility=True)]
    if child.age() >= 16 or not names:
        names.insert(0, child.full_name if child.age() >= 16 else f"{child.full_name}'s parent or carer")
    return names


def _letters(actor, child: Child, code: str, **fields):
    """One letter per family member with parental responsibility (and the young person, 16 or over).
    `fields` are the letter's own plain fields (letters.fields)."""
    return [generate_letter(actor=actor, code=code, child=child, recipient=name,
                            context={**letter_context.base(child, name), **fields}) for name in _family_names(child)]


def _review_fields(review) -> dict:
    return {"meeting_on": review.meeting_on, "held_on": review.held_on, "decision_reasons": review.decision_reasons}


def _plans():
    from highneeds.plans import queries, services  # the plans app owns the document

    return services, queries


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
    log.record(actor=actor, action="review.schedule", obj=review, child=child,
               after={"counted_from": review.counted_from, "due_on": review.due_on})
    return review


def _reviewable_plans():
    from highneeds.plans.models import Plan

    open_review = AnnualReview.objects.filter(stage__in=AnnualReview.OPEN_STAGES).values("plan_id")
    return Plan.objects.filter(status="final", first_issued_on__isnull=False).exclude(pk__in=open_review)


@service
def schedule_due_reviews(*, actor, today: date | None = None, batch_size: int = 2000) -> int:
    """Open a review for every plan in force without one (nightly; bulk). Returns how many were opened."""
    require(actor, "reviews.manage")
    today = today or date.today()
    plans = list(_reviewable_plans().select_related("child"))
    last = dict(AnnualReview.objects.filter(plan__in=[p.pk for p in plans], held_on__isnull=False)
                .values_list("plan_id").annotate(last=Max("held_on")).values_list("plan_id", "last").order_by())
    made = 0
    for start in range(0, len(plans), batch_size):
        batch = plans[start:start + batch_size]
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
def arrange_meeting(*, actor, review: AnnualReview, meeting_on: date, arranged_on: date | None = None,
                    invitees: list[dict], in_setting: bool = True) -> AnnualReview:
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
        raise ValidationError({"invitees": "Invite the head teacher or principal of the child's setting (or the SENCO)"})
    if not in_setting and "setting" in roles:
        raise ValidationError({"invitees": "The child does not attend a setting: choose someone else appropriate"})
    _check_with_clock(review, meeting_arranged_on=arranged_on, meeting_on=meeting_on)
    before = {"meeting_on": review.meeting_on}
    review.meeting_on, review.meeting_arranged_on = meeting_on, arranged_on
    review.invitees, review.in_setting, review.stage = invitees, in_setting, "arranged"
    # Re-arranging the meeting means inviting again with fresh notice.
    review.invitations_sent_on = review.advice_requested_on = review.advice_circulated_on = None
    _refresh(review, "meeting_on", "meeting_arranged_on", "invitees", "in_setting", "stage", "invitations_sent_on",
             "advice_requested_on", "advice_circulated_on")
    log.record(actor=actor, action="review.arrange", obj=review, child=review.child_id, before=before,
               after={"meeting_on": meeting_on, "invitees": [i.get("role") for i in invitees]})
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
        raise ValidationError({"sent_on": f"Invitations must be sent at least 2 weeks before the meeting: this gives "
                                          f"{notice} {'day' if notice == 1 else 'days'}' notice. Arrange a later meeting "
                                          f"date first"})
    _check_with_clock(review, invitations_sent_on=sent_on)
    review.invitations_sent_on = sent_on
    if request_advice:
        review.advice_requested_on = sent_on
    _refresh(review, "invitations_sent_on", "advice_requested_on")
    _letters(actor, review.child, "review_invitation", review=_review_fields(review))
    log.record(actor=actor, action="review.invite", obj=review, child=review.child_id,
               after={"sent_on": sent_on, "notice_days": notice, "advice_requested": request_advice})
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
    log.record(actor=actor, action="review.circulate_advice", obj=review, child=review.child_id,
               after={"circulated_on": circulated_on, "days_before": (review.meeting_on - circulated_on).days})
    return review


@service
def contribute(*, actor, review: AnnualReview, text: str, author_name: str = "") -> ReviewContribution:
    """Views given before the meeting by the family, the setting or an invited professional."""
    require(actor, "reviews.contribute", review.child)
    refuse_hidden_characters({"author_name": author_name})
    if review.held_on or review.stage not in ANNUAL_REVIEW.steps["contribute"].sources:
        raise ValidationError({"text": "The review meeting has taken place: contact your caseworker instead"})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter your views"})
    if len(text) > 10000:
        raise ValidationError({"text": "Your views must be 10,000 characters or fewer"})
    item = ReviewContribution.objects.create(
        review=review, author=actor, author_name=author_name or actor.get_full_name() or actor.username,
        author_role=getattr(actor, "role", ""), text=text, given_on=date.today())
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
def record_meeting(*, actor, review: AnnualReview, held_on: date, attendees: str, child_views: str = "",
                   family_views: str = "", professional_views: str = "", outcomes_met: str,
                   recommended_amendments: str = "", disagreements: str = "", adulthood_considered: bool | None = None,
                   adulthood_notes: str = "", **considered) -> AnnualReview:
    """The meeting's record. From Year 9 the meeting must consider preparation for adulthood (reg 20(6))."""
    require(actor, "reviews.manage", review.child)
    _step(review, "record_meeting")
    _not_future("held_on", held_on, "The meeting date")
    if not attendees.strip():
        raise ValidationError({"attendees": "Say who attended"})
    if outcomes_met not in OUTCOMES_MET:
        raise ValidationError({"outcomes_met": "Say whether the plan's outcomes are being met"})
    if review.child.year_group(held_on) >= 9 and not adulthood_considered:
        raise ValidationError({"adulthood_considered": "From Year 9 the review must consider preparing for "
                                                       "adulthood and independent living"})
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
    _refresh(review, "held_on", "attendees", "child_views", "family_views", "professional_views", "outcomes_met",
             "recommended_amendments", "disagreements", "adulthood_considered", "adulthood_notes", "stage",
             *CONSIDERATIONS)
    log.record(actor=actor, action="review.meeting", obj=review, child=review.child_id,
               after={"held_on": held_on, "outcomes_met": outcomes_met,
                      **{name: getattr(review, name) for name in CONSIDERATIONS}})
    return review


@service
def send_report(*, actor, review: AnnualReview, sent_on: date) -> AnnualReview:
    """The review report, sent to everyone invited within 2 weeks of the meeting."""
    require(actor, "reviews.manage", review.child)
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


@service
def decide(*, actor, review: AnnualReview, decision: str, decided_on: date, reasons: str, cease_reason: str = "",
           **considered) -> AnnualReview:
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
    plan_services, plan_queries = _plans()
    if decision == "amend":
        # The amendments the caseworker has written in the plan (or, if none yet, a copy of the plan in force
        # to write them in) go with this notice.
        version = plan_queries.editable_version(plan)
        if version is None:
            version = plan_services.start_amendment(actor=actor, plan=plan, source="annual_review", started_on=decided_on)
        if version.state == "editing":
            version = plan_services.send_proposed_amendments(actor=actor, version=version, sent_on=decided_on)
        review.amendment, review.amendments_sent_on, review.stage = version, version.sent_on, "amending"
    else:
        review.stage, review.closed_on = "closed", decided_on
    letters = _letters(actor, child, f"review_decision_{decision}", review=_review_fields(review),
                       last_representation_day=decided_on + timedelta(days=REPRESENTATION_DAYS - 1),
                       cease_reason_label=queries.cease_reasons().get(review.cease_reason, ""))
    review.decision_letter = letters[0]
    _refresh(review, "decision", "decided_on", "decision_reasons", "cease_reason", "amendment", "amendments_sent_on",
             "stage", "decision_letter", *CONSIDERATIONS)
    if decision == "cease":
        from highneeds.disputes.services import start_cessation  # disputes depends on reviews, not the reverse

        start_cessation(actor=actor, plan=plan, proposed_on=decided_on, reason=cease_reason, review=review)
    log.record(actor=actor, action="review.decide", obj=review, child=child,
               after={"decision": decision, "decided_on": decided_on, "cease_reason": review.cease_reason,
                      "letters": [x.pk for x in letters]})
    return review


@service
def issue_amended_plan(*, actor, review: AnnualReview, issued_on: date, establishment=None) -> AnnualReview:
    """Issue the final amended plan: at least 15 days after the proposed amendments, within 8 weeks of them."""
    require(actor, "reviews.manage", review.child)
    _step(review, "issue_amended_plan")
    _not_future("issued_on", issued_on, "The date the plan was issued")
    if review.amendment_id is None:
        raise ValidationError({"__all__": "No proposed amendments are linked to this review (it was loaded from "
                                          "history): issue the amended plan from the plan's page"})
    earliest = review.amendments_sent_on + timedelta(days=REPRESENTATION_DAYS)
    if issued_on < earliest:
        raise ValidationError({"issued_on": f"The family have at least 15 days to comment on the proposed amendments: "
                                            f"the plan can be issued from {earliest:%-d %B %Y}"})
    _check_with_clock(review, amended_plan_issued_on=issued_on)
    plan_services, _ = _plans()
    plan_services.issue_version(actor=actor, version=review.amendment, issued_on=issued_on, establishment=establishment)
    review.amended_plan_issued_on, review.stage, review.closed_on = issued_on, "closed", issued_on
    _refresh(review, "amended_plan_issued_on", "stage")
    log.record(actor=actor, action="review.amended_plan", obj=review, child=review.child_id,
               after={"issued_on": issued_on, "version": review.amendment_id})
    return review


# ---------------------------------------------------------------------------------------------
# Phase transfer


@service
def identify_phase_transfers(*, actor, today: date | None = None) -> int:
    """List every child with a plan in force who moves phase next September (bulk; idempotent)."""
    require(actor, "reviews.manage")
    from highneeds.plans.models import Plan

    today = today or date.today()
    september = phase.next_september(today)
    plans = list(Plan.objects.filter(status="final").exclude(phase_transfers__transfer_on=september)
                 .select_related("child"))
    settings = _setting_of([p.child_id for p in plans])
    made = []
    for plan in plans:
        setting = settings.get(plan.child_id)
        year = plan.child.year_group(today)
        kind = phase.transfer_kind(year, *(setting[1:] if setting else (None, None, False)))
        if kind is None:
            continue
        transfer = PhaseTransfer(child=plan.child, plan=plan, kind=kind, transfer_on=september, from_year=year,
                                 to_year=year + 1, identified_on=today)
        _describe(transfer, plan.child, setting, today)
        made.append(transfer)
    for transfer, result in zip(made, clock.run_many(made, today=today)):
        if not result.errors:
            clock.apply(transfer, result)
    PhaseTransfer.objects.bulk_create(made, batch_size=500)
    log.record(actor=actor, action="phase_transfer.identify", after={"transfer_on": september, "listed": len(made)})
    return len(made)


@service
def add_phase_transfer(*, actor, plan, transfer_on: date, kind: str, identified_on: date | None = None) -> PhaseTransfer:
    """Record a transfer by hand: a post-16 move at another time of year, or one the listing missed."""
    require(actor, "reviews.manage", plan.child)
    if kind not in PhaseTransfer.KINDS:
        raise ValidationError({"kind": "Choose the kind of transfer"})
    identified_on = identified_on or date.today()
    if transfer_on <= identified_on:
        raise ValidationError({"transfer_on": "The move must be in the future"})
    if PhaseTransfer.objects.filter(plan=plan, transfer_on=transfer_on).exists():
        raise ValidationError({"transfer_on": "This move is already listed"})
    child = plan.child
    year = child.year_group(identified_on)
    transfer = PhaseTransfer(child=child, plan=plan, kind=kind, transfer_on=transfer_on, from_year=year,
                             to_year=child.year_group(transfer_on), identified_on=identified_on)
    _describe(transfer, child, _setting_of([child.pk]).get(child.pk), identified_on)
    clock.apply(transfer, clock.run(transfer))
    transfer.save()
    log.record(actor=actor, action="phase_transfer.add", obj=transfer, child=child,
               after={"transfer_on": transfer_on, "kind": kind, "deadline": transfer.deadline})
    return transfer


def _transfer_step(transfer: PhaseTransfer, step: str) -> None:
    enforce(PHASE_TRANSFER, transfer.stage, step)


@service
def record_preferences(*, actor, transfer: PhaseTransfer, establishments: list, gathered_on: date) -> PhaseTransfer:
    """The family's preferred settings, most wanted first (replacing any recorded before)."""
    require(actor, "reviews.manage", transfer.child)
    _transfer_step(transfer, "record_preferences")
    _not_future("gathered_on", gathered_on, "The date the preferences were given")
    chosen = [e for e in establishments if e is not None]
    if not chosen:
        raise ValidationError({"establishments": "Give at least one preferred setting"})
    if len({e.pk for e in chosen}) != len(chosen):
        raise ValidationError({"establishments": "Each setting can be named once"})
    transfer.preferences.all().delete()
    PhasePreference.objects.bulk_create([PhasePreference(transfer=transfer, rank=n, establishment=e)
                                         for n, e in enumerate(chosen, start=1)])
    transfer.preferences_gathered_on = gathered_on
    transfer.save(update_fields=["preferences_gathered_on"])
    log.record(actor=actor, action="phase_transfer.preferences", obj=transfer, child=transfer.child_id,
               after={"ranked": [e.pk for e in chosen], "on": gathered_on})
    return transfer


@service
def consult_setting(*, actor, transfer: PhaseTransfer, establishment, sent_on: date) -> PhaseConsultation:
    require(actor, "reviews.manage", transfer.child)
    _transfer_step(transfer, "consult_setting")
    _not_future("sent_on", sent_on, "The date the consultation was sent")
    if establishment is None:
        raise ValidationError({"urn": "Choose the setting to consult"})
    if transfer.consultations.filter(establishment=establishment).exists():
        raise ValidationError({"urn": "This setting has already been consulted"})
    item = PhaseConsultation.objects.create(transfer=transfer, establishment=establishment, sent_on=sent_on)
    transfer.stage = "consulting"
    transfer.save(update_fields=["stage"])
    log.record(actor=actor, action="phase_transfer.consult", obj=item, child=transfer.child_id,
               after={"establishment": establishment.pk, "sent_on": sent_on})
    return item


@service
def record_consultation_reply(*, actor, consultation: PhaseConsultation, reply_on: date, outcome: str,
                              notes: str = "") -> PhaseConsultation:
    require(actor, "reviews.manage", consultation.transfer.child)
    _transfer_step(consultation.transfer, "record_consultation_reply")
    _not_future("reply_on", reply_on, "The reply date")
    if outcome not in PhaseConsultation.OUTCOMES or not outcome:
        raise ValidationError({"outcome": "Choose the setting's reply"})
    if reply_on < consultation.sent_on:
        raise ValidationError({"reply_on": "The reply cannot be before the consultation was sent"})
    consultation.reply_on, consultation.outcome, consultation.notes = reply_on, outcome, notes.strip()
    consultation.save(update_fields=["reply_on", "outcome", "notes"])
    log.record(actor=actor, action="phase_transfer.reply", obj=consultation, child=consultation.transfer.child_id,
               after={"outcome": outcome, "reply_on": reply_on})
    return consultation


def _issue_new_version(actor, plan, on: date, establishment=None):
    """Issue the plan's proposed amendments through the plans app: they must have been sent to the family, who
    have 15 days to comment (the plan version's machine refuses anything else)."""
    plan_services, plan_queries = _plans()
    version = plan_queries.editable_version(plan)
    if version is None or version.state != "sent":
        raise ValidationError({"__all__": "Send the proposed amendments to the family from the plan's page first: "
                                          f"they have {REPRESENTATION_DAYS} days to comment before the plan is issued"})
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
    log.record(actor=actor, action="phase_transfer.amended", obj=transfer, child=transfer.child_id,
               after={"establishment": establishment.pk, "amended_on": amended_on, "version": version.pk})
    return transfer


# ---------------------------------------------------------------------------------------------
# Requests to reassess


@service
def request_reassessment(*, actor, plan, received_on: date, requested_by: str, requester_name: str = "",
                         reason: str = "") -> Reassessment:
    require(actor, "reviews.manage", plan.child)
    _not_future("received_on", received_on, "The date received")
    if requested_by not in Reassessment.REQUESTERS:
        raise ValidationError({"requested_by": "Say who asked"})
    refuse_hidden_characters({"requester_name": requester_name})
    enforce(PLAN, plan.status, "reassess")
    if Reassessment.objects.filter(plan=plan, stage__in=Reassessment.OPEN_STAGES).exists():
        raise ValidationError({"__all__": "A request to reassess is already open for this plan"})
    child = plan.child
    item = Reassessment(child=child, plan=plan, received_on=received_on, requested_by=requested_by,
                        requester_name=requester_name.strip(), reason=reason.strip())
    _describe(item, child, _setting_of([child.pk]).get(child.pk), date.today())
    clock.apply(item, clock.run(item))
    item.save()
    log.record(actor=actor, action="reassessment.request", obj=item, child=child,
               after={"received_on": received_on, "requested_by": requested_by})
    return item


@service
def decide_reassessment(*, actor, reassessment: Reassessment, decision: str, decided_on: date,
                        reasons: str) -> Reassessment:
    """Decide within 15 days. A refusal is appealable: its notice carries appeal and mediation rights."""
    require(actor, "reviews.manage", reassessment.child)
    enforce(REASSESSMENT, reassessment.stage, "decide_reassessment")
    if decision not in ("reassess", "refuse"):
        raise ValidationError({"decision": "Choose whether to reassess"})
    _not_future("decided_on", decided_on, "The decision date")
    if decided_on < reassessment.received_on:
        raise ValidationError({"decided_on": "The decision cannot be before the request"})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons"})
    _check_with_clock(reassessment, decided_on=decided_on, decision=decision)
    reassessment.decision, reassessment.decided_on = decision, decided_on
    reassessment.decision_reasons = reasons.strip()
    reassessment.stage = "reassessing" if decision == "reassess" else "refused"
    if decision == "refuse":
        reassessment.closed_on = decided_on
    letters = _letters(actor, reassessment.child, f"reassessment_{decision}",
                       reassessment={"received_on": reassessment.received_on,
                                     "decision_reasons": reassessment.decision_reasons},
                       recent=queries.within_refusal_window(reassessment.plan, decided_on))
    reassessment.decision_letter = letters[0]
    _refresh(reassessment, "decision", "decided_on", "decision_reasons", "stage", "decision_letter")
    log.record(actor=actor, action="reassessment.decide", obj=reassessment, child=reassessment.child_id,
               after={"decision": decision, "decided_on": decided_on})
    return reassessment


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
    log.record(actor=actor, action="reassessment.plan_issued", obj=reassessment, child=reassessment.child_id,
               after={"issued_on": issued_on, "version": version.pk})
    return reassessment


# ---------------------------------------------------------------------------------------------
# Nightly


@service
def recalculate_reviews(*, actor, today: date | None = None, batch_size: int = 2000, progress=None) -> dict[str, int]:
    """Refresh every open review, transfer and reassessment: the clock's answer, the child's phase and
    setting. Records the clock cannot read are counted (and listed in the audit event)."""
    require(actor, "reviews.manage")
    today = today or date.today()
    counts = {"reviews": 0, "transfers": 0, "reassessments": 0, "unreadable": 0}
    sets = (
        ("reviews", AnnualReview.objects.filter(stage__in=AnnualReview.OPEN_STAGES), ["due_on"]),
        ("transfers", PhaseTransfer.objects.filter(closed_on__isnull=True), ["deadline"]),
        ("reassessments", Reassessment.objects.filter(stage__in=Reassessment.OPEN_STAGES), []),
    )
    broken: list[str] = []
    for name, queryset, extra in sets:
        ids = list(queryset.values_list("pk", flat=True))
        model = queryset.model
        for start in range(0, len(ids), batch_size):
            batch = list(model.objects.filter(pk__in=ids[start:start + batch_size]).select_related("child", "plan"))
            previous = {}
            if model is AnnualReview:
                previous = _previous_meetings(batch)
            settings = _setting_of([r.child_id for r in batch])
            good = []
            meetings = [previous.get(r.pk) for r in batch]
            for record, result in zip(batch, clock.run_many(batch, meetings, today)):
                _describe(record, record.child, settings.get(record.child_id), today)
                if result.errors:
                    broken.append(f"{name}:{record.pk}")
                else:
                    clock.apply(record, result)
                good.append(record)
            model.objects.bulk_update(good, ["deadlines", "next_step", "next_due", "phase", "establishment",
                                             "caseworker", *extra], batch_size=500)
            counts[name] += len(batch)
            if progress:
                progress(name, counts[name])
    counts["unreadable"] = len(broken)
    log.record(actor=actor, action="review.recalculate", after={**counts, "unreadable_ids": broken[-50:]})
    return counts


def _previous_meetings(reviews: list[AnnualReview]) -> dict[int, date]:
    """For each review, the last meeting of an earlier review of the same plan: one query."""
    plan_ids = {r.plan_id for r in reviews}
    held = (AnnualReview.objects.filter(plan_id__in=plan_ids, held_on__isnull=False)
            .values_list("plan_id", "counted_from", "held_on"))
    by_plan: dict[int, list[tuple[date, date]]] = {}
    for plan_id, counted_from, held_on in held:
        by_plan.setdefault(plan_id, []).append((counted_from, held_on))
    out = {}
    for r in reviews:
        earlier = [h for c, h in by_plan.get(r.plan_id, []) if c < r.counted_from]
        if earlier:
            out[r.pk] = max(earlier)
    return out
