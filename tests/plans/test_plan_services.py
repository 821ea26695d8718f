"""Plan services: drafts from the assessment, permissions, audit, I blank in drafts, immutability once issued,
amendments, the family's comment window and cessation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.letters.models import Letter
from highneeds.people import services as people
from highneeds.plans import flows as plan_flows
from highneeds.plans import queries
from highneeds.plans import services as plans
from highneeds.plans.models import Contribution, Plan, PlanVersion

TODAY = date.today()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _fill(version, actor):
    """Link every need to quantified provision and an outcome."""
    from tests.conftest import fill_plan_version

    return fill_plan_version(version, actor)


def test_sending_the_draft_makes_a_plan_prefilled_from_needs_and_structured_advice(drafted):
    version = drafted["version"]
    assert drafted["plan"].status == "draft" and drafted["plan"].request == drafted["request"]
    assert version.kind == "draft" and version.state == "sent" and version.sent_on == TODAY - timedelta(days=2)
    codes = [n["code"] for n in version.sections["B"]["needs"]]
    assert codes[:2] == ["SLCN", "SEMH"]
    assert version.sections["B"]["needs"][0]["area"] == "communication_interaction"
    texts = [n["text"] for n in version.sections["B"]["needs"]]
    assert any("expressive language delay (from Edna Psych" in t for t in texts)
    assert "30 minutes weekly" in version.sections["F"]["items"][0]["what"]
    assert version.sections["I"] == {"name": "", "type": ""}
    # The casework draft letter carries the portal link in its context; the family got the statutory letter.
    assert Letter.objects.filter(child=drafted["child"], template_code="draft_plan").exists()
    # K: the advice with who gave it and when
    k = queries.appendices(version)
    drafted["advice"].refresh_from_db()
    assert k[0]["from"] == "Edna Psych" and k[0]["given_on"] == drafted["advice"].received_on
    assert k[0]["title"] == "Educational psychology"


def test_structured_advice_is_kept_with_who_and_when(assessed):
    c = Contribution.objects.get(kind="advice")
    assert c.author == assessed["ep"] and c.author_name == "Edna Psych" and c.advice_request == assessed["advice"]
    assert c.data["needs"].startswith("Amara has") and c.data["health_social_care"] == ""
    assessed["advice"].refresh_from_db()
    assert "Needs:\nAmara has a severe" in assessed["advice"].advice
    assert AuditEvent.objects.filter(action="plan.advice.give", actor_id=assessed["ep"].pk).exists()
    with pytest.raises(ValidationError):
        plan_flows.give_structured_advice(actor=assessed["ep"], advice=assessed["advice"], parts={})


def test_section_i_must_be_blank_in_a_draft(drafted):
    with pytest.raises(ValidationError) as exc:
        plans.save_section(
            actor=drafted["worker"],
            version=drafted["version"],
            section="I",
            data={"name": "Brookside", "type": "Special school"},
        )
    assert "blank in a draft" in str(exc.value)
    assert drafted["version"].sections["I"]["name"] == ""


def test_only_casework_edits_and_every_edit_is_audited(drafted, make_user):
    version = drafted["version"]
    for role in ("parent", "professional", "panel_member", "finance"):
        with pytest.raises(PermissionDenied):
            plans.save_section(actor=make_user(role), version=version, section="C", data={"text": "x"})
    plans.save_section(actor=drafted["worker"], version=version, section="C", data={"text": "Asthma: inhaler"})
    event = AuditEvent.objects.filter(action="plan.section.save").latest("seq")
    assert event.actor_id == drafted["worker"].pk and event.child_id == drafted["child"].pk
    assert event.after == {"C": {"text": "Asthma: inhaler"}}


def test_links_to_needs_must_exist_and_removing_a_need_drops_links(drafted):
    version = _fill(drafted["version"], drafted["worker"])
    with pytest.raises(ValidationError) as exc:
        plans.save_items(
            actor=drafted["worker"], version=version, section="F", items=[{"id": "f1", "what": "x", "needs": ["nope"]}]
        )
    assert "f1-needs" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        plans.save_items(
            actor=drafted["worker"],
            version=version,
            section="B",
            items=[{"id": "b1", "area": "semh", "code": "SLCN", "text": "x"}],
        )
    assert "belongs under communication" in exc.value.message_dict["b1-code"][0]
    first = version.sections["B"]["needs"][0]
    plans.save_items(actor=drafted["worker"], version=version, section="B", items=[first])
    version.refresh_from_db()
    assert version.sections["F"]["items"][0]["needs"] == [first["id"]]


def test_issuing_fixes_the_version_names_section_i_and_stores_k(issued):
    drafted, school, version = issued, issued["school"], issued["version"]
    plan = version.plan
    plan.refresh_from_db()
    assert version.kind == "final" and version.state == "issued" and version.issued_on == TODAY
    assert version.sections["I"] == {"name": "Brookside Special School", "type": school.type_label}
    assert version.sections["K"]["appendices"][0]["from"] == "Edna Psych"
    assert plan.status == "final" and plan.first_issued_on == TODAY
    # Immutable: every write is refused
    for call in (
        lambda: plans.save_section(actor=drafted["worker"], version=version, section="C", data={"text": "changed"}),
        lambda: plans.save_items(actor=drafted["worker"], version=version, section="F", items=[]),
        lambda: plans.issue_version(actor=drafted["worker"], version=version, issued_on=TODAY),
        lambda: plans.write_section_a(
            actor=drafted["worker"], version=version, views="x", interests="", aspirations=""
        ),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert "cannot be changed" in str(exc.value)
    assert PlanVersion.objects.get(pk=version.pk).sections == version.sections


def _issued_plan(worker, child, make_establishment):
    from tests.conftest import issue_plan_through_assessment

    return issue_plan_through_assessment(worker, child, make_establishment(), TODAY - timedelta(days=30))


def test_amendments_copy_the_plan_are_sent_with_15_days_and_supersede_when_issued(
    make_user, make_child, make_establishment
):
    worker = make_user("caseworker")
    parent = make_user("parent", first_name="Pat", last_name="Parent")
    child = make_child(sen_status="E", needs=("ASD",))
    people.add_parent(actor=SYSTEM, child=child, first_name="Pat", last_name="Parent", user=parent)
    first = _issued_plan(worker, child, make_establishment)
    assert Letter.objects.filter(child=child, template_code="final_plan").exists()
    amendment = plans.start_amendment(actor=worker, plan=first.plan, source="annual_review", started_on=TODAY)
    assert amendment.number == 2 and amendment.kind == "proposed_amendment"
    assert amendment.sections["F"] == first.sections["F"]
    with pytest.raises(ValidationError):
        plans.start_amendment(actor=worker, plan=first.plan, source="annual_review", started_on=TODAY)
    items = amendment.sections["F"]["items"]
    items[0]["frequency"] = "Twice weekly"
    plans.save_items(actor=worker, version=amendment, section="F", items=items)
    plans.send_proposed_amendments(actor=worker, version=amendment, sent_on=TODAY - timedelta(days=20))
    letter = Letter.objects.get(child=child, template_code="plan_proposed_amendments")
    assert (TODAY - timedelta(days=6)).strftime("%-d %B %Y") in letter.subject
    assert "/portal/plans/" in letter.body
    issued = plans.issue_version(actor=worker, version=amendment, issued_on=TODAY)
    first.refresh_from_db()
    assert issued.kind == "amended_final" and first.state == "superseded"
    assert queries.latest_issued(first.plan) == issued
    notice = Letter.objects.get(child=child, template_code="plan_amended_final")
    assert "First-tier Tribunal" in notice.body and "mediation adviser" in notice.body.lower()


def test_family_comments_only_within_the_15_days(drafted, make_user):
    parent = make_user("parent", first_name="Pat", last_name="Testworth")
    people.add_parent(actor=SYSTEM, child=drafted["child"], first_name="Pat", last_name="Testworth", user=parent)
    version = drafted["version"]
    comment = plans.comment_on_version(actor=parent, version=version, section="F", text="Please add OT")
    assert comment.author == parent and comment.author_name == "Pat Testworth" and comment.section == "F"
    assert AuditEvent.objects.filter(action="plan.comment", actor_id=parent.pk).exists()
    last_day = version.sent_on + timedelta(days=14)
    plans.comment_on_version(actor=parent, version=version, section="B", text="ok", today=last_day)
    with pytest.raises(ValidationError) as exc:
        plans.comment_on_version(actor=parent, version=version, section="B", text="late", today=last_day + timedelta(1))
    assert "has ended" in str(exc.value)
    other_parent = make_user("parent")
    with pytest.raises(PermissionDenied):
        plans.comment_on_version(actor=other_parent, version=version, section="B", text="not mine")


def test_family_writes_section_a_as_theirs_and_uploads_are_checked(drafted, make_user):
    parent = make_user("parent", first_name="Pat", last_name="Testworth")
    people.add_parent(actor=SYSTEM, child=drafted["child"], first_name="Pat", last_name="Testworth", user=parent)
    version = plans.write_section_a(
        actor=parent,
        version=drafted["version"],
        views="Amara loves music",
        interests="Drums",
        aspirations="To join a band",
    )
    a = version.sections["A"]
    assert a["views"] == "Amara loves music" and a["written_by"] == "Pat Testworth"
    assert a["written_by_role"] == "Parent or carer"
    media = plans.add_media(
        actor=parent,
        version=version,
        upload=SimpleUploadedFile("me.png", PNG, content_type="image/png"),
        caption="At the park",
    )
    assert media.stored_name.endswith(".png") and "me" not in media.stored_name
    with storages["default"].open(queries.media_name(media.stored_name)) as stored:
        assert stored.read() == PNG
    with pytest.raises(ValidationError):  # a script calling itself a photo
        plans.add_media(
            actor=parent,
            version=version,
            upload=SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png"),
        )
    with pytest.raises(ValidationError):
        plans.add_media(
            actor=parent, version=version, upload=SimpleUploadedFile("x.html", b"<html>", content_type="text/html")
        )
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (plans.MAX_IMAGE_BYTES), content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        plans.add_media(actor=parent, version=version, upload=big)
    assert "smaller than 5 MB" in str(exc.value)
    # after the window, the family can no longer write section A
    with pytest.raises(ValidationError):
        plans.write_section_a(
            actor=parent,
            version=version,
            views="late",
            interests="",
            aspirations="",
            today=version.sent_on + timedelta(days=15),
        )


def test_mark_ceased_ends_the_plan_and_the_ehc_status(make_user, make_child, make_establishment):
    worker = make_user("caseworker")
    child = make_child(sen_status="E", needs=("MLD",))
    issued = _issued_plan(worker, child, make_establishment)
    with pytest.raises(ValidationError):
        plans.mark_ceased(actor=worker, plan=issued.plan, ceased_on=TODAY, reason="42")
    plan = plans.mark_ceased(actor=worker, plan=issued.plan, ceased_on=TODAY, reason="2")
    child.refresh_from_db()
    assert plan.status == "ceased" and plan.cease_reason == "2" and child.sen_status == "K"
    assert queries.current_plan(child) is None
    # a new plan can be started once the old one has ceased
    assert plans.create_plan(actor=worker, child=child).status == "draft"
    assert Plan.objects.filter(child=child).count() == 2


def test_copy_advice_into_a_section(drafted):
    contribution = Contribution.objects.get(kind="advice")
    before = len(drafted["version"].sections["E"]["outcomes"])
    version = plans.copy_advice(
        actor=drafted["worker"], version=drafted["version"], contribution=contribution, part="outcomes"
    )
    assert len(version.sections["E"]["outcomes"]) == before + 1
    assert "from Edna Psych" in version.sections["E"]["outcomes"][-1]["text"]
