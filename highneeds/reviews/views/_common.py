"""What the review pages share: plain labels, deadlines, and the step-page helpers every record's steps use."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.urls import NoReverseMatch, reverse

from highneeds.casework.plain import STEP_LABELS, status_tag
from highneeds.establishments.queries import by_urn
from highneeds.web.steps import open_step, step_form_page

from .. import queries

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


def _yes_no_initial(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def _may(machine, step: str, record) -> bool:
    """Whether the page offers a step: the process's state machine decides, as the service does."""
    return record.stage in machine.steps[step].sources


def _step_page(request, record, spec, back: str, context: dict):
    return step_form_page(
        request, spec, record, done=back, template="reviews/step.html", context={"back": back, **context}
    )


def _record_step(request, record, steps: dict, slug: str, page: str, not_open: str, context: dict):
    """Step `slug` of a review, transfer or reassessment (web.steps.open_step), back to the record's `page`."""
    back = reverse(page, args=[record.pk])
    return open_step(
        request,
        steps,
        slug,
        record,
        back=back,
        not_open=not_open,
        page=lambda spec: _step_page(request, record, spec, back, context),
    )


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
