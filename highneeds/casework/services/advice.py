"""Advice and consultation: asking advisers, recording and chasing their advice, consulting schools."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.letters import context as letter_context
from highneeds.letters.services import generate_letter
from highneeds.people import services as people
from highneeds.records import attachments
from highneeds.records import services as records
from highneeds.records.models import PROFESSIONALS

from .. import notify
from ..models import ADVISER_TYPES, AdviceRequest, AssessmentRequest, SchoolConsultation
from ..queries import is_giver
from ._common import _advice_fields, _due, _event, _refresh, _step

# The parts of a piece of advice (the plan's sections; plans.ADVICE_PARTS labels them) and the summary.
ADVICE_KEYS = ("text", "needs", "outcomes", "provision", "health_social_care")
ADVICE_MAX = 50_000

# ---------------------------------------------------------------------------------------------
# Advice and consultation


def _setting_of(child):
    """The child's current setting (the school's advice is asked of it), or None."""
    placement = (
        child.placements.filter(end_date__isnull=True).select_related("establishment").order_by("-start_date").first()
    )
    return placement.establishment if placement else None


@service
def request_advice(
    *, actor, request: AssessmentRequest, adviser_type: str, requested_on: date, adviser=None, adviser_name: str = ""
) -> AdviceRequest:
    """Ask for advice. The school's advice ("setting", reg 6(1)(b)) with no named professional is asked of the
    child's current setting, and its SENCOs give it through the portal."""
    require(actor, "casework.manage")
    _step(request, "request_advice")
    if adviser_type not in ADVISER_TYPES:
        raise ValidationError({"adviser_type": f"{adviser_type} is not a kind of advice"})
    if request.advice_requests.filter(adviser_type=adviser_type).exists():
        raise ValidationError({"adviser_type": "Advice of this kind has already been asked for"})
    if adviser is not None and adviser.role != "professional":
        raise ValidationError({"adviser": "Advice can only be asked of a professional's account"})
    setting = _setting_of(request.child) if adviser_type == "setting" and adviser is None else None
    _event(request, "advice_requested", requested_on, adviser=adviser_type)
    _refresh(request)
    advice = AdviceRequest.objects.create(
        request=request,
        adviser_type=adviser_type,
        adviser=adviser,
        establishment=setting,
        adviser_name=adviser_name or (adviser.get_full_name() if adviser else getattr(setting, "name", "")),
        requested_on=requested_on,
        due_on=_due(request).get(f"advice:{adviser_type}"),
    )
    if adviser is not None:
        people.grant_access(
            actor=actor,
            child=request.child,
            user=adviser,
            reason=f"Advice for {request.reference}",
            expires_on=date.today() + timedelta(days=365),
        )
    log.record(
        actor=actor,
        action="advice.request",
        obj=advice,
        child=request.child_id,
        after={
            "adviser_type": adviser_type,
            "adviser": getattr(adviser, "pk", None),
            "establishment": getattr(setting, "pk", None),
            "due_on": advice.due_on,
        },
    )
    generate_letter(
        actor=actor,
        code="advice_request",
        child=request.child,
        request=request,
        recipient=advice.adviser_name or advice.label,
        family_can_see=False,
        context=_advice_fields(advice),
    )
    notify.adviser(advice, f"Advice requested for an EHC needs assessment, due {advice.due_on:%-d %B %Y}")
    return advice


def _require_giver(actor, advice: AdviceRequest) -> None:
    require(actor, "casework.give_advice")
    if not is_giver(actor, advice):
        require(actor, "casework.manage")  # refused, and audited, for anyone else
    require(actor, "people.view_child", advice.request.child)  # a lapsed invitation or a pupil who has left


def _open_for_advice(advice: AdviceRequest) -> None:
    if advice.received_on:
        raise ValidationError({"__all__": "This advice has already been given"})
    if not advice.request.is_open:
        raise ValidationError({"__all__": "This request is closed, so advice can no longer be given online"})


def _clean_parts(parts: dict) -> dict[str, str]:
    cleaned = {k: str(parts.get(k) or "").strip() for k in ADVICE_KEYS}
    too_long = {k: f"Must be {ADVICE_MAX:,} characters or fewer" for k, v in cleaned.items() if len(v) > ADVICE_MAX}
    if too_long:
        raise ValidationError(too_long)
    return {k: v for k, v in cleaned.items() if v}


@service
def save_advice_draft(
    *, actor, advice: AdviceRequest, parts: dict, report: tuple[str, bytes] | None = None
) -> AdviceRequest:
    """Keep the adviser's unsent advice (and their report, held until they submit) to carry on later. The SEND
    team sees only that a draft exists."""
    _require_giver(actor, advice)
    _open_for_advice(advice)
    # Everything is checked before the record is touched, so a refused draft leaves the page as it was.
    draft = _clean_parts(parts)
    kind = attachments.checked_upload(report[0], report[1], field="report") if report is not None else None
    advice.draft, advice.draft_saved_at = draft, timezone.now()
    fields = ["draft", "draft_saved_at"]
    if report is not None:
        name, data = report
        old = advice.draft_report.name
        advice.draft_report.save(name, ContentFile(data), save=False)
        advice.draft_report_name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
        fields += ["draft_report", "draft_report_name"]
        if old:
            transaction.on_commit(lambda: advice.draft_report.storage.delete(old))
    advice.save(update_fields=fields)
    log.record(
        actor=actor,
        action="advice.save_draft",
        obj=advice,
        child=advice.request.child_id,
        after={
            "parts": sorted(advice.draft),
            "length": sum(map(len, advice.draft.values())),
            "report": kind.name if kind else None,
        },
    )
    return advice


def _file_report(actor, advice: AdviceRequest, report: tuple[str, bytes] | None) -> None:
    """File the adviser's report on the child's record (council and professionals) as they submit."""
    held = advice.draft_report.name
    if report is None and held:
        with advice.draft_report.open("rb") as handle:
            report = (advice.draft_report_name or "report.pdf", handle.read())
    if report is None:
        return
    try:
        advice.report = records.upload_document(
            actor=actor,
            child=advice.request.child,
            name=report[0],
            data=report[1],
            title=f"{advice.label} advice: report",
            category="report",
            audience=PROFESSIONALS,
            request=advice.request,
        )
    except ValidationError as exc:  # the file's problem belongs beside the report field
        raise ValidationError({"report": exc.messages}) from None
    if held:
        transaction.on_commit(lambda: advice.draft_report.storage.delete(held))
    advice.draft_report, advice.draft_report_name = "", ""


@service
def submit_advice(
    *,
    actor,
    advice: AdviceRequest,
    text: str,
    received_on: date | None = None,
    report: tuple[str, bytes] | None = None,
) -> AdviceRequest:
    """An adviser gives advice through the portal (or a caseworker records advice that came another way). The
    adviser's report (just chosen, or held with their draft) is filed on the child's record with it."""
    giver = is_giver(actor, advice)
    if giver:
        _require_giver(actor, advice)
    else:
        require(actor, "casework.manage")
    _step(advice.request, "submit_advice")
    if advice.received_on:
        raise ValidationError({"__all__": "This advice has already been given"})
    if not text.strip():
        raise ValidationError({"text": "Enter your advice"})
    received_on = received_on or date.today()
    _event(advice.request, "advice_received", received_on, adviser=advice.adviser_type)
    if giver:
        _file_report(actor, advice, report)
    elif advice.draft_report:  # advice that came another way: the adviser's unsent draft goes
        held = advice.draft_report.name
        transaction.on_commit(lambda: advice.draft_report.storage.delete(held))
        advice.draft_report, advice.draft_report_name = "", ""
    advice.draft = {}
    advice.advice, advice.received_on = text, received_on
    advice.save(update_fields=["advice", "received_on", "report", "draft", "draft_report", "draft_report_name"])
    _refresh(advice.request)
    log.record(
        actor=actor,
        action="advice.submit",
        obj=advice,
        child=advice.request.child_id,
        after={"received_on": received_on, "length": len(text), "report": advice.report_id},
    )
    return advice


@service
def consult_school(*, actor, request: AssessmentRequest, establishment, sent_on: date) -> SchoolConsultation:
    require(actor, "casework.manage")
    _step(request, "consult_school")
    key = str(establishment.urn or establishment.pk)
    _event(request, "school_consultation_sent", sent_on, urn=key)
    consultation = SchoolConsultation.objects.create(request=request, establishment=establishment, sent_on=sent_on)
    _refresh(request)
    log.record(
        actor=actor,
        action="request.consult_school",
        obj=consultation,
        child=request.child_id,
        after={"establishment": establishment.pk, "sent_on": sent_on},
    )
    generate_letter(
        actor=actor,
        code="school_consultation",
        child=request.child,
        request=request,
        recipient=establishment.name,
        family_can_see=False,
        context={
            **letter_context.base(request.child, establishment.name),
            "establishment": letter_context.establishment(establishment),
            "reply_by": _due(request).get(f"school_consultation:{key}"),
        },
    )
    return consultation


@service
def record_consultation_response(
    *, actor, consultation: SchoolConsultation, response_on: date, response: str, notes: str = ""
) -> SchoolConsultation:
    require(actor, "casework.manage")
    _step(consultation.request, "record_consultation_response")
    if response not in dict(SchoolConsultation.RESPONSES) or not response:
        raise ValidationError({"response": "Choose the school's reply"})
    key = str(consultation.establishment.urn or consultation.establishment.pk)
    _event(consultation.request, "school_consultation_response", response_on, urn=key)
    consultation.response_on, consultation.response, consultation.notes = response_on, response, notes
    consultation.save(update_fields=["response_on", "response", "notes"])
    _refresh(consultation.request)
    log.record(
        actor=actor,
        action="request.consultation_response",
        obj=consultation,
        child=consultation.request.child_id,
        after={"response": response, "response_on": response_on},
    )
    return consultation


@service
def chase_advice(*, actor, advice: AdviceRequest, on: date) -> AdviceRequest:
    """Send a reminder before the due date (the `send-chasers` command runs this daily)."""
    generate_letter(
        actor=actor,
        code="advice_chaser",
        child=advice.request.child,
        request=advice.request,
        recipient=advice.adviser_name or advice.label,
        family_can_see=False,
        context=_advice_fields(advice),
    )
    advice.chased_on = on
    advice.save(update_fields=["chased_on"])
    log.record(actor=actor, action="advice.chase", obj=advice, child=advice.request.child_id, after={"on": on})
    notify.adviser(advice, f"Reminder: advice due {advice.due_on:%-d %B %Y}")
    return advice
