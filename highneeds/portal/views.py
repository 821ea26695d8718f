"""Portal pages: a request without an account, a family's progress pages, and the adviser's pages."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from highneeds.casework import services
from highneeds.casework.models import ADVICE_PROGRESS, ADVISER_TYPES, SUBMITTED
from highneeds.engine import filetypes
from highneeds.letters.models import Letter
from highneeds.people.models import ParentCarer
from highneeds.people.queries import current_settings
from highneeds.people.voice import voice_for
from highneeds.plans import flows as plan_flows
from highneeds.plans.models import Contribution
from highneeds.records import attachments
from highneeds.web.access import public, requires
from highneeds.web.forms import add_errors

from . import forms, progress, queries, ratelimit
from .queries import FOLLOW_REQUESTS

# A request form is a few kilobytes; anything much larger is not a family filling it in.
MAX_REQUEST_BYTES = 64 * 1024
SESSION_REFERENCE = "portal_request_reference"


# ---------------------------------------------------------------------------------------------
# A request for an assessment, without an account


@public
def request_assessment(request):
    form = forms.RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        verdict = ratelimit.hit(request, "request-an-assessment")
        if not verdict.allowed:
            response = render(request, "portal/too_many.html", {"page_title": "Too many attempts"}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        # Typed answers are a few kilobytes; the files may add up to one document's size limit between them.
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES + attachments.max_bytes():
            form = forms.RequestForm(request.POST)  # the files are not read at all
            form.is_valid()
            form.add_error(
                "attachments",
                f"The files together must be smaller than {filetypes.human_size(attachments.max_bytes())}",
            )
        elif len(request.POST.urlencode()) > MAX_REQUEST_BYTES:
            form.is_valid()
            form.add_error(None, "The request is too long. Shorten what you have written and send it again")
        elif form.is_valid():
            try:
                made = services.submit_portal_request(received_on=date.today(), **form.service_arguments())
            except ValidationError as exc:
                # The form has already checked everything a family can correct; say nothing about records. A
                # file the scanner refused is the exception: it is about the file, not about any record.
                if "attachments" in exc.message_dict:
                    form.add_error("attachments", exc.message_dict["attachments"][0])
                else:
                    form.add_error(
                        None,
                        "We could not send your request. Check your answers and try again, or contact the SEND team",
                    )
            else:
                # The same page and the same kind of reference whether or not the child was already known.
                request.session[SESSION_REFERENCE] = made.reference
                return redirect("portal-request-sent")
    return render(
        request,
        "portal/request_form.html",
        {
            "page_title": "Ask for an EHC needs assessment",
            "form": form,
            "error_title": bool(form.errors),
            "reason_max": forms.REASON_MAX,
            **attachments.page_context(),
        },
    )


@public
def request_sent(request):
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("portal-request")
    return render(request, "portal/request_sent.html", {"page_title": "Request sent", "reference": reference})


# ---------------------------------------------------------------------------------------------
# Families following their requests


@requires(FOLLOW_REQUESTS)
def my_requests(request):
    found = list(queries.family_requests(request.user))
    children: dict[int, dict] = {}
    for item in found:
        entry = children.setdefault(item.child_id, {"child": item.child, "requests": []})
        entry["requests"].append({"request": item, "stage": progress.FAMILY_STAGE.get(item.status, item.status)})
    return render(
        request,
        "portal/requests.html",
        {"page_title": "Your requests for an EHC needs assessment", "children": list(children.values())},
    )


@requires(FOLLOW_REQUESTS)
def request_progress(request, request_id: int):
    found = queries.open_family_request(request.user, request_id)
    if found.duplicate_of_id:
        return redirect("portal-request-progress", found.duplicate_of_id)
    view = progress.build(found, today=date.today(), viewer=request.user)
    return render(
        request,
        "portal/progress.html",
        {
            "page_title": f"{voice_for(request.user, found.child).Whose} EHC needs assessment",
            "p": view,
            "case": found,
            "can_respond": view.can_respond and _may_respond(request.user, found),
        },
    )


def _may_respond(user, found) -> bool:
    """`record_representation` accepts a parent linked to the child's record."""
    return ParentCarer.objects.filter(child_id=found.child_id, user=user).exists()


@requires(FOLLOW_REQUESTS)
def respond(request, request_id: int):
    found = queries.open_family_request(request.user, request_id, what="portal.view_for_response")
    if not progress.representation_window_open(found, date.today()) or not _may_respond(request.user, found):
        messages.error(
            request,
            "The time to comment on the draft plan online has ended. Contact your caseworker "
            "if you want to tell us something",
        )
        return redirect("portal-request-progress", found.pk)
    form = forms.RepresentationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_representation(
                actor=request.user,
                request=found,
                received_on=date.today(),
                text=d["text"].strip(),
                preferred_establishment=d["school"],
                meeting_requested=d["meeting"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Thank you: we have your response to the draft plan")
            return redirect("portal-request-progress", found.pk)
    return render(
        request,
        "portal/respond.html",
        {
            "page_title": "Tell us what you think of the draft plan",
            "form": form,
            "case": found,
            "last_day": progress.representation_last_day(found),
            "error_title": bool(form.errors),
        },
    )


@requires(FOLLOW_REQUESTS)
def family_letter(request, request_id: int, letter_id: int):
    found = queries.open_family_request(request.user, request_id, what="portal.view_letter")
    letter = Letter.objects.filter(pk=letter_id, request=found, family_can_see=True).first()
    if letter is None:
        raise PermissionDenied("letter")
    return render(request, "portal/letter.html", {"page_title": letter.subject, "letter": letter, "case": found})


# ---------------------------------------------------------------------------------------------
# Advisers


@requires("casework.give_advice")
def my_advice(request):
    today = date.today()
    found = queries.my_advice_requests(request.user, today)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "advice": a,
            "label": ADVISER_TYPES.get(a.adviser_type, a.adviser_type),
            "progress": ADVICE_PROGRESS[a.stage],
            "overdue": a.bucket == queries.OVERDUE,
            "closed": a.bucket == queries.DONE and a.stage != SUBMITTED,
            "days_left": (a.due_on - today).days if a.due_on and a.bucket != queries.DONE else None,
        }
        for a in page.object_list
    ]
    return render(
        request,
        "portal/advice_list.html",
        {"page_title": "My deadlines", "page": page, "rows": rows, "counts": queries.advice_counts(found)},
    )


@requires("casework.give_advice")
def give_advice(request, advice_id: int):
    advice = queries.open_advice_request(request.user, advice_id)
    case, child = advice.request, advice.request.child
    open_for_advice = not advice.received_on and case.is_open
    drafting = request.POST.get("action") == "draft"
    form = None
    if open_for_advice:
        form = forms.AdviceForm(
            request.POST or None, request.FILES or None, initial=advice.draft, submitting=not drafting
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, "Advice can no longer be given online for this request")
            return redirect("portal-advice-give", advice.pk)
        if form.is_valid():
            try:
                if drafting:
                    services.save_advice_draft(
                        actor=request.user, advice=advice, parts=form.parts(), report=form.report_upload()
                    )
                else:
                    parts = form.parts()
                    plan_flows.give_structured_advice(
                        actor=request.user,
                        advice=advice,
                        summary=parts.pop("text"),
                        parts=parts,
                        report=form.report_upload(),
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if drafting:
                    messages.success(request, "Your draft is saved. The SEND team cannot see it until you submit it")
                    return redirect("portal-advice-give", advice.pk)
                messages.success(request, f"Your advice about {child.full_name} has been sent to the SEND team")
                return redirect("portal-advice")
    return render(
        request,
        "portal/advice_give.html",
        {
            "page_title": f"Advice about {child.full_name}",
            "advice": advice,
            "case": case,
            "child": child,
            "label": ADVISER_TYPES.get(advice.adviser_type, advice.adviser_type),
            "form": form,
            "setting": current_settings([child]).get(child.pk, ""),
            "needs": list(child.needs.all()),
            "error_title": bool(form and form.errors),
            "advice_max": services.ADVICE_MAX,
            "given": Contribution.objects.filter(advice_request=advice, kind="advice").first(),
            "parts": plan_flows.ADVICE_PARTS,
            "held_report": advice.draft_report_name if advice.draft_report else "",
            "report": advice.report if advice.received_on else None,
            "limit": filetypes.human_size(getattr(settings, "HIGHNEEDS_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)),
            "accepted": filetypes.ACCEPTED,
        },
    )
