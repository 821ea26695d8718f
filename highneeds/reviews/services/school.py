"""The school's part of an annual review: its SENCO writes the report (the school's views, progress against the
outcomes, attendance, proposed changes, reports attached) and submits it to the council within 2 weeks of the
meeting (regulation 20(7)-(8)). Submitting is the review's own steps, run through the same state machine and
clock as the caseworker's: it records the meeting if the council has not (a school-led review) and then the
report, so the review's stage and deadlines cannot disagree with what the caseworker would have recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import ANNUAL_REVIEW
from highneeds.records.models import PROFESSIONALS
from highneeds.records.services import store_attachments

from ..models import OUTCOMES_MET, AnnualReview, SchoolReviewReport, report_due
from ._common import _not_future
from .annual import _record_meeting, _send_report

TEXT_MAX = 10_000
# Before the decision the school may write; the decision closes its part.
WRITABLE_STAGES = ("due", "arranged", "held")


def _attendance(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        figure = Decimal(str(value).strip().rstrip("%")).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValidationError({"attendance": "Attendance must be a number, like 94.5"}) from None
    if not Decimal(0) <= figure <= Decimal(100):
        raise ValidationError({"attendance": "Attendance must be between 0 and 100 percent"})
    return figure


def _open_for_school(actor, review: AnnualReview, step: str) -> SchoolReviewReport:
    require(actor, "reviews.school_report", review.child)
    report = SchoolReviewReport.objects.filter(review=review).first()
    if report and report.submitted_on:
        raise ValidationError(
            {"__all__": f"{step}: the school's report has been submitted, so contact the caseworker to change it"}
        )
    if review.stage not in WRITABLE_STAGES:
        raise ValidationError(
            {"__all__": f"{step}: the council has made its decision on this review, so contact the caseworker"}
        )
    return report or SchoolReviewReport(review=review, establishment_id=actor.establishment_id)


@service
def save_school_report(
    *,
    actor,
    review: AnnualReview,
    school_views: str = "",
    outcomes_met: str = "",
    progress: str = "",
    attendance=None,
    proposed_changes: str = "",
    attachments=(),
) -> SchoolReviewReport:
    """Keep the school's report as a draft (the council sees it once submitted); attached reports are filed on
    the child's record for the council and the school."""
    report = _open_for_school(actor, review, "Save the school's report")
    texts = {
        "school_views": school_views,
        "progress": progress,
        "proposed_changes": proposed_changes,
    }
    problems = {k: "Must be 10,000 characters or fewer" for k, v in texts.items() if len(v or "") > TEXT_MAX}
    if outcomes_met and outcomes_met not in OUTCOMES_MET:
        problems["outcomes_met"] = "Say whether the plan's outcomes are being met"
    if problems:
        raise ValidationError(problems)
    for name, value in texts.items():
        setattr(report, name, (value or "").strip())
    report.outcomes_met, report.attendance, report.written_by = outcomes_met, _attendance(attendance), actor
    report.save()
    documents = store_attachments(
        actor=actor,
        child=review.child,
        request=None,
        attachments=attachments,
        category="report",
        audience=PROFESSIONALS,
    )
    report.documents.add(*documents)
    log.record(
        actor=actor,
        action="review.school_report_save",
        obj=report,
        child=review.child_id,
        after={**{k: len(getattr(report, k)) for k in texts}, "attached": [d.pk for d in documents]},
    )
    return report


@service
def submit_school_report(
    *,
    actor,
    review: AnnualReview,
    submitted_on: date | None = None,
    held_on: date | None = None,
    attendees: str = "",
    adulthood_considered: bool | None = None,
) -> SchoolReviewReport:
    """Send the school's report to the council. If the council has not recorded the meeting, the report
    records it (the date it was held, who attended); then the review's report step is recorded."""
    # The review's own steps: from "arranged" the report records the meeting, from "held" it is the report.
    step = "record_meeting" if review.stage == "arranged" else "send_report"
    report = _open_for_school(actor, review, ANNUAL_REVIEW.steps[step].label)
    enforce(ANNUAL_REVIEW, review.stage, step)
    submitted_on = submitted_on or date.today()
    _not_future("submitted_on", submitted_on, "The date the report is sent")
    missing = {}
    if not report.pk:
        missing["school_views"] = "Save the school's report first"
    else:
        if not report.school_views:
            missing["school_views"] = "Enter the school's views"
        if not report.outcomes_met:
            missing["outcomes_met"] = "Say whether the plan's outcomes are being met"
        if not report.progress:
            missing["progress"] = "Enter the progress made towards the outcomes"
    if review.stage == "arranged":
        if held_on is None:
            missing["held_on"] = "Enter the date the review meeting took place"
        if not (attendees or "").strip():
            missing["attendees"] = "Say who attended the meeting"
    if missing:
        raise ValidationError(missing)
    if review.stage == "arranged":
        _record_meeting(
            actor=actor,
            review=review,
            held_on=held_on,
            attendees=attendees,
            professional_views=f"The school's views: {report.school_views}",
            outcomes_met=report.outcomes_met,
            recommended_amendments=report.proposed_changes,
            adulthood_considered=adulthood_considered,
        )
    if submitted_on < review.held_on:
        raise ValidationError({"submitted_on": "The report cannot be sent before the meeting"})
    if not review.report_sent_on:
        _send_report(actor=actor, review=review, sent_on=submitted_on)
    report.submitted_on, report.submitted_by = submitted_on, actor
    report.save(update_fields=["submitted_on", "submitted_by", "updated_at"])
    log.record(
        actor=actor,
        action="review.school_report_submit",
        obj=report,
        child=review.child_id,
        after={"submitted_on": submitted_on, "held_on": review.held_on, "late": submitted_on > report_due(review)},
    )
    return report
