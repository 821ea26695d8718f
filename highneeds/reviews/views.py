"""The review tracker, a child's review history, the pages for each step, and the family's pages."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from highneeds.casework.plain import STEP_LABELS, status_tag
from highneeds.engine.clock.machines import ANNUAL_REVIEW, PHASE_TRANSFER, REASSESSMENT
from highneeds.establishments.queries import by_urn
from highneeds.plans.queries import comment_last_day, comment_window_open
from highneeds.web.access import requires
from highneeds.web.forms import add_errors
from highneeds.web.steps import Step, step_form_page

from . import flows, forms, queries, services
from .models import INVITEE_ROLES, PHASES, AnnualReview

PLAIN_STATUS = {
    "met": "Met",
    "missed": "Missed",
    "pending": "Due",
    "overdue": "Overdue",
    "excepted": "Exception applies",
    "window": "Open",
}
MANAGE = "reviews.manage"


def _deadlines(record) -> list[dict]:
    return [
        {
            **d,
            "due": date.fromisoformat(d["due"]),
            "done": date.fromisoformat(d["done"]) if d["done"] else None,
            "label": STEP_LABELS(d["step"]),
            "tag": status_tag(d["status"]),
            "status_text": PLAIN_STATUS.get(d["status"], d["status"]),
        }
        for d in record.deadlines
    ]


def _establishment(urn):
    return by_urn(urn, missing="No school or college has this URN")


def _version_url(version) -> str | None:
    """The plans app's page for a version, when it has one."""
    if version is None:
        return None
    for name in ("plans:version", "plans:document"):
        try:
            return reverse(name, args=[version.pk])
        except NoReverseMatch:
            continue
    return None


# ---------------------------------------------------------------------------------------------
# The tracker


def _row(record, today: date, days: int) -> dict:
    rag = queries.rag_of(record.next_due, today, days)
    return {
        "record": record,
        "rag": rag,
        "rag_label": queries.RAG_LABELS[rag],
        "rag_tag": queries.RAG_TAGS[rag],
        "next_step": STEP_LABELS(record.next_step) if record.next_step else "Nothing statutory due",
        "days_left": None if record.next_due is None else (record.next_due - today).days,
    }


@requires("reviews.view_tracker")
def tracker(request):
    today = date.today()
    show = request.GET.get("show", "reviews")
    show = show if show in queries.SHOW else "reviews"
    chosen_list = request.GET.get("list", "")
    chosen_list = chosen_list if chosen_list in queries.REVIEW_LISTS and show == "reviews" else ""
    form = forms.TrackerFilterForm(
        request.GET if set(request.GET) - {"show", "list", "page"} else None, user=request.user
    )
    criteria = queries.TrackerFilter(show=show, list=chosen_list, **form.values())
    page, counts = queries.tracker_page(request.user, criteria, request.GET.get("page"), today=today)
    days = queries.TRANSFER_AT_RISK_DAYS if show == "transfers" else queries.AT_RISK_DAYS
    lists = {}
    if show == "reviews":  # the counts of all open reviews already hold the lists' sizes
        lists = counts if not chosen_list else queries.review_list_counts(request.user, criteria, today=today)
    query = request.GET.copy()
    query.pop("page", None)
    filters = query.copy()
    for key in ("show", "list", "rag"):
        filters.pop(key, None)
    return render(
        request,
        "reviews/tracker.html",
        {
            "page_title": "Reviews and phase transfers",
            "form": form,
            "page": page,
            "counts": counts,
            "show": show,
            "shows": queries.SHOW,
            "list": chosen_list,
            "lists": queries.REVIEW_LISTS,
            "list_counts": lists,
            "rows": [_row(r, today, days) for r in page.object_list],
            "query": query.urlencode(),
            "filters": filters.urlencode(),
            "rag_labels": queries.RAG_LABELS,
            "days": days,
            "today": today,
            "transfer_on": queries.next_transfer_date(today),
            "phases": PHASES,
            "error_title": bool(form.errors),
        },
    )


@requires("reviews.view_tracker")
def child_history(request, child_id: int):
    history = queries.child_history(request.user, child_id)
    return render(
        request,
        "reviews/child.html",
        {
            "page_title": f"{history['child'].full_name}: reviews",
            **history,
            "today": date.today(),
        },
    )


@requires(MANAGE)
@require_POST
def schedule(request, child_id: int):
    history = queries.child_history(request.user, child_id)
    if history["plan"] is None:
        raise Http404("plan")
    try:
        review = services.schedule_review(actor=request.user, plan=history["plan"])
    except ValidationError as exc:
        messages.error(request, "; ".join(m for ms in exc.message_dict.values() for m in ms))
        return redirect("reviews:child", child_id)
    messages.success(request, "Review opened")
    return redirect("reviews:review", review.pk)


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


def _yes_no_initial(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def _may(machine, step: str, record) -> bool:
    """Whether the page offers a step: the process's state machine decides, as the service does."""
    return record.stage in machine.steps[step].sources


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


def _step_page(request, record, spec, back: str, context: dict):
    return step_form_page(
        request, spec, record, done=back, template="reviews/step.html", context={"back": back, **context}
    )


def _record_step(request, record, steps: dict, slug: str, page: str, not_open: str, context: dict):
    """Step `slug` of a review, transfer or reassessment: 404 if there is no such step, back to the record's
    `page` (flashing `not_open`) if the step is not open now, else the step's form."""
    spec = steps.get(slug)
    if spec is None:
        raise Http404("step")
    if not spec.shown(record):
        messages.success(request, not_open)
        return redirect(page, record.pk)
    return _step_page(request, record, spec, reverse(page, args=[record.pk]), context)


def _plan_step(request, child_id: int, spec, caption: str):
    """A step that adds a record to the child's plan (a phase transfer, a request to reassess)."""
    history = queries.child_history(request.user, child_id)
    if history["plan"] is None:
        raise Http404("plan")
    return _step_page(
        request,
        history["plan"],
        spec,
        reverse("reviews:child", args=[child_id]),
        {"child": history["child"], "caption": caption},
    )


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


# ---------------------------------------------------------------------------------------------
# Phase transfers


def _preferences(user, transfer, d):
    chosen = [_establishment(d[k]) for k in ("first", "second", "third")]
    services.record_preferences(actor=user, transfer=transfer, establishments=chosen, gathered_on=d["on"])
    return "Preferences recorded"


def _reply(user, transfer, d):
    consultation = transfer.consultations.get(pk=d["consultation"])
    services.record_consultation_reply(
        actor=user, consultation=consultation, reply_on=d["on"], outcome=d["outcome"], notes=d["notes"]
    )
    return "Reply recorded"


def _transfer_open(t) -> bool:
    return _may(PHASE_TRANSFER, "amend_for_transfer", t)


TRANSFER_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="preferences",
            title="Record the family's preferences",
            form=forms.PreferencesForm,
            shown=_transfer_open,
            save=_preferences,
        ),
        Step(
            slug="consult",
            title="Consult a school or college",
            form=forms.SettingForm,
            shown=_transfer_open,
            save=lambda user, t, d: (
                services.consult_setting(
                    actor=user, transfer=t, establishment=_establishment(d["urn"]), sent_on=d["on"]
                )
                and "Consultation recorded"
            ),
        ),
        Step(
            slug="reply",
            title="Record a setting's reply",
            form=forms.ReplyForm,
            shown=lambda t: _transfer_open(t) and t.consultations.filter(outcome="").exists(),
            save=_reply,
            form_kwargs=lambda t: {"consultations": t.consultations.filter(outcome="").select_related("establishment")},
        ),
        Step(
            slug="amend",
            title="Amend the plan naming the new setting",
            form=forms.SettingForm,
            shown=_transfer_open,
            save=lambda user, t, d: (
                flows.amend_for_transfer(
                    actor=user, transfer=t, establishment=_establishment(d["urn"]), amended_on=d["on"]
                )
                and "Plan amended"
            ),
        ),
    )
}


@requires(MANAGE)
def transfer_page(request, transfer_id: int):
    transfer = queries.open_transfer(request.user, transfer_id)
    return render(
        request,
        "reviews/transfer.html",
        {
            "page_title": f"{transfer.child.full_name}: phase transfer",
            "transfer": transfer,
            "child": transfer.child,
            "deadlines": _deadlines(transfer),
            "preferences": list(transfer.preferences.select_related("establishment")),
            "consultations": list(transfer.consultations.select_related("establishment")),
            "actions": [s for s in TRANSFER_STEPS.values() if s.shown(transfer)],
        },
    )


@requires(MANAGE)
def transfer_step(request, transfer_id: int, slug: str):
    transfer = queries.open_transfer(request.user, transfer_id, what="phase_transfer.view_for_edit")
    return _record_step(
        request,
        transfer,
        TRANSFER_STEPS,
        slug,
        "reviews:transfer",
        "That step is not open for this transfer now",
        {"child": transfer.child, "caption": f"Moving {transfer.transfer_on:%-d %B %Y}"},
    )


@requires(MANAGE)
def add_transfer(request, child_id: int):
    spec = Step(
        slug="add",
        title="Record a phase transfer",
        form=forms.TransferForm,
        shown=lambda p: True,
        save=lambda user, plan, d: (
            services.add_phase_transfer(actor=user, plan=plan, transfer_on=d["transfer_on"], kind=d["kind"])
            and "Phase transfer recorded"
        ),
    )
    return _plan_step(request, child_id, spec, "Phase transfer")


# ---------------------------------------------------------------------------------------------
# Reassessments


REASSESSMENT_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="decide",
            title="Record the decision whether to reassess",
            form=forms.ReassessmentDecisionForm,
            shown=lambda r: _may(REASSESSMENT, "decide_reassessment", r),
            save=lambda user, r, d: (
                services.decide_reassessment(
                    actor=user, reassessment=r, decision=d["decision"], decided_on=d["decided_on"], reasons=d["reasons"]
                )
                and "Decision recorded; the notice is ready"
            ),
        ),
        Step(
            slug="issue",
            title="Issue the plan after reassessment",
            form=forms.IssueForm,
            shown=lambda r: _may(REASSESSMENT, "issue_reassessed_plan", r),
            save=lambda user, r, d: (
                flows.issue_reassessed_plan(
                    actor=user, reassessment=r, issued_on=d["on"], establishment=_establishment(d["urn"])
                )
                and "Plan issued"
            ),
        ),
    )
}


@requires(MANAGE)
def reassessment_page(request, item_id: int):
    item = queries.open_reassessment(request.user, item_id)
    return render(
        request,
        "reviews/reassessment.html",
        {
            "page_title": f"{item.child.full_name}: request to reassess",
            "item": item,
            "child": item.child,
            "deadlines": _deadlines(item),
            "last_assessed": queries.last_assessed(item.plan),
            "refusal_allowed": queries.within_refusal_window(item.plan, item.received_on),
            "actions": [s for s in REASSESSMENT_STEPS.values() if s.shown(item)],
        },
    )


@requires(MANAGE)
def reassessment_step(request, item_id: int, slug: str):
    item = queries.open_reassessment(request.user, item_id, what="reassessment.view_for_edit")
    return _record_step(
        request,
        item,
        REASSESSMENT_STEPS,
        slug,
        "reviews:reassessment",
        "That step is not open now",
        {"child": item.child, "caption": f"Request received {item.received_on:%-d %B %Y}"},
    )


@requires(MANAGE)
def add_reassessment(request, child_id: int):
    spec = Step(
        slug="add",
        title="Record a request to reassess",
        form=forms.ReassessmentRequestForm,
        shown=lambda p: True,
        save=lambda user, plan, d: services.request_reassessment(actor=user, plan=plan, **d) and "Request recorded",
    )
    return _plan_step(request, child_id, spec, "Reassessment")


# ---------------------------------------------------------------------------------------------
# The family


def _family_stage(review: AnnualReview) -> str:
    if review.decision == "amend" and review.stage == "amending":
        return "We have proposed changes to the plan: tell us what you think"
    if review.decision:
        return {
            "maintain": "Decided: the plan stays as it is",
            "amend": "Decided: the plan has been amended",
            "cease": "Decided: we propose to stop the plan",
        }[review.decision]
    if review.held_on:
        return "The meeting has taken place: we are deciding what happens next"
    if review.meeting_on:
        return "The review meeting is arranged"
    return "The review is due"


@requires(queries.FAMILY)
def family_reviews(request):
    reviews = queries.family_reviews(request.user)
    return render(
        request,
        "reviews/family_list.html",
        {"page_title": "Annual reviews", "rows": [{"review": r, "stage": _family_stage(r)} for r in reviews]},
    )


@requires(queries.FAMILY)
def family_review(request, review_id: int):
    review = queries.open_family_review(request.user, review_id)
    version = review.amendment
    today = date.today()
    letters = [review.decision_letter] if review.decision_letter and review.decision_letter.family_can_see else []
    return render(
        request,
        "reviews/family_review.html",
        {
            "page_title": f"{review.child.first_name}'s annual review",
            "review": review,
            "child": review.child,
            "stage": _family_stage(review),
            "letters": letters,
            "version": version,
            "version_url": _version_url(version),
            "last_day": comment_last_day(version) if version else None,
            "window_open": bool(version and comment_window_open(version, today)),
            "can_contribute": review.stage in ("due", "arranged")
            and request.user.has_perm("reviews.contribute", review.child),
            "contributions": list(review.contributions.filter(author=request.user)),
            "cease_reason": queries.cease_reasons().get(review.cease_reason, ""),
        },
    )


@requires("people.open_records")
def contribute(request, review_id: int):
    """Views before the meeting: the family, the setting or an invited professional (reviews.contribute)."""
    review = queries.open_review_to_contribute(request.user, review_id)
    form = forms.ContributionForm(request.POST or None)
    back = (
        reverse("reviews:family-review", args=[review.pk]) if request.user.has_perm(queries.FAMILY) else reverse("home")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contribute(actor=request.user, review=review, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Thank you: your views will be shared at the review meeting")
            return redirect(back)
    return render(
        request,
        "reviews/contribute.html",
        {
            "page_title": f"Your views for {review.child.first_name}'s annual review",
            "form": form,
            "review": review,
            "back": back,
            "error_title": bool(form.errors),
        },
    )
