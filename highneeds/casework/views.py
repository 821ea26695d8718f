"""The caseworker's case page and the forms for each step of the pipeline."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from highneeds.engine.clock.machines import ASSESSMENT
from highneeds.establishments.queries import by_urn
from highneeds.letters import recipients
from highneeds.letters.models import Letter
from highneeds.panels.models import Recommendation
from highneeds.people.queries import ChildSearch, open_child_record, search_children
from highneeds.web.access import requires
from highneeds.web.forms import add_errors, parse_id
from highneeds.web.steps import Step, open_step, step_form_page

from . import flows, forms, services
from .models import AssessmentRequest
from .plain import STEP_LABELS, status_tag

UPN = re.compile(r"^[A-Za-z]\d{11}[0-9A-Za-z]$")  # a search that looks like a UPN looks one up
PLAIN_STATUS = {
    "met": "Met",
    "missed": "Missed",
    "pending": "Due",
    "overdue": "Overdue",
    "excepted": "Exception applies",
}


def _case(request, request_id: int, what: str = "case.view") -> AssessmentRequest:
    case = get_object_or_404(AssessmentRequest.objects.select_related("child", "caseworker"), pk=request_id)
    open_child_record(request.user, case.child_id, what=what)  # object rule and audited read
    return case


@requires("casework.manage")
def case_page(request, request_id: int):
    case = _case(request, request_id)
    return render(
        request,
        "casework/case.html",
        {
            "page_title": f"{case.child.full_name}: {case.reference}",
            "case": case,
            "deadlines": [
                {
                    **d,
                    "label": STEP_LABELS(d["step"]),
                    "tag": status_tag(d["status"]),
                    "status_text": PLAIN_STATUS[d["status"]],
                }
                for d in case.deadlines
            ],
            "advice": list(case.advice_requests.select_related("adviser", "report")),
            "decisions": list(case.decisions.select_related("recommendation__item__meeting__panel")),
            "consultations": list(case.consultations.select_related("establishment")),
            "representations": list(case.representations.select_related("preferred_establishment")),
            "exceptions": list(case.exceptions.all()),
            "letters": list(case.letters.all()),
            "recipients": recipients.for_page(case.child),
            "events": list(case.events.all()),
            # An unchecked possible match comes first: the other steps are refused until it is decided.
            "actions": [STEPS["match"]]
            if case.match_status == "possible"
            else [s for s in STEPS.values() if s.is_open(case)],
            "duplicates": list(case.duplicates.all()),
        },
    )


def _choose_child(request):
    """Start a request from the queue: find the child first (their record must exist), then record it."""
    form = forms.FindChildForm(request.GET if "q" in request.GET else None)
    found = None
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"]
        upn = text.upper() if UPN.match(text) else ""
        found = list(search_children(request.user, ChildSearch(name="" if upn else text, upn=upn))[:50])
    return render(
        request,
        "casework/choose_child.html",
        {"page_title": "Start a new request", "form": form, "found": found, "error_title": bool(form.errors)},
    )


@requires("casework.manage")
def new_request(request):
    raw = request.POST.get("child") or request.GET.get("child")
    if not raw:
        return _choose_child(request)
    child_id = parse_id(raw)
    if child_id is None:
        raise Http404("child")
    child = open_child_record(request.user, child_id, what="case.new_request")
    form = forms.RequestForm(request.POST or None, initial={"caseworker": request.user.pk, "source": "1"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.submit_request(
                actor=request.user,
                child=child,
                received_on=data["received_on"],
                source=data["source"],
                reason=data["reason"],
                requester_name=data["requester_name"],
                requester_relationship=data["requester_relationship"],
                requester_email=data["requester_email"],
                caseworker=data["caseworker"],
                responsible_from=data["responsible_from"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if case.duplicate_of:
                messages.success(
                    request,
                    f"{child.full_name} already has an open request ({case.duplicate_of.reference}): "
                    f"this one is recorded and linked to it",
                )
                return redirect("case", case.duplicate_of.pk)
            messages.success(request, f"Request {case.reference} recorded")
            return redirect("case", case.pk)
    return render(
        request,
        "casework/step.html",
        {
            "page_title": "Record a request for an EHC needs assessment",
            "form": form,
            "child": child,
            "hidden": {"child": child.pk},
            "error_title": bool(form.errors),
        },
    )


@requires("casework.manage")
def letter(request, request_id: int, letter_id: int):
    case = _case(request, request_id, what="case.view_letter")
    found = get_object_or_404(Letter, pk=letter_id, request=case)
    return render(
        request,
        "casework/letter.html",
        {"page_title": found.subject, "case": case, "letter": found, "recipients": recipients.for_page(case.child)},
    )


# ---------------------------------------------------------------------------------------------
# Steps: one table drives the action links on the case page and the form pages.


def _recommendations(case):

    return Recommendation.objects.filter(item__request=case).select_related("item__meeting__panel")


def _decide(kind):
    def save(user, case, d):
        recommendation = _recommendations(case).filter(pk=d["recommendation"]).first() if d["recommendation"] else None
        call = services.decide_whether_to_assess if kind == "assess" else services.decide_whether_to_issue
        call(
            actor=user,
            request=case,
            decided_on=d["decided_on"],
            reasons=d["reasons"],
            recommendation=recommendation,
            departure_reasons=d["departure_reasons"],
            **{"assess" if kind == "assess" else "issue": d["outcome"] == "yes"},
        )
        return "Decision recorded"

    return save


def _advice_received(user, case, d):
    advice = case.advice_requests.get(pk=d["advice"])
    services.submit_advice(actor=user, advice=advice, text=d["text"], received_on=d["received_on"])
    return f"{advice.label} advice recorded"


def _representation(user, case, d):
    services.record_representation(
        actor=user,
        request=case,
        received_on=d["received_on"],
        text=d["text"],
        preferred_establishment=by_urn(d["urn"]),
        meeting_requested=d["meeting_requested"],
    )
    return "The family's response is recorded"


def _consultation_response(user, case, d):
    consultation = case.consultations.get(pk=d["consultation"])
    services.record_consultation_response(
        actor=user, consultation=consultation, response_on=d["on"], response=d["response"], notes=d["notes"]
    )
    return "Reply recorded"


def _match(user, case, d):
    if d["outcome"] == "yes":
        services.confirm_match(actor=user, request=case)
        return f"Request {case.reference} is now on {case.child.full_name}'s record"
    services.reject_match(actor=user, request=case, reason=d["reason"])
    return "Recorded as a different child: the request carries on with its own record"


def _comparison(user, case) -> list[dict]:
    """What the requester typed beside the record it may match (an audited read of that record)."""
    known = open_child_record(user, case.possible_match_id, what="case.check_match")
    submitted = case.child

    def parents(child):
        return ", ".join(p.full_name for p in child.parents.all()) or "None recorded"

    return [
        {"label": "Name", "submitted": submitted.full_name, "known": known.full_name},
        {"label": "Date of birth", "submitted": submitted.date_of_birth, "known": known.date_of_birth},
        {
            "label": "Postcode",
            "submitted": submitted.postcode or "Not given",
            "known": known.postcode or "Not recorded",
        },
        {
            "label": "Parents or carers",
            "submitted": f"{case.requester_name} ({case.requester_relationship})",
            "known": parents(known),
        },
        {
            "label": "Open requests",
            "submitted": case.reference,
            "known": ", ".join(r.reference for r in known.requests.filter(status__in=AssessmentRequest.OPEN)) or "None",
        },
    ]


def _from(step: str) -> tuple[str, ...]:
    """The statuses a step is offered in: the assessment machine's, so the page and the service agree."""
    return ASSESSMENT.steps[step].sources


STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="match",
            title="Check the possible match",
            form=forms.MatchForm,
            allowed=AssessmentRequest.OPEN,
            save=_match,
            shown=lambda case: case.match_status == "possible",
        ),
        Step(
            slug="decide-assess",
            title="Record the decision whether to assess",
            form=forms.DecisionForm,
            allowed=_from("decide_whether_to_assess"),
            save=_decide("assess"),
            form_kwargs=lambda case: {
                "recommendations": _recommendations(case),
                "question": "Will the council carry out an EHC needs assessment?",
                "kind": "assess",
            },
        ),
        Step(
            slug="ask-advice",
            title="Ask for advice",
            form=forms.AdviceRequestForm,
            allowed=_from("request_advice"),
            save=lambda user, case, d: services.request_advice(actor=user, request=case, **d) and "Advice requested",
        ),
        Step(
            slug="advice-received",
            title="Record advice received another way",
            form=forms.AdviceReceivedForm,
            allowed=_from("submit_advice"),
            save=_advice_received,
            form_kwargs=lambda case: {"advice_requests": case.advice_requests.filter(received_on__isnull=True)},
            shown=lambda case: case.advice_requests.filter(received_on__isnull=True).exists(),
        ),
        Step(
            slug="decide-issue",
            title="Record the decision whether to issue a plan",
            form=forms.DecisionForm,
            allowed=_from("decide_whether_to_issue"),
            save=_decide("issue"),
            form_kwargs=lambda case: {
                "recommendations": _recommendations(case),
                "question": "Will the council issue an EHC plan?",
                "kind": "issue",
            },
            shown=lambda case: not case.decisions.filter(kind="issue").exists(),
        ),
        Step(
            slug="draft",
            title="Send the draft plan",
            form=forms.DateForm,
            allowed=_from("send_draft_plan"),
            save=lambda user, case, d: (
                flows.send_draft_plan(actor=user, request=case, sent_on=d["on"]) and "Draft plan sent"
            ),
            shown=lambda case: case.decisions.filter(kind="issue", outcome=True).exists(),
        ),
        Step(
            slug="consult",
            title="Consult a school or college about being named",
            form=forms.SchoolForm,
            allowed=_from("consult_school"),
            save=lambda user, case, d: (
                services.consult_school(actor=user, request=case, establishment=by_urn(d["urn"]), sent_on=d["on"])
                and "Consultation sent"
            ),
        ),
        Step(
            slug="consultation-reply",
            title="Record a school or college's reply",
            form=forms.ConsultationResponseForm,
            allowed=_from("record_consultation_response"),
            save=_consultation_response,
            form_kwargs=lambda case: {
                "consultations": case.consultations.filter(response="").select_related("establishment")
            },
            shown=lambda case: case.consultations.filter(response="").exists(),
        ),
        Step(
            slug="representation",
            title="Record the family's response to the draft",
            form=forms.RepresentationForm,
            allowed=_from("record_representation"),
            save=_representation,
        ),
        Step(
            slug="final",
            title="Issue the final plan",
            form=forms.FinalPlanForm,
            allowed=_from("issue_final_plan"),
            save=lambda user, case, d: (
                flows.issue_final_plan(
                    actor=user,
                    request=case,
                    issued_on=d["on"],
                    establishment=by_urn(d["urn"]),
                    setting_type=d["setting_type"],
                )
                and "Final plan issued"
            ),
        ),
        Step(
            slug="exception",
            title="Record a permitted exception",
            form=forms.ExceptionForm,
            allowed=_from("record_exception"),
            save=lambda user, case, d: (
                services.record_exception(actor=user, request=case, **d) and "Exception recorded"
            ),
        ),
        Step(
            slug="withdraw",
            title="Withdraw the request",
            form=forms.WithdrawForm,
            allowed=_from("withdraw_request"),
            save=lambda user, case, d: (
                services.withdraw_request(actor=user, request=case, withdrawn_on=d["on"], reason=d["reason"])
                and "Request withdrawn"
            ),
        ),
    )
}


@requires("casework.manage")
def step(request, request_id: int, slug: str):
    case = _case(request, request_id, what="case.view_for_edit")
    back = reverse("case", args=[case.pk])
    return open_step(
        request,
        STEPS,
        slug,
        case,
        back=back,
        not_open="That step is not open for this request now",
        page=lambda spec: step_form_page(
            request,
            spec,
            case,
            done=back,
            template="casework/step.html",
            context={
                "case": case,
                "child": case.child,
                "comparison": _comparison(request.user, case) if slug == "match" else None,
            },
            prepare=_prepare_step_data,
        ),
    )


def _prepare_step_data(data: dict) -> None:
    if "outcome" in data and data.get("recommendation") is None:
        data["recommendation"] = None
