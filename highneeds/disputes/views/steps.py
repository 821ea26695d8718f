"""The steps of each kind of record (notice, appeal, order, complaint, cessation), one table each, and the view
that shows and saves a step's form."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404
from django.urls import reverse

from highneeds.engine.clock.machines import APPEAL, CESSATION, MEDIATION, NEW
from highneeds.establishments.queries import by_urn
from highneeds.people.models import Child
from highneeds.web.access import requires
from highneeds.web.steps import Step, open_step, step_form_page

from .. import flows, forms, queries, services
from ..models import Appeal, Cessation, Complaint, DecisionNotice, TribunalOrder
from ._common import _child

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
            save=lambda u, c, d: flows.apply_cessation(actor=u, cessation=c, **d) and "The plan has ceased",
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
        if obj is None:
            raise Http404("not found")
        child = _child(request, child_of(obj), what="dispute.view_for_edit")
        return open_step(
            request,
            steps,
            slug,
            obj,
            back=reverse("disputes:child", args=[child.pk]),
            not_open="That step is not open now",
            page=lambda spec: _run_step(request, spec, obj, child, caption(obj)),
        )

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
