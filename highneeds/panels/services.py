"""Writes for panels: every function is an audited, permission-checked service.

Adding a case to an agenda invites the panel's members to that child's record (a `CaseAccess` that expires
after the meeting, and ends at once on a conflict of interest or when the meeting is closed), so a panel member
sees only the children on their own agendas, and only while the panel needs them to.
The council's decision is not the panel's: `flows.record_council_decision` hands it to the casework services,
which keep it apart from the recommendation and refuse a departing decision without reasons.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone

from highneeds.accounts.roles import SYSTEM
from highneeds.accounts.rules import active_access_q
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.casework.models import AssessmentRequest
from highneeds.engine import identifiers
from highneeds.jobs.services import forget_files
from highneeds.people import services as people
from highneeds.people.models import CaseAccess

from . import queries
from .models import (
    AGENCIES,
    PANEL_TYPES,
    AgendaItem,
    ConflictOfInterest,
    Panel,
    PanelMeeting,
    PanelMember,
    Recommendation,
)


def _access_reason(item: AgendaItem) -> str:
    panel = item.meeting.panel
    return f"Panel {panel.pk} ({panel.name[:80]}): {item.request.reference}, meeting {item.meeting.meets_on:%-d %B %Y}"


def _access_prefix(panel: Panel) -> str:
    return f"Panel {panel.pk} ("


def _grant(actor, item: AgendaItem, member: PanelMember) -> CaseAccess | None:
    """Invite one member to the child's record for this agenda item (one invitation per item, so taking a case off
    one agenda leaves the invitation for another standing)."""
    user = member.user
    if queries.is_casework(user):  # casework staff see every child already
        return None
    expires_on = queries.access_ends(item.meeting)
    if expires_on < date.today():
        return None
    child = item.request.child
    reason = _access_reason(item)
    if child.access_grants.filter(active_access_q(), user=user, reason=reason).exists():
        return None
    return people.grant_access(actor=actor, child=child, user=user, reason=reason, expires_on=expires_on)


def _revoke(actor, grants) -> int:
    count = 0
    for grant in grants:
        people.revoke_access(actor=actor, grant=grant)
        count += 1
    return count


def _open_meeting(meeting: PanelMeeting) -> None:
    if meeting.closed:
        raise ValidationError({"__all__": "This meeting is closed: nothing more can be recorded for it"})


def _meeting_has_happened(meeting: PanelMeeting) -> None:
    if meeting.meets_on > date.today():
        raise ValidationError(
            {"__all__": f"The meeting is on {meeting.meets_on:%-d %B %Y}: record this on or after that day"}
        )


def _require_act(actor, meeting: PanelMeeting) -> None:
    require(actor, "panels.record_recommendation")
    if not queries.may_act(actor, meeting):
        raise PermissionDenied("panels.record_recommendation")


# ---------------------------------------------------------------------------------------------
# Panels and members


@service
def create_panel(
    *, actor, name: str, panel_type: str, quorum: int = 3, quorum_agencies: list[str] | None = None
) -> Panel:
    require(actor, "panels.manage")
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the panel's name"
    elif identifiers.hidden_character(name) is not None:
        errors["name"] = "Remove the hidden control or text-direction characters from the name"
    if panel_type not in PANEL_TYPES:
        errors["panel_type"] = "Choose what the panel decides"
    if not 1 <= int(quorum) <= 30:
        errors["quorum"] = "Quorum must be between 1 and 30 members"
    agencies = list(dict.fromkeys(quorum_agencies or []))
    if any(a not in AGENCIES for a in agencies):
        errors["quorum_agencies"] = "Choose agencies from the list"
    if errors:
        raise ValidationError(errors)
    panel = Panel.objects.create(name=name.strip(), panel_type=panel_type, quorum=quorum, quorum_agencies=agencies)
    log.record(
        actor=actor,
        action="panel.create",
        obj=panel,
        after={"name": panel.name, "panel_type": panel_type, "quorum": quorum, "quorum_agencies": agencies},
    )
    return panel


@service
def add_member(*, actor, panel: Panel, user, agency: str, is_chair: bool = False) -> PanelMember:
    """A member sits for an agency. Members must be able to see panel pages: panel members, caseworkers, managers.
    They are invited to the children on the agendas of this panel's current and coming meetings."""
    require(actor, "panels.manage")
    if agency not in AGENCIES:
        raise ValidationError({"agency": "Choose the agency the member represents"})
    if not (user.is_active and user.role in queries.MEMBER_ROLES):
        raise ValidationError({"user": "Only panel members, caseworkers and managers can sit on a panel"})
    existing = panel.members.filter(user=user).first()
    if existing and existing.is_active:
        raise ValidationError({"user": f"{user.get_full_name() or user.username} is already a member of this panel"})
    before = None
    if existing:  # a former member rejoins
        before = {"agency": existing.agency, "is_chair": existing.is_chair, "is_active": False}
        existing.agency, existing.is_chair, existing.is_active = agency, is_chair, True
        existing.save(update_fields=["agency", "is_chair", "is_active"])
        member = existing
    else:
        member = PanelMember.objects.create(panel=panel, user=user, agency=agency, is_chair=is_chair)
    log.record(
        actor=actor,
        action="panel.member.add",
        obj=member,
        before=before,
        after={"panel": panel.pk, "user": user.pk, "agency": agency, "is_chair": is_chair},
    )
    horizon = date.today() - timedelta(days=settings.PANEL_ACCESS_DAYS_AFTER_MEETING)
    items = AgendaItem.objects.filter(
        meeting__panel=panel,
        meeting__meets_on__gte=horizon,
        meeting__closed=False,
        request__status__in=AssessmentRequest.OPEN,
    ).select_related("meeting__panel", "request__child")
    for item in items:
        _grant(actor, item, member)
    return member


@service
def remove_member(*, actor, member: PanelMember) -> PanelMember:
    """Stand a member down. Their invitations to this panel's children end now; past records keep their name."""
    require(actor, "panels.manage")
    if not member.is_active:
        raise ValidationError({"__all__": "This person is no longer a member"})
    member.is_active = False
    member.save(update_fields=["is_active"])
    revoked = _revoke(
        actor,
        CaseAccess.objects.filter(active_access_q(), user=member.user, reason__startswith=_access_prefix(member.panel)),
    )
    log.record(
        actor=actor,
        action="panel.member.remove",
        obj=member,
        before={"is_active": True},
        after={"is_active": False, "access_revoked": revoked},
    )
    return member


# ---------------------------------------------------------------------------------------------
# Meetings and agendas


@service
def schedule_meeting(*, actor, panel: Panel, meets_on: date, location: str = "") -> PanelMeeting:
    require(actor, "panels.manage")
    if not panel.is_active:
        raise ValidationError({"__all__": "This panel no longer meets"})
    if meets_on is None:
        raise ValidationError({"meets_on": "Enter the date of the meeting"})
    meeting = PanelMeeting.objects.create(panel=panel, meets_on=meets_on, location=location.strip())
    log.record(
        actor=actor,
        action="panel.meeting.schedule",
        obj=meeting,
        after={"panel": panel.pk, "meets_on": meets_on, "location": meeting.location},
    )
    return meeting


@service
def add_to_agenda(*, actor, meeting: PanelMeeting, request: AssessmentRequest, summary: str = "") -> AgendaItem:
    """Put a case on the agenda and invite the panel's members to the child's record until some weeks after."""
    require(actor, "panels.manage")
    _open_meeting(meeting)
    panel = meeting.panel
    stages = queries.STAGES[panel.panel_type]
    if request.status not in stages:
        wanted = _or([dict(AssessmentRequest.STATUSES)[s].lower() for s in stages])
        raise ValidationError(
            {
                "request": f"{request.reference} is {request.get_status_display().lower()}: a "
                f"{panel.get_panel_type_display().lower()} panel considers requests that "
                f"are {wanted}"
            }
        )
    if meeting.items.filter(request=request).exists():
        raise ValidationError({"request": f"{request.reference} is already on this agenda"})
    position = (meeting.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, request=request, position=position, summary=summary.strip())
    log.record(
        actor=actor,
        action="panel.agenda.add",
        obj=item,
        child=request.child_id,
        after={"meeting": meeting.pk, "request": request.pk, "position": position},
    )
    for member in panel.members.filter(is_active=True).select_related("user"):
        _grant(actor, item, member)
    return item


@service
def remove_from_agenda(*, actor, item: AgendaItem) -> None:
    """Take a case off the agenda before the panel has recommended; the invitations made for it end."""
    require(actor, "panels.manage")
    _open_meeting(item.meeting)
    if queries.recommendation_of(item) is not None:
        raise ValidationError({"__all__": "The panel has made its recommendation on this case: it stays on the record"})
    revoked = _revoke(
        actor, CaseAccess.objects.filter(active_access_q(), child=item.request.child_id, reason=_access_reason(item))
    )
    log.record(
        actor=actor,
        action="panel.agenda.remove",
        obj=item,
        child=item.request.child_id,
        before={"meeting": item.meeting_id, "request": item.request_id},
        after={"access_revoked": revoked},
    )
    item.delete()


# ---------------------------------------------------------------------------------------------
# On the day


@service
def record_attendance(*, actor, meeting: PanelMeeting, present: list[PanelMember]) -> list[int]:
    _require_act(actor, meeting)
    _open_meeting(meeting)
    _meeting_has_happened(meeting)
    ids = sorted({m.pk for m in present})
    valid = set(meeting.panel.members.filter(is_active=True, pk__in=ids).values_list("pk", flat=True))
    if set(ids) - valid:
        raise ValidationError({"present": "Choose members of this panel"})
    before = sorted(meeting.present.values_list("pk", flat=True))
    meeting.present.set(ids)
    log.record(actor=actor, action="panel.attendance", obj=meeting, before={"present": before}, after={"present": ids})
    return ids


@service
def declare_conflict(*, actor, item: AgendaItem, member: PanelMember, note: str) -> ConflictOfInterest:
    """A member declares their own conflict; the chair or the clerk (casework staff) may record one for anyone."""
    meeting = item.meeting
    _require_act(actor, meeting)
    _open_meeting(meeting)
    if member.panel_id != meeting.panel_id or not member.is_active:
        raise ValidationError({"member": "Choose a member of this panel"})
    own = member.user_id == getattr(actor, "pk", None)
    chair = meeting.panel.members.filter(user_id=getattr(actor, "pk", None), is_active=True, is_chair=True).exists()
    if not (own or chair or queries.is_casework(actor) or getattr(actor, "is_system", False)):
        raise PermissionDenied("panels.record_recommendation")
    if not note.strip():
        raise ValidationError({"note": "Say what the conflict of interest is"})
    if queries.recommendation_of(item) is not None:
        raise ValidationError({"__all__": "The panel has already made its recommendation on this case"})
    if item.conflicts.filter(member=member).exists():
        raise ValidationError({"member": "This member has already declared a conflict on this case"})
    conflict = ConflictOfInterest.objects.create(item=item, member=member, note=note.strip()[:250])
    # A member with a conflict stops seeing the child's record (and this case in the pack) at once. The system
    # revokes it: the declaring member or chair may declare, but holds no power over invitations.
    revoked = _revoke(
        SYSTEM,
        CaseAccess.objects.filter(
            active_access_q(), user=member.user, child=item.request.child_id, reason=_access_reason(item)
        ),
    )
    log.record(
        actor=actor,
        action="panel.conflict.declare",
        obj=conflict,
        child=item.request.child_id,
        after={"item": item.pk, "member": member.pk, "note": conflict.note, "access_revoked": revoked},
    )
    return conflict


@service
def record_recommendation(*, actor, item: AgendaItem, outcome: str, reasons: str) -> Recommendation:
    """The panel's recommendation, refused unless the meeting is quorate for this item. The members who made it
    (present, active, without a conflict) are kept as they were on the day."""
    meeting = item.meeting
    panel = meeting.panel
    _require_act(actor, meeting)
    _open_meeting(meeting)
    _meeting_has_happened(meeting)
    if not queries.is_casework(actor) and not getattr(actor, "is_system", False):
        me = queries.membership(actor, panel)
        if me is None or not meeting.present.filter(pk=me.pk).exists() or item.conflicts.filter(member=me).exists():
            raise PermissionDenied("Only a member present without a conflict of interest can record the recommendation")
    errors = {}
    if outcome not in dict(panel.recommendation_choices):
        errors["outcome"] = "Choose the panel's recommendation"
    if not (reasons or "").strip():
        errors["reasons"] = "Give the panel's reasons"
    if errors:
        raise ValidationError(errors)
    if queries.recommendation_of(item) is not None:
        raise ValidationError({"__all__": "The panel has already made its recommendation on this case"})
    if item.request.status not in queries.STAGES[panel.panel_type]:
        raise ValidationError(
            {
                "__all__": f"{item.request.reference} is now "
                f"{item.request.get_status_display().lower()}: the panel's question has "
                f"been overtaken"
            }
        )
    quorum = queries.quorum_for(item)
    if not quorum.quorate:
        raise ValidationError({"__all__": f"The panel cannot recommend on this case. {quorum.explain()}."})
    recommendation = Recommendation.objects.create(
        item=item,
        outcome=outcome,
        reasons=reasons.strip(),
        quorate_members=quorum.member_ids,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    log.record(
        actor=actor,
        action="panel.recommendation",
        obj=recommendation,
        child=item.request.child_id,
        after={
            "item": item.pk,
            "outcome": outcome,
            "reasons": recommendation.reasons,
            "quorate_members": quorum.member_ids,
        },
    )
    return recommendation


@service
def close_meeting(*, actor, meeting: PanelMeeting) -> PanelMeeting:
    """Close the meeting's record: no more attendance, conflicts, recommendations or agenda changes."""
    require(actor, "panels.manage")
    _open_meeting(meeting)
    meeting.closed = True
    meeting.save(update_fields=["closed"])
    # The panel has done its work: members' invitations to these children end now, not at the end of the day.
    reasons = [_access_reason(item) for item in meeting.items.select_related("meeting__panel", "request")]
    revoked = _revoke(actor, CaseAccess.objects.filter(active_access_q(), reason__in=reasons))
    # Its kept packs name children: they go too (casework can still download a pack, made afresh).
    forget_files(actor=SYSTEM, prefix=f"panel-pack:{meeting.pk}:")
    log.record(
        actor=actor,
        action="panel.meeting.close",
        obj=meeting,
        before={"closed": False},
        after={"closed": True, "closed_at": timezone.now(), "access_revoked": revoked},
    )
    return meeting


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
