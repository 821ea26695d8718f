"""After the synthetic council is loaded: bring each open case's statutory clock up to date and set up
a multi-agency panel with a meeting next week, so the work queue and the panel pages have something
real to show."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module

from django.db.models import Q

from highneeds.accounts.models import User
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.casework import services as casework
from highneeds.casework.models import AssessmentRequest
from highneeds.panels import services as panels
from highneeds.panels.models import Panel
from highneeds.reviews import services as reviews
from highneeds.reviews.models import AnnualReview

PANEL_NAME = "Decision to assess panel"


# Each domain app may add its own demo records in `highneeds/<app>/demo.py`:
# `prepare(actor, progress=None) -> dict[str, int]`, run in this order after the casework clocks.
DEMO_APPS = ("casework", "plans", "reviews", "disputes", "planning", "funding", "portal", "records")


# Closed requests need their clock's answer too: the DfE timeliness page reads it for the last three
# calendar years (a plan issued in January of the first one may have been asked for the year before).
TIMELINESS_YEARS = 4


def prepare(actor, progress=None) -> dict[str, int]:
    since = date(date.today().year - TIMELINESS_YEARS, 1, 1)
    counts = casework.recalculate_clocks(
        actor=actor,
        requests=AssessmentRequest.objects.filter(Q(status__in=AssessmentRequest.OPEN) | Q(received_on__gte=since)),
        progress=progress,
    )
    counts.update(_prepare_panel(actor))
    for app in DEMO_APPS:
        try:
            module = import_module(f"highneeds.{app}.demo")
        except ModuleNotFoundError as missing:
            if missing.name != f"highneeds.{app}.demo":
                raise
            continue
        counts.update(prepare_app(actor=actor, module=module, progress=progress))
    counts.update(_prepare_school(actor))
    return counts


@service
def prepare_app(*, actor, module, progress=None) -> dict[str, int]:
    """The one audited bulk load for an app's demo records: `module.prepare` may bulk-insert (too many rows
    for a service call each), so it runs only inside this service, all or nothing, with one audit event."""
    require(actor, "people.import_children")
    counts = module.prepare(actor, progress=progress)
    log.record(actor=actor, action="demo.prepare", after={"app": module.__name__, **counts})
    return counts


def _prepare_panel(actor) -> dict[str, int]:
    counts: dict[str, int] = {}
    if Panel.objects.filter(name=PANEL_NAME).exists():
        return counts
    members = {u.username: u for u in User.objects.filter(username__in=["panel", "manager", "caseworker"])}
    if len(members) < 3:
        return counts
    panel = panels.create_panel(
        actor=actor, name=PANEL_NAME, panel_type="assess", quorum=3, quorum_agencies=["education", "health"]
    )
    panels.add_member(actor=actor, panel=panel, user=members["manager"], agency="education", is_chair=True)
    panels.add_member(actor=actor, panel=panel, user=members["panel"], agency="health")
    panels.add_member(actor=actor, panel=panel, user=members["caseworker"], agency="social_care")
    meeting = panels.schedule_meeting(
        actor=actor, panel=panel, meets_on=date.today() + timedelta(days=7), location="Council offices, room 2"
    )
    waiting = AssessmentRequest.objects.filter(status="pending").order_by("next_due", "received_on")[:5]
    for request in waiting:
        panels.add_to_agenda(
            actor=actor,
            meeting=meeting,
            request=request,
            summary="Should the council carry out an EHC needs assessment?",
        )
    counts["agenda"] = len(waiting)
    return counts


def _prepare_school(actor) -> dict[str, int]:
    """Something for the demo SENCO to do beside the reviews due: a review whose meeting took place last week (the
    school's report to write and submit). No request or advice is added here: the demo's requests and case events
    are checked against the generated arrays (tests/demo)."""
    senco = User.objects.filter(username="senco", establishment__isnull=False).select_related("establishment").first()
    if senco is None:
        return {}
    today, counts = date.today(), {}
    mine = AnnualReview.objects.filter(establishment=senco.establishment)
    if mine.filter(stage="arranged", meeting_on__lt=today).exists():  # done already
        return counts
    review = mine.filter(stage="due", due_on__gte=today).order_by("due_on").first()
    if review:
        meeting = today - timedelta(days=5)
        invitees = [{"role": r, "name": ""} for r in ("parent", "setting", "la_officer", "health", "social_care")]
        reviews.arrange_meeting(
            actor=actor, review=review, meeting_on=meeting, arranged_on=meeting - timedelta(days=28), invitees=invitees
        )
        reviews.send_invitations(actor=actor, review=review, sent_on=meeting - timedelta(days=21))
        counts["school_reports_to_write"] = 1
    return counts
