"""Finding 9: panel members' access to a child ends after the meeting, at once when the meeting is closed, and at
once on a conflict of interest; their pack then leaves the case out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from highneeds.audit.models import AuditEvent
from highneeds.panels import pack
from highneeds.panels import services as ps
from highneeds.panels.queries import access_ends

from .conftest import download_pack, sign_in


def tomorrow(monkeypatch):
    """Move 'today' on by a day for the access rule."""
    real = timezone.localdate()
    monkeypatch.setattr("highneeds.accounts.rules.timezone.localdate", lambda *a: real + timedelta(days=1))


def test_access_ends_with_the_meeting_day_regression(world, on_agenda, monkeypatch, client):
    """Regression: members kept the child's record for 6 weeks after the panel."""
    member = world.members["health"].user
    assert member.has_perm("people.view_child", world.child)
    assert world.child.access_grants.get(user=member).expires_on == world.meeting.meets_on
    tomorrow(monkeypatch)
    assert not member.has_perm("people.view_child", world.child)
    sign_in(client, member)
    assert client.get(f"/children/{world.child.pk}/").status_code == 403


def test_the_days_after_the_meeting_are_a_setting(world, monkeypatch, settings):
    settings.PANEL_ACCESS_DAYS_AFTER_MEETING = 2
    ps.add_to_agenda(actor=world.manager, meeting=world.meeting, request=world.request)
    member = world.members["health"].user
    assert world.child.access_grants.get(user=member).expires_on == world.meeting.meets_on + timedelta(days=2)
    tomorrow(monkeypatch)
    assert member.has_perm("people.view_child", world.child)


def test_declaring_a_conflict_ends_that_members_access_at_once(world, on_agenda, client):
    conflicted, other = world.members["social_care"], world.members["health"]
    ps.declare_conflict(actor=conflicted.user, item=on_agenda, member=conflicted, note="I know the family")
    assert not conflicted.user.has_perm("people.view_child", world.child)
    assert other.user.has_perm("people.view_child", world.child)
    event = AuditEvent.objects.filter(action="panel.conflict.declare").get()
    assert event.after["access_revoked"] == 1
    assert AuditEvent.objects.filter(action="child.access.revoke", child_id=world.child.pk).count() == 1
    sign_in(client, conflicted.user)
    assert client.get(f"/children/{world.child.pk}/").status_code == 403


def test_a_conflict_recorded_by_the_chair_ends_the_members_access_too(world, on_agenda):
    chair, member = world.members["education"], world.members["parent_carer_forum"]
    ps.declare_conflict(actor=chair.user, item=on_agenda, member=member, note="Chair records it")
    assert not member.user.has_perm("people.view_child", world.child)
    assert chair.user.has_perm("people.view_child", world.child)


def test_closing_the_meeting_ends_every_members_access(world, on_agenda, client):
    ps.close_meeting(actor=world.manager, meeting=world.meeting)
    for member in world.members.values():
        assert not member.user.has_perm("people.view_child", world.child)
    sign_in(client, world.members["health"].user)
    assert client.get(f"/panels/meetings/{world.meeting.pk}/pack.pdf").status_code == 403


def test_a_conflicted_member_gets_a_pack_without_that_case(world, on_agenda, make_child, monkeypatch):
    from highneeds.casework import services as cw

    other_child = make_child(first_name="Bryn", last_name="Otherton")
    other_request = cw.submit_request(
        actor=world.caseworker,
        child=other_child,
        received_on=world.request.received_on,
        source="2",
        caseworker=world.caseworker,
    )
    ps.add_to_agenda(actor=world.manager, meeting=world.meeting, request=other_request)
    conflicted = world.members["social_care"]
    ps.declare_conflict(actor=conflicted.user, item=on_agenda, member=conflicted, note="Neighbour")
    seen = {}

    def fake_pdf(html):
        seen["html"] = html
        return b"%PDF-1.7"

    monkeypatch.setattr(pack, "pdf_of", fake_pdf)
    monkeypatch.setattr(pack, "load", lambda: None)
    from django.test import Client

    client = sign_in(Client(), conflicted.user)
    assert download_pack(client, world.meeting).status_code == 200
    assert "Otherton" in seen["html"] and "Testworth" not in seen["html"]
    client = sign_in(Client(), world.members["health"].user)
    assert download_pack(client, world.meeting).status_code == 200
    assert "Otherton" in seen["html"] and "Testworth" in seen["html"]


@pytest.mark.parametrize("days_ago", [1, 30])
def test_a_past_meeting_invites_no_one(world, days_ago):
    old = ps.schedule_meeting(
        actor=world.manager, panel=world.panel, meets_on=timezone.localdate() - timedelta(days=days_ago)
    )
    ps.add_to_agenda(actor=world.manager, meeting=old, request=world.request)
    assert not world.members["health"].user.has_perm("people.view_child", world.child)


def test_no_invitation_a_panel_makes_is_open_ended(world, on_agenda, make_user):
    """The class: whichever way a panel invites someone (agenda, a member joining later), the grant expires."""
    from highneeds.people.models import CaseAccess

    ps.add_member(actor=world.manager, panel=world.panel, user=make_user("panel_member"), agency="health")
    grants = CaseAccess.objects.filter(reason__startswith=f"Panel {world.panel.pk} (")
    assert grants.count() == 5
    assert all(g.expires_on is not None and g.expires_on <= access_ends(world.meeting) for g in grants)
