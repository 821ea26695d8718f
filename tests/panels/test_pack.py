"""The panel pack: a tagged PDF naming the children on the agenda, served only to those who may see the meeting,
and audited against each child."""

from __future__ import annotations

import io
from datetime import date

import pypdf  # dev dependency: reads the text back out of the PDF
import pytest

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.panels import pack
from highneeds.panels import services as ps

from .conftest import download_pack, sign_in


def text_of(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # lines wrap where the layout wraps them


@pytest.fixture
def issue_meeting(world, make_user):
    """A case at the issue stage, with advice received, on an issue panel's agenda."""
    cw.decide_whether_to_assess(
        actor=world.caseworker,
        request=world.request,
        assess=True,
        decided_on=date.today(),
        reasons="Needs beyond SEN support",
    )
    ep = make_user("professional", first_name="Eve", last_name="Psych")
    advice = cw.request_advice(
        actor=world.caseworker,
        request=world.request,
        adviser_type="educational_psychology",
        requested_on=date.today(),
        adviser=ep,
    )
    cw.submit_advice(actor=ep, advice=advice, text="Amara needs help with language " * 200, received_on=date.today())
    panel = ps.create_panel(actor=world.manager, name="Issue panel", panel_type="issue", quorum=1)
    ps.add_member(actor=world.manager, panel=panel, user=world.members["health"].user, agency="health", is_chair=True)
    meeting = ps.schedule_meeting(actor=world.manager, panel=panel, meets_on=date.today(), location="Room 2")
    ps.add_to_agenda(actor=world.manager, meeting=meeting, request=world.request)
    return meeting


def test_pack_is_a_tagged_pdf_with_the_child_and_the_question(world, on_agenda):
    pdf = pack.render_pack(world.meeting)
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en-GB"
    text = text_of(pdf)
    for expected in (
        "Assessment panel",
        "Amara Testworth",
        "Hal Thwell",
        "Ed Ucation (chair)",
        "Year group",
        "Autistic spectrum disorder",
        "Testbrook Primary School",
        world.request.reference,
        "Decide whether to assess",
        "Whether to assess Amara's communication needs",
    ):
        assert expected in text, expected


def test_pack_summarises_advice_received(issue_meeting):
    text = text_of(pack.render_pack(issue_meeting))
    assert "Educational psychology" in text and "Amara needs help with language" in text
    assert "Shortened for the pack" in text
    assert "Whether the council should issue an EHC plan" in text


def test_pack_download_is_for_those_who_may_see_the_meeting_and_audited(client, world, on_agenda, make_user):
    member = world.members["social_care"].user
    sign_in(client, member)
    response = download_pack(client, world.meeting)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="panel.pack.download", actor_id=member.pk)
    assert event.child_id == world.child.pk and event.object_id == str(world.meeting.pk)
    client.logout()
    sign_in(client, make_user("panel_member"))
    assert client.get(f"/panels/meetings/{world.meeting.pk}/pack.pdf").status_code == 403


def test_members_lose_the_pack_when_their_access_lapses(client, world, on_agenda):
    from datetime import timedelta

    old = ps.schedule_meeting(actor=world.manager, panel=world.panel, meets_on=date.today() - timedelta(days=1))
    sign_in(client, world.members["health"].user)
    assert client.get(f"/panels/meetings/{old.pk}/pack.pdf").status_code == 403
    assert download_pack(client, world.meeting).status_code == 200
    client.logout()
    sign_in(client, world.caseworker)
    assert download_pack(client, old).status_code == 200


def test_missing_weasyprint_gives_a_clear_message(client, world, monkeypatch):
    def unavailable():
        raise pack.PdfUnavailable("Panel packs need WeasyPrint and its system libraries")

    monkeypatch.setattr(pack, "_weasyprint", unavailable)
    sign_in(client, world.manager)
    response = client.get(f"/panels/meetings/{world.meeting.pk}/pack.pdf")
    assert response.status_code == 503 and b"WeasyPrint" in response.content
    assert not AuditEvent.objects.filter(action="panel.pack.download").exists()
