"""Reads for panels: who may see which panel and meeting, who may act in one, and quorum.

Casework staff (caseworkers and managers) see every panel; a panel member sees only the panels they
are an active member of. Nobody else sees any. Missing and not-yours get the same answer (403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from highneeds.accounts.roles import Role
from highneeds.casework.models import AssessmentRequest, Decision

from .models import AGENCIES, RECOMMENDS, AgendaItem, Panel, PanelMeeting, PanelMember, Recommendation

# Which open requests each kind of panel considers (AssessmentRequest.status).
STAGES = {
    "assess": ("pending",),
    "issue": ("assess",),
    "placement": ("assess", "draft"),
}
# What each kind of panel is asked, when the agenda item gives no summary of its own.
QUESTIONS = {
    "assess": "Whether the council should carry out an EHC needs assessment",
    "issue": "Whether the council should issue an EHC plan after the assessment",
    "placement": "The placement and funding to be named in the plan",
}
# The council's decision each kind of panel advises on (casework.Decision.kind); placement has none yet.
DECISION_KIND = {"assess": "assess", "issue": "issue"}
# Members of a panel need to see its pages, so only these roles can sit on one.
MEMBER_ROLES = (Role.PANEL_MEMBER, Role.CASEWORKER, Role.MANAGER)


def eligible_requests(panel: Panel) -> QuerySet:
    """Open requests at the stage this kind of panel considers, for the agenda search (managers only)."""

    return AssessmentRequest.objects.filter(status__in=STAGES[panel.panel_type]).select_related("child")


def is_casework(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in (Role.CASEWORKER, Role.MANAGER))


def visible_panels(user) -> QuerySet[Panel]:
    panels = Panel.objects.all()
    if not (user and user.is_authenticated and user.has_perm("panels.view")):
        return panels.none()
    if is_casework(user):
        return panels
    return panels.filter(members__user=user, members__is_active=True).distinct()


def visible_meetings(user) -> QuerySet[PanelMeeting]:
    return PanelMeeting.objects.filter(panel__in=visible_panels(user)).select_related("panel")


def get_panel(user, panel_id: int) -> Panel:
    panel = visible_panels(user).filter(pk=panel_id).first()
    if panel is None:
        raise PermissionDenied("panels.view")
    return panel


def get_meeting(user, meeting_id: int) -> PanelMeeting:
    meeting = visible_meetings(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise PermissionDenied("panels.view")
    return meeting


def get_item(user, item_id: int) -> AgendaItem:
    item = (
        AgendaItem.objects.select_related("meeting__panel", "request__child")
        .filter(pk=item_id, meeting__in=visible_meetings(user))
        .first()
    )
    if item is None:
        raise PermissionDenied("panels.view")
    return item


def membership(user, panel: Panel) -> PanelMember | None:
    if not getattr(user, "pk", None):
        return None
    return panel.members.filter(user_id=user.pk, is_active=True).select_related("user").first()


def may_act(user, meeting: PanelMeeting) -> bool:
    """Record attendance, conflicts and recommendations: casework staff (as clerk to the panel) or a member."""
    if getattr(user, "is_system", False):
        return True
    if not (user and user.is_authenticated and user.has_perm("panels.record_recommendation")):
        return False
    return is_casework(user) or membership(user, meeting.panel) is not None


def may_manage(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("panels.manage"))


@dataclass
class Quorum:
    """Whether a meeting is quorate for one agenda item, and why not."""

    required: int
    agencies_required: list[str]
    eligible: list[PanelMember] = field(default_factory=list)
    conflicted: list[PanelMember] = field(default_factory=list)

    @property
    def agencies_present(self) -> set[str]:
        return {m.agency for m in self.eligible}

    @property
    def missing_agencies(self) -> list[str]:
        return [a for a in self.agencies_required if a not in self.agencies_present]

    @property
    def quorate(self) -> bool:
        return len(self.eligible) >= self.required and not self.missing_agencies

    @property
    def member_ids(self) -> list[int]:
        return sorted(m.pk for m in self.eligible)

    def detail(self) -> str:
        """Why, in words, without the verdict (the page shows that as a tag)."""
        if self.quorate:
            return (
                f"{len(self.eligible)} members present without a conflict of interest (at least {self.required} needed)"
            )
        problems = []
        if len(self.eligible) < self.required:
            problems.append(
                f"{len(self.eligible)} of the {self.required} members needed are present without a conflict of interest"
            )
        if self.missing_agencies:
            names = [AGENCIES.get(a, a).lower() for a in self.missing_agencies]
            problems.append(f"no one from {_and(names)} is present without a conflict")
        return "; ".join(problems).capitalize()

    def explain(self) -> str:
        return ("Quorate: " if self.quorate else "Not quorate: ") + self.detail()[0].lower() + self.detail()[1:]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def quorum_for(item: AgendaItem, present: list[PanelMember] | None = None) -> Quorum:
    """Members present, active and without a conflict on this item, against the panel's rule."""
    panel = item.meeting.panel
    if present is None:
        present = list(item.meeting.present.select_related("user").filter(is_active=True, panel=panel))
    conflicted_ids = set(item.conflicts.values_list("member_id", flat=True))
    quorum = Quorum(required=panel.quorum, agencies_required=list(panel.quorum_agencies or []))
    for member in present:
        if not member.is_active or member.panel_id != panel.pk:
            continue
        (quorum.conflicted if member.pk in conflicted_ids else quorum.eligible).append(member)
    return quorum


def decision_for(item: AgendaItem):
    """The council's decision on this item's question: the one linked to its recommendation, else the request's
    decision of that kind made on or after the meeting. None for placement panels or while undecided."""

    kind = DECISION_KIND.get(item.meeting.panel.panel_type)
    if kind is None:
        return None
    recommendation = getattr(item, "recommendation", None) if _has_recommendation(item) else None
    if recommendation is not None:
        linked = Decision.objects.filter(recommendation=recommendation).first()
        if linked:
            return linked
    return Decision.objects.filter(request_id=item.request_id, kind=kind, decided_on__gte=item.meeting.meets_on).first()


def _has_recommendation(item: AgendaItem) -> bool:

    try:
        return item.recommendation is not None
    except Recommendation.DoesNotExist:
        return False


def recommendation_of(item: AgendaItem):
    return item.recommendation if _has_recommendation(item) else None


def departs(recommendation, decision) -> bool | None:
    """True when the council decided otherwise than the panel recommended; None when they cannot be compared."""
    if recommendation is None or decision is None:
        return None
    recommended = RECOMMENDS.get(recommendation.outcome)
    return None if recommended is None else recommended != decision.outcome


def access_ends(meeting: PanelMeeting) -> date:
    """The last day a member may open the records of the children on a meeting's agenda: the meeting day, plus
    settings.PANEL_ACCESS_DAYS_AFTER_MEETING (default 0). Closing the meeting, or declaring a conflict of interest
    on a case, ends it at once (panels.services)."""
    return meeting.meets_on + timedelta(days=settings.PANEL_ACCESS_DAYS_AFTER_MEETING)
