"""A panel world built through the services: a manager, an assessment panel with four members from four
agencies, a meeting today and a child whose request is waiting for the decision whether to assess."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

PASSWORD = "correct horse battery staple"
D0 = date.today() - timedelta(days=20)


@dataclass
class World:
    manager: object
    caseworker: object
    panel: object
    meeting: object
    members: dict = field(default_factory=dict)  # agency -> PanelMember
    child: object = None
    request: object = None


@pytest.fixture
def world(make_user, make_child, make_establishment):
    from highneeds.casework import services as cw
    from highneeds.panels import services as ps

    manager = make_user("manager", first_name="Mo", last_name="Manager")
    caseworker = make_user("caseworker", first_name="Cal", last_name="Worker")
    school = make_establishment(name="Testbrook Primary School")
    child = make_child(first_name="Amara", last_name="Testworth", establishment=school, needs=("ASD", "SLCN"))
    request = cw.submit_request(actor=caseworker, child=child, received_on=D0, source="2", caseworker=caseworker)
    panel = ps.create_panel(
        actor=manager, name="Assessment panel", panel_type="assess", quorum=3, quorum_agencies=["education", "health"]
    )
    members = {}
    for agency, (first, last) in {
        "education": ("Ed", "Ucation"),
        "health": ("Hal", "Thwell"),
        "social_care": ("Sol", "Care"),
        "parent_carer_forum": ("Pam", "Forum"),
    }.items():
        user = make_user("panel_member", first_name=first, last_name=last)
        members[agency] = ps.add_member(
            actor=manager, panel=panel, user=user, agency=agency, is_chair=agency == "education"
        )
    meeting = ps.schedule_meeting(actor=manager, panel=panel, meets_on=date.today(), location="Room 1")
    return World(
        manager=manager,
        caseworker=caseworker,
        panel=panel,
        meeting=meeting,
        members=members,
        child=child,
        request=request,
    )


@pytest.fixture
def on_agenda(world):
    from highneeds.panels import services as ps

    item = ps.add_to_agenda(
        actor=world.manager,
        meeting=world.meeting,
        request=world.request,
        summary="Whether to assess Amara's communication needs",
    )
    return item


def sign_in(client, user):
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def download_pack(client, meeting):
    """Ask for the pack as a person would: the first ask queues it (a redirect to the job's page), a worker makes
    it, and the same link then serves the kept PDF."""
    from highneeds.jobs.queue import run_pending

    url = f"/panels/meetings/{meeting.pk}/pack.pdf"
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/admin/jobs/"):
        run_pending()
        response = client.get(url)
    return response
