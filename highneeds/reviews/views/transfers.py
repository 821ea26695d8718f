"""Phase transfers: the transfer's page, its steps, and adding one to a child's plan."""

from __future__ import annotations

from django.shortcuts import render

from highneeds.engine.clock.machines import PHASE_TRANSFER
from highneeds.web.access import requires
from highneeds.web.steps import Step

from .. import flows, forms, queries, services
from ._common import MANAGE, _deadlines, _establishment, _may, _plan_step, _record_step

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
