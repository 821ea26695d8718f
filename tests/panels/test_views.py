"""Panel pages over HTTP: who sees what, and each form's round trip without JavaScript."""

from __future__ import annotations

from datetime import date

import pytest

from highneeds.audit.models import AuditEvent
from highneeds.panels import services as ps
from highneeds.panels.models import AgendaItem, Recommendation

from .conftest import sign_in


def meeting_url(world):
    return f"/panels/meetings/{world.meeting.pk}/"


@pytest.fixture
def other_panel_member(world, make_user):
    """A panel member who sits on a different panel."""
    user = make_user("panel_member")
    other = ps.create_panel(actor=world.manager, name="Issue panel", panel_type="issue", quorum=1)
    ps.add_member(actor=world.manager, panel=other, user=user, agency="health")
    return user


def test_member_of_another_panel_is_refused(client, world, on_agenda, other_panel_member):
    sign_in(client, other_panel_member)
    assert client.get("/panels/").status_code == 200
    assert "Assessment panel" not in client.get("/panels/").content.decode()
    for path in (meeting_url(world), f"/panels/{world.panel.pk}/", f"/panels/meetings/{world.meeting.pk}/pack.pdf"):
        assert client.get(path).status_code == 403, path
    for path in (
        f"/panels/meetings/{world.meeting.pk}/attendance/",
        f"/panels/items/{on_agenda.pk}/recommendation/",
        f"/panels/items/{on_agenda.pk}/conflict/",
    ):
        assert client.post(path, {}).status_code == 403, path
    assert not other_panel_member.has_perm("people.view_child", world.child)


@pytest.mark.parametrize("role", ["parent", "professional", "finance", "admin", "strategic_lead"])
def test_people_outside_panels_are_refused(client, world, on_agenda, make_user, role):
    sign_in(client, make_user(role))
    for path in (
        "/panels/",
        meeting_url(world),
        f"/panels/meetings/{world.meeting.pk}/pack.pdf",
        f"/panels/items/{on_agenda.pk}/decision/",
    ):
        assert client.get(path).status_code == 403, path


def test_panel_member_sees_their_meeting_and_the_child_on_it(client, world, on_agenda):
    member = world.members["health"].user
    sign_in(client, member)
    body = client.get("/panels/").content.decode()
    assert "Assessment panel" in body
    body = client.get(meeting_url(world)).content.decode()
    assert "Amara Testworth" in body and on_agenda.request.reference in body
    assert "Not quorate" in body
    assert client.get(f"/children/{world.child.pk}/").status_code == 200
    # Seeing the agenda is recorded against the child, for the record's access log.
    assert AuditEvent.objects.filter(action="panel.meeting.view", actor_id=member.pk, child_id=world.child.pk).exists()
    # Members cannot set up or change panels, nor record the council's decision.
    assert client.get("/panels/new/").status_code == 403
    assert client.get(f"/panels/meetings/{world.meeting.pk}/agenda/").status_code == 403
    assert client.get(f"/panels/items/{on_agenda.pk}/decision/").status_code == 403


def test_caseworker_can_view_but_not_manage(client, world, on_agenda):
    sign_in(client, world.caseworker)
    assert client.get(meeting_url(world)).status_code == 200
    assert client.get(f"/panels/{world.panel.pk}/").status_code == 200
    assert client.get("/panels/new/").status_code == 403
    assert client.post(f"/panels/items/{on_agenda.pk}/remove/").status_code == 403


def test_manager_sets_up_a_panel_and_a_meeting_through_the_forms(client, world, make_user):
    sign_in(client, world.manager)
    response = client.post("/panels/new/", {"name": "", "quorum": "0"})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and "Enter the panel&#39;s name" in body
    response = client.post(
        "/panels/new/",
        {
            "name": "Placement panel",
            "panel_type": "placement",
            "quorum": "2",
            "quorum_agencies": ["education", "social_care"],
        },
    )
    assert response.status_code == 302
    panel = world.panel.__class__.objects.get(name="Placement panel")
    assert panel.quorum_agencies == ["education", "social_care"]
    person = make_user("panel_member", first_name="Newt", last_name="Member")
    response = client.post(f"/panels/{panel.pk}/members/new/", {"user": person.pk, "agency": "social_care"})
    assert response.status_code == 302 and panel.members.get().user == person
    response = client.post(
        f"/panels/{panel.pk}/meetings/new/", {"meets_on-day": "31", "meets_on-month": "2", "meets_on-year": "2026"}
    )
    assert "Date of the meeting must be a real date" in response.content.decode()
    response = client.post(
        f"/panels/{panel.pk}/meetings/new/",
        {"meets_on-day": "3", "meets_on-month": "3", "meets_on-year": "2026", "location": "Online"},
    )
    assert response.status_code == 302 and panel.meetings.get().location == "Online"


def test_agenda_search_by_name_and_reference_and_add(client, world):
    sign_in(client, world.manager)
    url = f"/panels/meetings/{world.meeting.pk}/agenda/"
    assert "Amara Testworth" in client.get(url, {"q": "amara"}).content.decode()
    assert "Amara Testworth" in client.get(url, {"q": world.request.reference}).content.decode()
    assert "No requests found" in client.get(url, {"q": "Nobody"}).content.decode()
    response = client.post(url + "?q=amara", {"request": world.request.pk})
    assert response.status_code == 302
    assert AgendaItem.objects.filter(meeting=world.meeting, request=world.request).exists()
    # Once on the agenda it is no longer offered.
    assert "No requests found" in client.get(url, {"q": "amara"}).content.decode()


def test_attendance_recommendation_and_errors_round_trip(client, world, on_agenda):
    chair = world.members["education"]
    sign_in(client, chair.user)
    present = [world.members[a].pk for a in ("education", "health")]
    response = client.post(f"/panels/meetings/{world.meeting.pk}/attendance/", {"attendance-present": present})
    assert response.status_code == 302
    prefix = f"item{on_agenda.pk}"
    # Not quorate yet (2 of 3): the page comes back with the reason, nothing is saved.
    response = client.post(
        f"/panels/items/{on_agenda.pk}/recommendation/",
        {f"{prefix}-outcome": "not_assess", f"{prefix}-reasons": "Needs met at SEN support"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and "Not quorate" in body
    assert body.startswith("<!DOCTYPE html>") and "<title>Error:" in body
    response = client.post(f"/panels/items/{on_agenda.pk}/recommendation/", {f"{prefix}-outcome": "not_assess"})
    assert "Enter the panel&#39;s reasons" in response.content.decode()
    client.post(
        f"/panels/meetings/{world.meeting.pk}/attendance/",
        {"attendance-present": present + [world.members["social_care"].pk]},
    )
    response = client.post(
        f"/panels/items/{on_agenda.pk}/recommendation/",
        {f"{prefix}-outcome": "not_assess", f"{prefix}-reasons": "Needs met at SEN support"},
    )
    assert response.status_code == 302
    rec = Recommendation.objects.get(item=on_agenda)
    assert rec.outcome == "not_assess" and rec.recorded_by == chair.user


def test_conflict_form_takes_the_member_out_of_the_quorum(client, world, on_agenda):
    member = world.members["health"]
    sign_in(client, member.user)
    response = client.post(
        f"/panels/items/{on_agenda.pk}/conflict/",
        {f"conflict{on_agenda.pk}-member": member.pk, f"conflict{on_agenda.pk}-note": ""},
    )
    assert "Enter what the conflict of interest is" in response.content.decode()
    response = client.post(
        f"/panels/items/{on_agenda.pk}/conflict/",
        {f"conflict{on_agenda.pk}-member": member.pk, f"conflict{on_agenda.pk}-note": "Treats the child"},
    )
    assert response.status_code == 302
    assert on_agenda.conflicts.get().member == member
    body = client.get(meeting_url(world)).content.decode()
    assert "Treats the child" in body


def test_decision_page_requires_departure_reasons(client, world, on_agenda):
    ps.record_attendance(actor=world.manager, meeting=world.meeting, present=list(world.members.values()))
    ps.record_recommendation(actor=world.manager, item=on_agenda, outcome="not_assess", reasons="Met at SEN support")
    sign_in(client, world.caseworker)
    url = f"/panels/items/{on_agenda.pk}/decision/"
    body = client.get(url).content.decode()
    assert "Do not assess" in body and "If the decision differs from the panel" in body
    today = date.today()
    data = {
        "outcome": "yes",
        "decided_on-day": today.day,
        "decided_on-month": today.month,
        "decided_on-year": today.year,
        "reasons": "New evidence",
    }
    response = client.post(url, data)
    assert "Say why the decision differs" in response.content.decode()
    response = client.post(url, {**data, "departure_reasons": "The school's new report"})
    assert response.status_code == 302
    body = client.get(meeting_url(world)).content.decode()
    assert "Differs from the panel's recommendation" in body and "The school&#39;s new report" in body
    # Once decided, the decision page sends you back rather than deciding twice.
    assert client.get(url).status_code == 302


def test_manager_takes_a_case_off_the_agenda(client, world, on_agenda):
    sign_in(client, world.manager)
    assert client.get(f"/panels/items/{on_agenda.pk}/remove/").status_code == 405
    assert client.post(f"/panels/items/{on_agenda.pk}/remove/").status_code == 302
    assert not AgendaItem.objects.filter(pk=on_agenda.pk).exists()
    assert not world.members["health"].user.has_perm("people.view_child", world.child)
