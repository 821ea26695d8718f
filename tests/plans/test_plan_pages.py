"""Plan pages by role: caseworkers edit, check and issue; families read, write section A and comment in the
window; professionals give structured advice; anyone else gets 404. The PDF is tagged (PDF/UA-1)."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.people import services as people
from highneeds.plans import services as plans
from highneeds.plans.models import Contribution, PlanVersion

PASSWORD = "correct horse battery staple"
TODAY = date.today()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sign_in(client, user):
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def family(drafted, make_user):
    parent = make_user("parent", first_name="Pat", last_name="Testworth")
    people.add_parent(actor=SYSTEM, child=drafted["child"], first_name="Pat", last_name="Testworth", user=parent)
    return {**drafted, "parent": parent}


def test_caseworker_edits_lists_with_plain_buttons(client, drafted):
    sign_in(client, drafted["worker"])
    version = drafted["version"]
    url = f"/plans/version/{version.pk}/edit/F/"
    page = client.get(url)
    assert page.status_code == 200 and "Add a provision" in text(page)
    items = version.sections["F"]["items"]
    data = {"item": [i["id"] for i in items], "action": "add"}
    for i in items:
        data.update({f"{i['id']}-what": i["what"], f"{i['id']}-who": "Speech and language therapist"})
    assert client.post(url, data).status_code == 302
    version.refresh_from_db()
    assert len(version.sections["F"]["items"]) == len(items) + 1
    assert version.sections["F"]["items"][0]["who"] == "Speech and language therapist"
    new_id = version.sections["F"]["items"][-1]["id"]
    data = {"item": [i["id"] for i in version.sections["F"]["items"]], "remove": new_id}
    for i in version.sections["F"]["items"]:
        data.update({f"{i['id']}-what": i["what"], f"{i['id']}-who": i["who"]})
    client.post(url, data)
    version.refresh_from_db()
    assert new_id not in [i["id"] for i in version.sections["F"]["items"]]
    # A bad link is shown against its field
    first = version.sections["F"]["items"][0]["id"]
    page = client.post(url, {"item": [first], f"{first}-needs": ["nonsense"], "action": "save"})
    assert "Link only to needs in section B" in text(page) and f'href="#{first}-needs"' in page.content.decode()


def test_section_i_page_refuses_a_name_in_a_draft(client, drafted):
    sign_in(client, drafted["worker"])
    url = f"/plans/version/{drafted['version'].pk}/edit/I/"
    page = client.post(url, {"name": "Brookside", "type": "Special"})
    assert "must be left blank in a draft" in text(page)


def test_quality_and_issue_pages_show_the_score(client, drafted):
    sign_in(client, drafted["worker"])
    version = drafted["version"]
    page = text(client.get(f"/plans/version/{version.pk}/quality/"))
    assert "Score:" in page and "out of 100" in page and "does not say" in page
    page = text(client.get(f"/plans/version/{version.pk}/issue/"))
    assert "Quality check" in page and "out of 100" in page and "cannot be changed" in page


def test_issued_version_pages_and_difference(client, issued):
    worker = issued["worker"]
    plan, version = issued["plan"], issued["version"]
    plan.refresh_from_db()
    amendment = plans.start_amendment(actor=worker, plan=plan, source="annual_review", started_on=TODAY)
    items = amendment.sections["F"]["items"]
    items[0]["frequency"] = "Twice weekly"
    plans.save_items(actor=worker, version=amendment, section="F", items=items)
    sign_in(client, worker)
    assert "Start an amendment" in text(client.get(f"/plans/version/{version.pk}/edit/C/", follow=True))
    page = client.get(f"/plans/compare/{version.pk}/{amendment.pk}/")
    body = page.content.decode()
    assert "<ins>" in body and "Added:" in text(page) or "[added: Twice weekly]" in text(page)
    assert "Provision 1, how often" in text(page)
    assert "Section I: placement" in text(client.get(f"/plans/version/{version.pk}/"))
    assert "Brookside Special School" in text(client.get(f"/plans/version/{version.pk}/"))


def test_pdf_is_tagged_with_title_and_language(client, drafted):
    pypdf = pytest.importorskip("pypdf")
    sign_in(client, drafted["worker"])
    response = client.get(f"/plans/version/{drafted['version'].pk}/plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert str(root.get("/Lang", "")).startswith("en")
    assert reader.metadata.title.startswith("Education, health and care plan: Amara Testworth")
    profile = client.get(f"/plans/version/{drafted['version'].pk}/profile.pdf")
    assert "/StructTreeRoot" in pypdf.PdfReader(io.BytesIO(profile.content)).trailer["/Root"]
    assert "How to help me" in text(client.get(f"/plans/version/{drafted['version'].pk}/profile/"))


def test_parent_reads_comments_and_writes_section_a(client, family):
    sign_in(client, family["parent"])
    child, version = family["child"], family["version"]
    page = text(client.get(f"/portal/plans/{child.pk}/"))
    assert "Comment on the draft plan" in page and "Write section A in your own words" in page
    assert client.get(f"/plans/version/{version.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="plan.view", actor_id=family["parent"].pk, child_id=child.pk).exists()
    url = f"/portal/plans/version/{version.pk}/comment/"
    assert "Enter your comment" in text(client.post(url, {"section": "F", "text": " "}))
    assert client.post(url, {"section": "F", "text": "Please add OT"}).status_code == 302
    assert Contribution.objects.get(kind="comment").author == family["parent"]
    response = client.post(
        f"/portal/plans/version/{version.pk}/about/", {"views": "Amara loves music", "interests": "", "aspirations": ""}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.sections["A"]["views"] == "Amara loves music"
    assert "Please add OT" in text(client.get(f"/portal/plans/{child.pk}/"))


def test_comment_form_closes_after_the_window(client, family):
    version = family["version"]
    PlanVersion.objects.filter(pk=version.pk).update(sent_on=TODAY - timedelta(days=15))
    sign_in(client, family["parent"])
    page = client.get(f"/portal/plans/version/{version.pk}/comment/")
    assert "Comments on this plan are closed" in text(page) and "The last day was" in text(page)
    client.post(f"/portal/plans/version/{version.pk}/comment/", {"section": "F", "text": "late"})
    assert not Contribution.objects.filter(kind="comment").exists()


def test_media_is_served_only_to_those_who_may_see_the_plan(client, family, make_user):
    media = plans.add_media(
        actor=family["worker"],
        version=family["version"],
        upload=__import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
            "me.png", PNG, content_type="image/png"
        ),
    )
    sign_in(client, family["parent"])
    response = client.get(f"/plans/media/{media.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "image/png"
    client.logout()
    sign_in(client, make_user("parent"))
    assert client.get(f"/plans/media/{media.pk}/").status_code == 404


def test_media_goes_through_the_storage_backend_not_local_disk(client, family, settings, tmp_path):
    """Another web server can serve an upload only if it went to the shared storage backend (docs/scaling.md):
    with an in-memory backend standing in for an object store, nothing lands under MEDIA_ROOT."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    media = plans.add_media(
        actor=family["worker"],
        version=family["version"],
        upload=SimpleUploadedFile("me.png", PNG, content_type="image/png"),
    )
    assert not (tmp_path / "media").exists()
    sign_in(client, family["parent"])
    response = client.get(f"/plans/media/{media.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_parent_of_another_child_gets_404(client, family, make_user):
    stranger = make_user("parent")
    sign_in(client, stranger)
    version = family["version"]
    for url in (
        f"/portal/plans/{family['child'].pk}/",
        f"/plans/version/{version.pk}/",
        f"/plans/version/{version.pk}/plan.pdf",
        f"/plans/child/{family['child'].pk}/",
        f"/portal/plans/version/{version.pk}/comment/",
        f"/portal/plans/version/{version.pk}/about/",
        f"/plans/compare/{version.pk}/{version.pk}/",
        "/plans/version/999999/",
    ):
        assert client.get(url).status_code == 404, url


def test_family_cannot_see_a_version_still_being_written(client, make_user, make_child):
    worker = make_user("caseworker")
    parent = make_user("parent")
    child = make_child()
    people.add_parent(actor=SYSTEM, child=child, first_name="P", last_name="Q", user=parent)
    plan = plans.create_plan(actor=worker, child=child)
    sign_in(client, parent)
    assert client.get(f"/plans/version/{plan.versions.get().pk}/").status_code == 404
    assert "We are writing the draft plan" in text(client.get(f"/portal/plans/{child.pk}/"))


def test_staff_pages_need_edit_permission(client, family):
    sign_in(client, family["parent"])
    version = family["version"]
    for url in (
        f"/plans/version/{version.pk}/edit/B/",
        f"/plans/version/{version.pk}/quality/",
        f"/plans/version/{version.pk}/issue/",
        "/plans/",
    ):
        assert client.get(url).status_code == 403, url


def test_professional_gives_structured_advice_in_the_portal(client, make_user, make_child):
    worker = make_user("caseworker")
    ep = make_user("professional", first_name="Edna", last_name="Psych")
    child = make_child(first_name="Rowan")
    request = cw.submit_request(actor=worker, child=child, received_on=TODAY - timedelta(days=30), source="1")
    cw.decide_whether_to_assess(
        actor=worker, request=request, assess=True, decided_on=TODAY - timedelta(days=25), reasons="x"
    )
    advice = cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=TODAY - timedelta(days=24),
        adviser=ep,
    )
    sign_in(client, ep)
    url = f"/portal/advice/{advice.pk}/"
    assert "Provision: what support is needed" in text(client.get(url))
    assert "Enter your advice" in text(client.post(url, {"needs": " "}))
    response = client.post(
        url,
        {
            "needs": "Working memory difficulties",
            "provision": "Daily precision teaching, 10 minutes, 1:1, by a trained TA",
            "outcomes": "",
            "health_social_care": "",
            "text": "",
        },
    )
    assert response.status_code == 302
    c = Contribution.objects.get(kind="advice", advice_request=advice)
    assert c.data["needs"] == "Working memory difficulties" and c.author == ep
    page = text(client.get(url))
    assert "Your advice, submitted" in page and "Working memory difficulties" in page and "Given by Edna Psych" in page
