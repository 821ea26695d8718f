"""Disagreements pages: the overview of what is due, a child's disagreements, and a form per step.

Every step is a row in a table (as on the casework case page): the child page lists the steps open
for each record, and one view per kind of record shows and saves the step's form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from highneeds.engine.clock.machines import APPEAL, CESSATION, MEDIATION, NEW
from highneeds.establishments.queries import by_urn
from highneeds.letters import recipients
from highneeds.letters.models import Letter
from highneeds.people.models import Child
from highneeds.people.queries import ChildSearch, open_child_record, search_children
from highneeds.plans.queries import current_plan
from highneeds.web.access import requires
from highneeds.web.forms import add_errors
from highneeds.web.steps import Step, step_form_page

from . import clock, forms, queries, services
from .models import Appeal, Cessation, Complaint, DecisionNotice, DisputeSettings, TribunalOrder
from .plain import STATUS_TEXT, status_tag, step_label


def _child(request, child_id: int, what: str = "dispute.view") -> Child:
    if not Child.objects.filter(pk=child_id).exists():
        raise Http404("child")
    try:
        return open_child_record(request.user, child_id, what=what)
    except PermissionDenied:
        raise Http404("child") from None


@requires("disputes.view")
def overview(request):
    today = date.today()
    name = request.GET.get("name", "").strip()[:100]
    found = list(search_children(request.user, ChildSearch(name=name))[:20]) if name else None
    return render(
        request,
        "disputes/overview.html",
        {"page_title": "Disagreements", "name": name, "found": found, **queries.overview(today)},
    )


@requires("disputes.view")
def child_page(request, child_id: int):
    child = _child(request, child_id)
    found = queries.child_disputes(child)
    plan = current_plan(child)
    return render(
        request,
        "disputes/child.html",
        {
            "page_title": f"{child.full_name}: disagreements",
            "child": child,
            "plan": plan,
            **found,
            "notice_rows": [_notice_row(n) for n in found["notices"]],
            "cessation_rows": [
                (c, queries.cessation_effective(c), _actions(CESSATION_STEPS, c)) for c in found["cessations"]
            ],
            "complaint_rows": [(c, _actions(COMPLAINT_STEPS, c)) for c in found["complaints"]],
            "appeal_actions": {a.pk: _actions(APPEAL_STEPS, a) for a in found["appeals"]},
            "letters": list(child.letters.filter(template_code__startswith="cessation_")),
            "can_start_cessation": plan is not None
            and plan.status == "final"
            and not any(c.is_open for c in found["cessations"] if c.plan_id == plan.pk),
            "today": date.today(),
        },
    )


def _notice_row(notice: DecisionNotice) -> dict:
    # Statuses move from due to overdue as days pass: ask the clock afresh rather than show the cached answer.
    try:
        clock.apply_result(notice, clock.run_clock(notice))
    except ValidationError:
        pass  # keep the last answer the clock gave when the record was saved
    return {
        "notice": notice,
        "mediation": getattr(notice, "mediation", None),
        "contact_by": queries.adviser_contact_by(notice),
        "deadlines": [
            {
                **d,
                "label": step_label(d["step"]),
                "tag": status_tag(d["status"]),
                "status_text": STATUS_TEXT.get(d["status"], d["status"]),
            }
            for d in notice.deadlines
        ],
        "actions": _actions(NOTICE_STEPS, notice),
        "icbs_by": queries.icbs_told_by(notice.mediation) if getattr(notice, "mediation", None) else None,
    }


@requires("disputes.view")
def letter(request, child_id: int, letter_id: int):
    child = _child(request, child_id, what="dispute.view_letter")
    found = get_object_or_404(Letter, pk=letter_id, child=child, template_code__startswith="cessation_")
    return render(
        request,
        "disputes/letter.html",
        {"page_title": found.subject, "child": child, "letter": found, "recipients": recipients.for_page(child)},
    )


# ---------------------------------------------------------------------------------------------
# Steps


def _actions(steps: dict, obj) -> list[Step]:
    return [s for s in steps.values() if s.shown(obj)]


def _stage(notice) -> str | None:
    mediation = getattr(notice, "mediation", None)
    return mediation.stage if mediation else None


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _mediation_may(notice, step: str) -> bool:
    """Whether the page offers a step: the mediation's state machine decides, as the service does."""
    return (_stage(notice) or NEW) in MEDIATION.steps[step].sources


def _cessation_may(cessation, step: str) -> bool:
    return cessation.status in CESSATION.steps[step].sources


def _appeal_may(appeal, step: str) -> bool:
    return queries.appeal_state(appeal) in APPEAL.steps[step].sources


NOTICE_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="contact",
            title="Record the family's contact with the mediation adviser",
            form=forms.ContactForm,
            save=lambda u, n, d: services.record_adviser_contact(actor=u, notice=n, **d) and "Contact recorded",
            shown=lambda n: _mediation_may(n, "record_adviser_contact"),
        ),
        Step(
            slug="declined",
            title="Record that the family do not want mediation",
            form=forms.DeclinedForm,
            save=lambda u, n, d: (
                services.record_mediation_declined(actor=u, notice=n, **d) and "Recorded: mediation declined"
            ),
            shown=lambda n: _mediation_may(n, "record_mediation_declined"),
        ),
        Step(
            slug="requested",
            title="Record the family's request for mediation",
            form=forms.MediationRequestForm,
            save=lambda u, n, d: (
                services.record_mediation_request(actor=u, notice=n, **d) and "Request for mediation recorded"
            ),
            shown=lambda n: _mediation_may(n, "record_mediation_request"),
        ),
        Step(
            slug="icbs",
            title="Record that each ICB was told",
            form=forms.IcbForm,
            save=lambda u, n, d: services.record_icbs_told(actor=u, notice=n, **d) and "Recorded",
            shown=lambda n: (
                _mediation_may(n, "record_icbs_told") and n.mediation.health_only and not n.mediation.icbs_told_on
            ),
        ),
        Step(
            slug="arranged",
            title="Record that mediation is arranged",
            form=forms.ArrangedForm,
            save=lambda u, n, d: services.record_mediation_arranged(actor=u, notice=n, **d) and "Mediation arranged",
            shown=lambda n: _mediation_may(n, "record_mediation_arranged"),
        ),
        Step(
            slug="held",
            title="Record the mediation's outcome",
            form=forms.HeldForm,
            save=lambda u, n, d: (
                services.record_mediation_held(actor=u, notice=n, **d) and "Mediation outcome recorded"
            ),
            shown=lambda n: _mediation_may(n, "record_mediation_held"),
        ),
        Step(
            slug="certificate",
            title="Record the mediation certificate",
            form=forms.CertificateForm,
            save=lambda u, n, d: services.record_certificate(actor=u, notice=n, **d) and "Certificate recorded",
            shown=lambda n: _mediation_may(n, "record_certificate"),
        ),
        Step(
            slug="appeal",
            title="Record an appeal to the tribunal",
            form=forms.AppealForm,
            save=lambda u, n, d: services.lodge_appeal(actor=u, notice=n, **d) and "Appeal recorded",
            shown=lambda n: not any(not a.decided for a in n.appeals.all()),
            form_kwargs=lambda n: {"notice": n},
        ),
    )
}


def _order(u, a, d):
    services.add_order(actor=u, appeal=a, **d)
    return "Order recorded"


APPEAL_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="response",
            title="Record the council's response to the appeal",
            form=forms.ResponseForm,
            save=lambda u, a, d: services.record_appeal_response(actor=u, appeal=a, **d) and "Response recorded",
            shown=lambda a: _appeal_may(a, "record_appeal_response") and not a.response_sent_on,
        ),
        Step(
            slug="hearing",
            title="Record the hearing date",
            form=forms.HearingForm,
            save=lambda u, a, d: services.set_hearing(actor=u, appeal=a, **d) and "Hearing date recorded",
            shown=lambda a: _appeal_may(a, "set_hearing"),
        ),
        Step(
            slug="outcome",
            title="Record the appeal's outcome",
            form=forms.OutcomeForm,
            save=lambda u, a, d: services.record_appeal_outcome(actor=u, appeal=a, **d) and "Outcome recorded",
            shown=lambda a: _appeal_may(a, "record_appeal_outcome"),
        ),
        Step(
            slug="order",
            title="Record an order",
            form=forms.OrderForm,
            save=_order,
            shown=lambda a: _appeal_may(a, "add_order"),
        ),
    )
}

ORDER_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="comply",
            title="Record compliance with the order",
            form=forms.ComplianceForm,
            save=lambda u, o, d: services.record_compliance(actor=u, order=o, **d) and "Compliance recorded",
            shown=lambda o: not o.complied_on,
        ),
    )
}

COMPLAINT_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="respond",
            title="Record the response",
            form=forms.ComplaintResponseForm,
            save=lambda u, c, d: services.record_complaint_response(actor=u, complaint=c, **d) and "Response recorded",
            shown=lambda c: not c.responded_on,
        ),
        Step(
            slug="escalate",
            title="Record escalation to the next stage",
            form=forms.EscalateForm,
            save=lambda u, c, d: services.escalate_complaint(actor=u, complaint=c, **d) and "Next stage recorded",
            shown=lambda c: c.stage != "ombudsman" and not hasattr(c, "escalated_to"),
        ),
    )
}


def _consult(u, c, d):
    services.record_cessation_consultation(
        actor=u, cessation=c, who=d["who"], consulted_on=d["consulted_on"], setting=by_urn(d["urn"])
    )
    return "Consultation recorded"


def _decide(u, c, d):
    services.decide_cessation(
        actor=u,
        cessation=c,
        decided_on=d["decided_on"],
        cease=d["outcome"] == "yes",
        reasons=d["reasons"],
        takes_effect_on=d["takes_effect_on"],
        outcomes_achieved=_yes_no(d["outcomes_achieved"]),
    )
    return "Decision recorded"


CESSATION_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="consult",
            title="Record a consultation",
            form=forms.ConsultForm,
            save=_consult,
            shown=lambda c: _cessation_may(c, "record_cessation_consultation"),
        ),
        Step(
            slug="response",
            title="Record a response to the consultation",
            form=forms.ConsultResponseForm,
            save=lambda u, c, d: services.record_cessation_response(actor=u, cessation=c, **d) and "Response recorded",
            shown=lambda c: (
                _cessation_may(c, "record_cessation_response") and bool(c.family_consulted_on or c.setting_consulted_on)
            ),
        ),
        Step(
            slug="decide",
            title="Record the decision",
            form=forms.CessationDecisionForm,
            save=_decide,
            shown=lambda c: _cessation_may(c, "decide_cessation") and bool(c.family_consulted_on),
        ),
        Step(
            slug="no-appeal",
            title="Record that the family will not appeal",
            form=forms.NoAppealForm,
            save=lambda u, c, d: services.confirm_no_appeal(actor=u, cessation=c, **d) and "Recorded",
            shown=lambda c: _cessation_may(c, "confirm_no_appeal") and not c.no_appeal_confirmed_on,
        ),
        Step(
            slug="apply",
            title="Cease the plan now",
            form=forms.ApplyForm,
            save=lambda u, c, d: services.apply_cessation(actor=u, cessation=c, **d) and "The plan has ceased",
            shown=lambda c: _cessation_may(c, "apply_cessation"),
        ),
        Step(
            slug="withdraw",
            title="Withdraw the cessation",
            form=forms.WithdrawForm,
            save=lambda u, c, d: services.withdraw_cessation(actor=u, cessation=c, **d) and "Cessation withdrawn",
            shown=lambda c: _cessation_may(c, "withdraw_cessation"),
        ),
    )
}


def _run_step(request, spec: Step, obj, child: Child, caption: str):
    return step_form_page(
        request,
        spec,
        obj,
        done=reverse("disputes:child", args=[child.pk]),
        template="disputes/step.html",
        context={"child": child, "caption": caption},
    )


def _step_view(model, steps: dict, child_of: Callable, caption: Callable, related=()):
    @requires("disputes.manage")
    def view(request, pk: int, slug: str):
        obj = model.objects.select_related(*related).filter(pk=pk).first()
        spec = steps.get(slug)
        if obj is None or spec is None:
            raise Http404("not found")
        child = _child(request, child_of(obj), what="dispute.view_for_edit")
        if not spec.shown(obj):
            messages.success(request, "That step is not open now")
            return redirect("disputes:child", child.pk)
        return _run_step(request, spec, obj, child, caption(obj))

    return view


notice_step = _step_view(DecisionNotice, NOTICE_STEPS, lambda n: n.child_id, str, related=("mediation",))
appeal_step = _step_view(
    Appeal,
    APPEAL_STEPS,
    lambda a: a.child_id,
    lambda a: f"Appeal {a.tribunal_reference or ''} against {a.notice}".replace("  ", " "),
    related=("notice",),
)
order_step = _step_view(
    TribunalOrder, ORDER_STEPS, lambda o: o.appeal.child_id, lambda o: o.get_kind_display(), related=("appeal",)
)
complaint_step = _step_view(
    Complaint,
    COMPLAINT_STEPS,
    lambda c: c.child_id,
    lambda c: f"{c.get_stage_display()} complaint, received {c.received_on:%-d %B %Y}",
)
cessation_step = _step_view(
    Cessation,
    CESSATION_STEPS,
    lambda c: c.child_id,
    lambda c: f"Cessation proposed {c.proposed_on:%-d %B %Y}",
    related=("notice", "plan"),
)


# ---------------------------------------------------------------------------------------------
# New records on a child


def _new(request, child_id: int, title: str, form_class, save: Callable, **form_kwargs):
    child = _child(request, child_id, what="dispute.view_for_edit")
    spec = Step(slug="new", title=title, form=form_class, save=save, form_kwargs=lambda _: form_kwargs)
    return _run_step(request, spec, child, child, child.full_name)


@requires("disputes.manage")
def new_notice(request, child_id: int):
    def save(u, child, d):
        letter_id = d.pop("letter", None)
        letter = Letter.objects.filter(pk=letter_id, child=child).first() if letter_id else None
        services.record_decision_notice(actor=u, child=child, letter=letter, **d)
        return "Decision notice recorded"

    letters = Letter.objects.filter(child_id=child_id, family_can_see=True).order_by("-created_at")[:50]
    return _new(
        request, child_id, "Record a notice of an appealable decision", forms.NoticeForm, save, letters=list(letters)
    )


@requires("disputes.manage")
def new_complaint(request, child_id: int):
    return _new(
        request,
        child_id,
        "Record a complaint or Ombudsman case",
        forms.ComplaintForm,
        lambda u, child, d: services.record_complaint(actor=u, child=child, **d) and "Complaint recorded",
    )


@requires("disputes.manage")
def new_cessation(request, child_id: int):
    def save(u, child, d):
        plan = current_plan(child)
        if plan is None:
            raise ValidationError({"__all__": f"{child.full_name} has no plan in force"})
        services.start_cessation(actor=u, plan=plan, **d)
        return "Cessation proposed: consult the family and the setting next"

    return _new(request, child_id, "Propose to cease the plan", forms.CessationForm, save)


@requires("disputes.manage")
def settings_page(request):
    current = DisputeSettings.current()
    form = forms.SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(actor=request.user, values=form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Settings saved")
            return redirect("disputes:overview")
    return render(request, "disputes/settings.html", {"page_title": "Disagreement time limits", "form": form})
