"""An annual review's page and its steps (arrange, meet, decide...), driven by REVIEW_STEPS."""

from __future__ import annotations

from datetime import date

from django.shortcuts import render

from highneeds.engine.clock.machines import ANNUAL_REVIEW
from highneeds.web.access import requires
from highneeds.web.steps import Step

from .. import flows, forms, queries, services
from ..models import INVITEE_ROLES, SchoolReviewReport, report_due
from ._common import MANAGE, _deadlines, _establishment, _may, _record_step, _version_url, _yes_no_initial

# ---------------------------------------------------------------------------------------------
# Steps: one table per kind of record drives the action links and the form pages.


def _arrange(user, review, d):
    names = [n.strip() for n in d["names"].splitlines() if n.strip()]
    invitees = [{"role": role, "name": names[n] if n < len(names) else ""} for n, role in enumerate(d["invitees"])]
    services.arrange_meeting(
        actor=user,
        review=review,
        meeting_on=d["meeting_on"],
        arranged_on=d["arranged_on"],
        invitees=invitees,
        in_setting=d["in_setting"] == "yes",
    )
    return "Meeting arranged"


def _considered(d) -> dict:
    return {
        "step_down_considered": forms.yes_no(d.get("step_down_considered")),
        "step_down_reason": d.get("step_down_reason") or None,
        "cessation_considered": forms.yes_no(d.get("cessation_considered")),
        "cessation_reason": d.get("cessation_reason") or None,
    }


def _meeting(user, review, d):
    services.record_meeting(
        actor=user,
        review=review,
        held_on=d["held_on"],
        attendees=d["attendees"],
        child_views=d["child_views"],
        family_views=d["family_views"],
        professional_views=d["professional_views"],
        outcomes_met=d["outcomes_met"],
        recommended_amendments=d["recommended_amendments"],
        disagreements=d["disagreements"],
        adulthood_considered=d["adulthood_considered"],
        adulthood_notes=d["adulthood_notes"],
        **_considered(d),
    )
    return "Meeting recorded"


def _decide(user, review, d):
    flows.decide(
        actor=user,
        review=review,
        decision=d["decision"],
        decided_on=d["decided_on"],
        reasons=d["reasons"],
        cease_reason=d["cease_reason"],
        **_considered(d),
    )
    return {
        "maintain": "Decision recorded: the plan is kept as it is; the notice is ready",
        "amend": "Decision recorded and the proposed amendments sent with it",
        "cease": "Decision recorded: the cessation has started",
    }[d["decision"]]


REVIEW_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="arrange",
            title="Arrange the review meeting",
            form=forms.ArrangeForm,
            shown=lambda r: _may(ANNUAL_REVIEW, "arrange_meeting", r),
            save=_arrange,
            initial=lambda r: {
                "in_setting": "yes" if r.establishment_id else "no",
                "arranged_on": date.today(),
                "invitees": ["parent", "setting", "la_officer", "health", "social_care"]
                if r.establishment_id
                else ["parent", "la_officer", "health", "social_care"],
            },
        ),
        Step(
            slug="invite",
            title="Send the invitations and ask for advice",
            form=forms.DateForm,
            shown=lambda r: _may(ANNUAL_REVIEW, "send_invitations", r) and not r.invitations_sent_on,
            save=lambda user, r, d: (
                services.send_invitations(actor=user, review=r, sent_on=d["on"]) and "Invitations sent"
            ),
            form_kwargs=lambda r: {"label": "Date the invitations were sent"},
            initial=lambda r: {"on": date.today()},
        ),
        Step(
            slug="advice",
            title="Record that the advice was circulated",
            form=forms.DateForm,
            shown=lambda r: (
                _may(ANNUAL_REVIEW, "circulate_advice", r) and r.invitations_sent_on and not r.advice_circulated_on
            ),
            save=lambda user, r, d: (
                services.circulate_advice(actor=user, review=r, circulated_on=d["on"])
                and (
                    "Advice circulation recorded"
                    if (r.meeting_on - d["on"]).days >= services.NOTICE_DAYS
                    else "Advice circulation recorded: it was less than 2 weeks before the meeting, so the step is missed"
                )
            ),
            form_kwargs=lambda r: {"label": "Date the advice was sent to everyone invited"},
        ),
        Step(
            slug="meeting",
            title="Record the review meeting",
            form=forms.MeetingForm,
            shown=lambda r: _may(ANNUAL_REVIEW, "record_meeting", r),
            save=_meeting,
            initial=lambda r: {"held_on": r.meeting_on},
        ),
        Step(
            slug="report",
            title="Record that the review report was sent",
            form=forms.DateForm,
            shown=lambda r: _may(ANNUAL_REVIEW, "send_report", r) and not r.report_sent_on,
            save=lambda user, r, d: services.send_report(actor=user, review=r, sent_on=d["on"]) and "Report recorded",
            form_kwargs=lambda r: {"label": "Date the report was sent to everyone invited"},
        ),
        Step(
            slug="decide",
            title="Record the council's decision",
            form=forms.DecisionForm,
            shown=lambda r: _may(ANNUAL_REVIEW, "decide", r),
            save=_decide,
            initial=lambda r: {
                "step_down_considered": _yes_no_initial(r.step_down_considered),
                "step_down_reason": r.step_down_reason,
                "cessation_considered": _yes_no_initial(r.cessation_considered),
                "cessation_reason": r.cessation_reason,
            },
        ),
        Step(
            slug="issue",
            title="Issue the amended plan",
            form=forms.IssueForm,
            shown=lambda r: _may(ANNUAL_REVIEW, "issue_amended_plan", r),
            save=lambda user, r, d: (
                flows.issue_amended_plan(
                    actor=user, review=r, issued_on=d["on"], establishment=_establishment(d["urn"])
                )
                and "Amended plan issued"
            ),
        ),
    )
}


@requires(MANAGE)
def review_page(request, review_id: int):
    review = queries.open_review(request.user, review_id)
    return render(
        request,
        "reviews/review.html",
        {
            "page_title": f"{review.child.full_name}: annual review",
            "review": review,
            "child": review.child,
            "deadlines": _deadlines(review),
            "contributions": list(review.contributions.all()),
            # The school's report once its SENCO has submitted it (a draft is the school's own until then).
            "school_report": SchoolReviewReport.objects.filter(review=review, submitted_on__isnull=False).first(),
            "school_report_due": report_due(review),
            "actions": [s for s in REVIEW_STEPS.values() if s.shown(review)],
            "invitee_roles": INVITEE_ROLES,
            "amendment_url": _version_url(review.amendment),
            "today": date.today(),
            "cease_reason": queries.cease_reasons().get(review.cease_reason, ""),
        },
    )


@requires(MANAGE)
def review_step(request, review_id: int, slug: str):
    review = queries.open_review(request.user, review_id, what="review.view_for_edit")
    return _record_step(
        request,
        review,
        REVIEW_STEPS,
        slug,
        "reviews:review",
        "That step is not open for this review now",
        {
            "child": review.child,
            "caption": f"Annual review due {review.due_on:%-d %B %Y}" if review.due_on else "Annual review",
            "year_group": review.child.year_group(),
        },
    )
