"""Panel services: agendas by stage, access for members, quorum with conflicts and agencies, recommendations,
and the council's decision kept apart, with reasons when it departs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.casework.models import Decision
from highneeds.panels import flows as panel_flows
from highneeds.panels import queries
from highneeds.panels import services as ps
from highneeds.panels.models import Recommendation
from highneeds.panels.queries import access_ends


def present(world, *agencies):
    members = [world.members[a] for a in agencies]
    ps.record_attendance(actor=world.manager, meeting=world.meeting, present=members)
    return members


def test_only_managers_set_up_panels(world, make_user):
    for role in ("caseworker", "panel_member", "parent", "strategic_lead"):
        with pytest.raises(PermissionDenied):
            ps.create_panel(actor=make_user(role), name="X", panel_type="assess")
    with pytest.raises(PermissionDenied):
        ps.schedule_meeting(actor=world.caseworker, panel=world.panel, meets_on=date.today())


def test_panel_set_up_is_validated_and_audited(world, make_user):
    with pytest.raises(ValidationError) as exc:
        ps.create_panel(actor=world.manager, name=" ", panel_type="nonsense", quorum=0, quorum_agencies=["police"])
    assert set(exc.value.message_dict) == {"name", "panel_type", "quorum", "quorum_agencies"}
    with pytest.raises(ValidationError, match="Only panel members, caseworkers and managers"):
        ps.add_member(actor=world.manager, panel=world.panel, user=make_user("parent"), agency="education")
    with pytest.raises(ValidationError, match="already a member"):
        ps.add_member(actor=world.manager, panel=world.panel, user=world.members["health"].user, agency="health")
    assert AuditEvent.objects.filter(action="panel.create", object_id=str(world.panel.pk)).exists()
    assert AuditEvent.objects.filter(action="panel.member.add").count() == 4


@pytest.mark.parametrize(
    "panel_type,status,allowed",
    [
        ("assess", "pending", True),
        ("assess", "assess", False),
        ("issue", "assess", True),
        ("issue", "pending", False),
        ("placement", "assess", True),
        ("placement", "draft", True),
        ("placement", "pending", False),
        ("placement", "plan_issued", False),
    ],
)
def test_agenda_takes_open_requests_at_the_panel_stage(world, panel_type, status, allowed):
    panel = ps.create_panel(actor=world.manager, name=f"{panel_type} panel", panel_type=panel_type, quorum=1)
    meeting = ps.schedule_meeting(actor=world.manager, panel=panel, meets_on=date.today())
    type(world.request).objects.filter(pk=world.request.pk).update(status=status)
    world.request.refresh_from_db()
    if allowed:
        assert ps.add_to_agenda(actor=world.manager, meeting=meeting, request=world.request).position == 1
    else:
        with pytest.raises(ValidationError, match="panel considers requests"):
            ps.add_to_agenda(actor=world.manager, meeting=meeting, request=world.request)


def test_a_case_goes_on_an_agenda_once(world, on_agenda):
    with pytest.raises(ValidationError, match="already on this agenda"):
        ps.add_to_agenda(actor=world.manager, meeting=world.meeting, request=world.request)


def test_agenda_invites_members_to_the_child_until_weeks_after_the_meeting(world, make_user, make_child):
    other_child = make_child(first_name="Other")
    member_user = world.members["health"].user
    assert not member_user.has_perm("people.view_child", world.child)
    item = ps.add_to_agenda(actor=world.manager, meeting=world.meeting, request=world.request)
    assert member_user.has_perm("people.view_child", world.child)
    assert not member_user.has_perm("people.view_child", other_child)
    grant = world.child.access_grants.get(user=member_user)
    assert grant.expires_on == access_ends(world.meeting)
    assert item.request.reference in grant.reason
    assert AuditEvent.objects.filter(action="child.access.grant", child_id=world.child.pk).count() == 4
    # A member who joins later is invited to the cases already on the agenda.
    late = make_user("panel_member")
    ps.add_member(actor=world.manager, panel=world.panel, user=late, agency="other")
    assert late.has_perm("people.view_child", world.child)
    # A member who stands down loses it; taking the case off the agenda ends the others' invitations.
    ps.remove_member(actor=world.manager, member=world.members["health"])
    assert not member_user.has_perm("people.view_child", world.child)
    ps.remove_from_agenda(actor=world.manager, item=item)
    assert not world.members["education"].user.has_perm("people.view_child", world.child)


def test_quorum_counts_present_active_members_without_a_conflict(world, on_agenda):
    present(world, "education", "health", "social_care")
    assert queries.quorum_for(on_agenda).quorate
    ps.declare_conflict(
        actor=world.members["social_care"].user,
        item=on_agenda,
        member=world.members["social_care"],
        note="Knows the family",
    )
    quorum = queries.quorum_for(on_agenda)
    assert not quorum.quorate and len(quorum.eligible) == 2 and quorum.conflicted == [world.members["social_care"]]
    assert "2 of the 3 members needed" in quorum.explain()


def test_quorum_needs_every_required_agency(world, on_agenda):
    present(world, "education", "social_care", "parent_carer_forum")
    quorum = queries.quorum_for(on_agenda)
    assert not quorum.quorate and quorum.missing_agencies == ["health"]
    assert "no one from health" in quorum.explain()
    # Health is there but conflicted: still missing.
    present(world, "education", "health", "social_care", "parent_carer_forum")
    ps.declare_conflict(actor=world.manager, item=on_agenda, member=world.members["health"], note="Treats the child")
    assert queries.quorum_for(on_agenda).missing_agencies == ["health"]


def test_recommendation_refused_when_not_quorate(world, on_agenda):
    present(world, "education", "health")
    with pytest.raises(ValidationError, match="Not quorate"):
        ps.record_recommendation(
            actor=world.members["education"].user,
            item=on_agenda,
            outcome="not_assess",
            reasons="Needs can be met at SEN support",
        )
    assert not Recommendation.objects.exists()


def test_recommendation_keeps_the_quorate_members_and_is_audited(world, on_agenda):
    members = present(world, "education", "health", "social_care", "parent_carer_forum")
    ps.declare_conflict(
        actor=world.members["parent_carer_forum"].user,
        item=on_agenda,
        member=world.members["parent_carer_forum"],
        note="Same support group as the parent",
    )
    rec = ps.record_recommendation(
        actor=world.members["education"].user,
        item=on_agenda,
        outcome="not_assess",
        reasons="Needs can be met at SEN support",
    )
    assert rec.quorate_members == sorted(m.pk for m in members[:3])
    assert rec.get_outcome_label() == "Do not assess"
    event = AuditEvent.objects.get(action="panel.recommendation")
    assert event.child_id == world.child.pk and event.after["outcome"] == "not_assess"
    with pytest.raises(ValidationError, match="already made its recommendation"):
        ps.record_recommendation(actor=world.manager, item=on_agenda, outcome="assess", reasons="Again")


def test_recommendation_choices_follow_the_panel_type(world, on_agenda):
    present(world, "education", "health", "social_care")
    with pytest.raises(ValidationError) as exc:
        ps.record_recommendation(actor=world.manager, item=on_agenda, outcome="issue", reasons="")
    assert set(exc.value.message_dict) == {"outcome", "reasons"}


def test_who_may_record_a_recommendation(world, on_agenda, make_user):
    present(world, "education", "health", "social_care")
    # A member absent from the meeting, or conflicted, may not; a member of another panel may not see it at all.
    with pytest.raises(PermissionDenied):
        ps.record_recommendation(
            actor=world.members["parent_carer_forum"].user, item=on_agenda, outcome="assess", reasons="x"
        )
    with pytest.raises(PermissionDenied):
        ps.record_recommendation(actor=make_user("panel_member"), item=on_agenda, outcome="assess", reasons="x")
    with pytest.raises(PermissionDenied):
        ps.record_recommendation(actor=make_user("parent"), item=on_agenda, outcome="assess", reasons="x")
    # A member may declare only their own conflict (the chair and the clerk may record anyone's).
    with pytest.raises(PermissionDenied):
        ps.declare_conflict(
            actor=world.members["health"].user, item=on_agenda, member=world.members["social_care"], note="x"
        )
    ps.declare_conflict(
        actor=world.members["education"].user,
        item=on_agenda,
        member=world.members["social_care"],
        note="Chair records it",
    )


def test_nothing_is_recorded_before_the_meeting_day(world):
    meeting = ps.schedule_meeting(actor=world.manager, panel=world.panel, meets_on=date.today() + timedelta(days=7))
    with pytest.raises(ValidationError, match="record this on or after"):
        ps.record_attendance(actor=world.manager, meeting=meeting, present=list(world.members.values()))


def test_council_decision_departing_from_the_recommendation_needs_reasons(world, on_agenda):
    present(world, "education", "health", "social_care")
    rec = ps.record_recommendation(
        actor=world.members["health"].user,
        item=on_agenda,
        outcome="not_assess",
        reasons="Needs can be met at SEN support",
    )
    with pytest.raises(PermissionDenied):
        panel_flows.record_council_decision(
            actor=world.members["health"].user,
            item=on_agenda,
            outcome=True,
            decided_on=date.today(),
            reasons="Evidence of needs",
        )
    with pytest.raises(ValidationError) as exc:
        panel_flows.record_council_decision(
            actor=world.caseworker,
            item=on_agenda,
            outcome=True,
            decided_on=date.today(),
            reasons="New evidence from the school",
        )
    assert "departure_reasons" in exc.value.message_dict
    decision = panel_flows.record_council_decision(
        actor=world.caseworker,
        item=on_agenda,
        outcome=True,
        decided_on=date.today(),
        reasons="New evidence from the school",
        departure_reasons="The school's new report shows needs beyond SEN support",
    )
    assert decision.recommendation == rec and decision.outcome is True
    assert queries.decision_for(on_agenda) == decision and queries.departs(rec, decision) is True
    world.request.refresh_from_db()
    assert world.request.status == "assess"
    # The council's decision is the casework record, not a change to the panel's.
    rec.refresh_from_db()
    assert rec.outcome == "not_assess"
    assert AuditEvent.objects.filter(action="request.decide_assess", child_id=world.child.pk).exists()


def test_a_decision_following_the_recommendation_needs_no_departure_reasons(world, on_agenda):
    present(world, "education", "health", "social_care")
    rec = ps.record_recommendation(actor=world.manager, item=on_agenda, outcome="assess", reasons="Clear evidence")
    decision = cw.decide_whether_to_assess(
        actor=world.caseworker,
        request=world.request,
        assess=True,
        decided_on=date.today(),
        reasons="As the panel advised",
        recommendation=rec,
    )
    assert queries.departs(rec, decision) is False
    assert Decision.objects.count() == 1


def test_closed_meetings_refuse_changes(world, on_agenda):
    ps.close_meeting(actor=world.manager, meeting=world.meeting)
    with pytest.raises(ValidationError, match="closed"):
        ps.record_attendance(actor=world.manager, meeting=world.meeting, present=[world.members["health"]])


def test_taking_a_case_off_one_agenda_keeps_the_invitation_for_another(world, on_agenda):
    later = ps.schedule_meeting(actor=world.manager, panel=world.panel, meets_on=date.today() + timedelta(days=14))
    second = ps.add_to_agenda(actor=world.manager, meeting=later, request=world.request)
    ps.remove_from_agenda(actor=world.manager, item=on_agenda)
    member = world.members["health"].user
    assert member.has_perm("people.view_child", world.child)
    assert world.child.access_grants.get(user=member, revoked_at__isnull=True).expires_on == (access_ends(later))
    ps.remove_from_agenda(actor=world.manager, item=second)
    assert not member.has_perm("people.view_child", world.child)
