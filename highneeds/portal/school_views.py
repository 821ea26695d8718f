"""A school's SENCO: asking for an EHC needs assessment for a pupil and following the school's requests; the review
dates for the school; writing and submitting the school's annual review report. Another school's pupils,
requests and reviews get the same 403 as a missing id."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from highneeds.audit import log
from highneeds.casework import queries as case_queries
from highneeds.casework import services as casework
from highneeds.people.queries import open_child_record, visible_children
from highneeds.records import attachments
from highneeds.reviews import queries as review_queries
from highneeds.reviews import services as reviews
from highneeds.reviews.models import SchoolReviewReport, report_due
from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from . import progress, school_forms

REQUESTS = case_queries.SCHOOL_REQUESTS
REVIEWS = review_queries.SCHOOL

# ---------------------------------------------------------------------------------------------
# Requests for an assessment


@requires(REQUESTS)
def school_requests(request):
    rows = [
        {"request": r, "stage": progress.FAMILY_STAGE.get(r.status, r.get_status_display())}
        for r in case_queries.school_requests(request.user)[:200]
    ]
    log.record(actor=request.user, action="school.view_requests", after={"rows": len(rows)})
    return render(
        request, "portal/school/requests.html", {"page_title": "Requests for an EHC needs assessment", "rows": rows}
    )


@requires(REQUESTS)
def school_request_new(request):
    user = request.user
    chosen = request.GET.get("child", "")
    if chosen.isdecimal():  # from a pupil's page: the pupil must be at this school (else the same 403 as missing)
        open_child_record(user, int(chosen), what="school.view_request_form")
    pupils = list(visible_children(user).order_by("last_name", "first_name"))
    form = school_forms.SchoolRequestForm(
        request.POST or None, request.FILES or None, pupils=pupils, initial={"pupil": chosen}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        child = None if d["pupil"] == school_forms.NEW else next(c for c in pupils if str(c.pk) == d["pupil"])
        try:
            made = casework.submit_school_request(
                actor=user,
                received_on=date.today(),
                reason=d["reason"],
                parent_views=d["parent_views"],
                consent=d["consent"],
                child=child,
                child_data=form.child_data,
                parent_data=form.parent_data,
                attachments=d["attachments"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Request sent to the SEND team. The reference is {made.reference}")
            return redirect("school-request", made.pk)
    return render(
        request,
        "portal/school/request_form.html",
        {
            "page_title": "Request an EHC needs assessment",
            "form": form,
            "error_title": bool(form.errors),
            **attachments.page_context(),
        },
    )


@requires(REQUESTS)
def school_request(request, request_id: int):
    found = case_queries.open_school_request(request.user, request_id)
    if found.duplicate_of_id:
        messages.info(request, "The pupil already had a request open: the school's request joined it")
    view = progress.build(found, today=date.today(), viewer=request.user)
    return render(
        request,
        "portal/school/request.html",
        {
            "page_title": f"Request for {found.child.full_name}",
            "case": found,
            "p": view,
            "documents": list(found.documents.filter(category="evidence").exclude(audience="council")),
        },
    )


# ---------------------------------------------------------------------------------------------
# Annual reviews


@requires(REVIEWS)
def school_reviews(request):
    today = date.today()
    rows = review_queries.school_review_dates(request.user, today)
    log.record(actor=request.user, action="school.view_reviews", after={"rows": len(rows)})
    return render(
        request,
        "portal/school/reviews.html",
        {
            "page_title": "Annual review dates",
            "rows": rows,
            "counts": review_queries.school_review_counts(rows),
            "status": review_queries.SCHOOL_STATUS,
            "today": today,
            "due_soon_weeks": review_queries.DUE_SOON_DAYS // 7,
        },
    )


def _report_initial(report: SchoolReviewReport | None) -> dict:
    if report is None:
        return {}
    return {
        name: getattr(report, name)
        for name in ("school_views", "outcomes_met", "progress", "attendance", "proposed_changes")
    }


@requires(REVIEWS)
def school_review(request, review_id: int):
    user = request.user
    review = review_queries.open_school_review(user, review_id)
    report = SchoolReviewReport.objects.filter(review=review).first()
    action = request.POST.get("action") if request.method == "POST" else None
    form = school_forms.SchoolReportForm(
        request.POST if action == "save" else None,
        request.FILES if action == "save" else None,
        initial=_report_initial(report),
    )
    submit = school_forms.SubmitReportForm(
        request.POST if action == "submit" else None, initial={"held_on": review.meeting_on}
    )
    if action == "save" and form.is_valid():
        try:
            reviews.save_school_report(actor=user, review=review, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The school's report is saved. Submit it to the council when it is ready")
            return redirect("school-review", review.pk)
    elif action == "submit" and submit.is_valid():
        try:
            reviews.submit_school_report(actor=user, review=review, **submit.cleaned_data)
        except ValidationError as exc:
            add_errors(submit, exc)
        else:
            messages.success(request, "The school's report has been sent to the council")
            return redirect("school-review", review.pk)
    submitted = bool(report and report.submitted_on)
    return render(
        request,
        "portal/school/review.html",
        {
            "page_title": f"Annual review for {review.child.full_name}",
            "review": review,
            "child": review.child,
            "report": report,
            "documents": list(report.documents.all()) if report else [],
            "form": form,
            "submit": submit,
            "submitted": submitted,
            "can_write": not submitted and review.stage in reviews.WRITABLE_STAGES,
            "report_due": report_due(review),
            "error_title": bool(form.errors or submit.errors),
            "contributions": list(review.contributions.filter(author=user)),
            **attachments.page_context(),
        },
    )
