"""A family follows their request in the portal: only their own children, reads audited, the stage, what
happens next and the key dates in plain English, who is involved, the letters they may see (the same
story as the emails), and representations on a draft only while the period for them is open."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.core import mail

from highneeds.accounts.roles import SYSTEM
from highneeds.audit.models import AuditEvent
from highneeds.casework import flows as cw_flows
from highneeds.casework import services as cw
from highneeds.casework.models import Representation
from highneeds.jobs.queue import run_pending  # emails are sent by the task worker
from highneeds.letters.models import Letter
from highneeds.people import services as people

PASSWORD = "correct horse battery staple"
TODAY = date.today()
D0 = TODAY - timedelta(days=100)


def sign_in(client, user):
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302


def text(response) -> str:
    """The page's visible words, for checking sentences (tags stripped, whitespace collapsed)."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


def stage(response, title: str) -> str:
    """The status shown against one stage of the task list."""
    body = response.content.decode()
    for item in body.split('<li class="govuk-task-list__item')[1:]:
        if title in item:
            return " ".join(
                re.sub(
                    r"<[^>]+>",
                    " ",
                    item.split('class="govuk-task-list__status', 1)[1].split(">", 1)[1].split("</li>")[0],
                ).split()
            )
    raise AssertionError(f"no stage {title!r}")


def d(value: date) -> str:
    return value.strftime("%-d %B %Y")


@pytest.fixture
def family(make_user, make_child):
    parent = make_user("parent", first_name="Pat", last_name="Testworth", email="pat@example.org")
    child = make_child(first_name="Amara", last_name="Testworth")
    people.add_parent(
        actor=SYSTEM, child=child, first_name="Pat", last_name="Testworth", email="pat@example.org", user=parent
    )
    people.add_parent(actor=SYSTEM, child=child, first_name="Sam", last_name="Testworth", email="sam@example.org")
    worker = make_user("caseworker", first_name="Casey", last_name="Worker", email="casey@example.gov.uk")
    request = cw.submit_request(actor=worker, child=child, received_on=D0, source="1", caseworker=worker)
    return {"parent": parent, "child": child, "worker": worker, "request": request}


def to_draft(family, *, draft_on=TODAY, make_user=None):
    worker, request = family["worker"], family["request"]
    cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=True,
        decided_on=D0 + timedelta(days=30),
        reasons="Needs beyond SEN support",
    )
    ep = make_user("professional", first_name="Edna", last_name="Psych", email="edna.psych@example.org")
    cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=D0 + timedelta(days=31),
        adviser=ep,
    )
    cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="health",
        requested_on=D0 + timedelta(days=31),
        adviser_name="Dr Hidden Name",
    )
    cw.decide_whether_to_issue(
        actor=worker, request=request, issue=True, decided_on=draft_on - timedelta(days=5), reasons="Provision needed"
    )
    cw_flows.send_draft_plan(actor=worker, request=request, sent_on=draft_on)
    request.refresh_from_db()
    return request


def test_a_parent_sees_the_stage_next_step_and_dates_in_plain_english(client, family):
    sign_in(client, family["parent"])
    listing = text(client.get("/portal/requests/"))
    assert "Amara Testworth" in listing and "We are deciding whether to carry out an assessment" in listing
    response = client.get(f"/portal/requests/{family['request'].pk}/")
    assert response.status_code == 200
    page = text(response)
    due = D0 + timedelta(weeks=6)
    assert f"We must tell you by {d(due)} whether we will carry out an EHC needs assessment" in page
    assert f"Decision whether to assess Due by {d(due)}" in page
    assert f"Request received {d(D0)}" in page
    assert "Your caseworker: Casey Worker" in page and "casey@example.gov.uk" not in page
    assert stage(response, "Decide whether to carry out an assessment") == "In progress"
    assert stage(response, "Request received") == "Completed"
    assert stage(response, "Final EHC plan") == "Not started yet"
    # The acknowledgement letter once, the copy addressed to Pat (one was made for each parent with
    # parental responsibility).
    assert page.count("We have received a request for an EHC needs assessment for Amara Testworth") == 1
    pats = Letter.objects.get(request=family["request"], recipient="Pat Testworth")
    assert f"/portal/requests/{family['request'].pk}/letters/{pats.pk}/" in response.content.decode()
    event = AuditEvent.objects.filter(action="portal.view", child_id=family["child"].pk).get()
    assert event.actor_id == family["parent"].pk


def test_overdue_dates_are_admitted(client, family):
    # The request is 100 days old: its 6-week decision is overdue.
    sign_in(client, family["parent"])
    page = text(client.get(f"/portal/requests/{family['request'].pk}/"))
    assert "We have not met this date" in page


def test_during_the_assessment_advisers_are_shown_by_type_without_names_or_contacts(client, family, make_user):
    worker, request = family["worker"], family["request"]
    cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=True,
        decided_on=D0 + timedelta(days=30),
        reasons="Needs beyond SEN support",
    )
    ep = make_user("professional", first_name="Edna", last_name="Psych", email="edna.psych@example.org")
    cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=D0 + timedelta(days=31),
        adviser=ep,
    )
    sign_in(client, family["parent"])
    page = text(client.get(f"/portal/requests/{request.pk}/"))
    assert "Assessment in progress" in page
    assert "Educational psychology" in page and "Edna" not in page and "edna.psych@example.org" not in page
    assert "If we decide not to issue a plan, we must tell you by " + d(D0 + timedelta(weeks=16)) in page
    assert "The final plan must be issued by " + d(D0 + timedelta(weeks=20)) in page
    assert "We decided to carry out an EHC needs assessment" in page
    # The letter asking for advice is not for the family.
    assert "advice" not in " ".join(
        Letter.objects.filter(request=request, family_can_see=True).values_list("template_code", flat=True)
    )
    assert Letter.objects.filter(request=request, template_code="advice_request").exists()
    advice_letter = Letter.objects.get(request=request, template_code="advice_request")
    assert client.get(f"/portal/requests/{request.pk}/letters/{advice_letter.pk}/").status_code == 403


def test_the_portal_tells_the_same_story_as_the_emails(client, family, make_user, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = to_draft(family, make_user=make_user)
    run_pending()
    to_pat = [m for m in mail.outbox if "pat@example.org" in m.to]
    assert len(to_pat) >= 2  # the decision to assess and the draft (the acknowledgement came before)
    sign_in(client, family["parent"])
    page = text(client.get(f"/portal/requests/{request.pk}/"))
    for message in to_pat:
        what_changed = message.body.split("\n")[0].rstrip(".")
        assert what_changed in page, what_changed  # each email names a letter listed in the portal
        assert "Sign in" in message.body
    for letter in Letter.objects.filter(request=request, family_can_see=True):
        response = client.get(f"/portal/requests/{request.pk}/letters/{letter.pk}/")
        assert response.status_code == 200 and letter.subject in text(response)


def test_draft_plan_dates_and_representation_within_the_window(client, family, make_user, make_establishment):
    school = make_establishment(name="Brookside Special School", establishment_type="SP_LA", urn=888001)
    request = to_draft(family, make_user=make_user)
    last_day = TODAY + timedelta(days=14)  # 15 days beginning with the day the draft was served (today)
    sign_in(client, family["parent"])
    response = client.get(f"/portal/requests/{request.pk}/")
    page = text(response)
    assert f"Last day to comment on the draft {d(last_day)}" in page
    assert f"You have until {d(last_day)} to tell us what you think" in page
    assert stage(response, "Draft plan: tell us what you think") == "In progress"
    assert stage(response, "Decide whether to issue an EHC plan") == "Completed"
    assert stage(response, "Gather advice and information") == "Completed"
    assert "Tell us what you think of the draft plan" in page

    form = client.get(f"/portal/requests/{request.pk}/respond/")
    assert form.status_code == 200
    bad = text(client.post(f"/portal/requests/{request.pk}/respond/", {"text": ""}))
    assert "Tell us your views, the school or college you would like, or that you want a meeting" in bad
    bad = text(client.post(f"/portal/requests/{request.pk}/respond/", {"school": "No Such School"}))
    assert "We could not find that school or college" in bad
    response = client.post(
        f"/portal/requests/{request.pk}/respond/",
        {"text": "Section F needs speech therapy hours", "school": "888001", "meeting": "on"},
    )
    assert response.status_code == 302
    rep = Representation.objects.get(request=request)
    assert rep.preferred_establishment == school and rep.meeting_requested and rep.submitted_by == family["parent"]
    assert rep.received_on == TODAY
    assert AuditEvent.objects.filter(action="request.representation", actor_id=family["parent"].pk).exists()
    assert "You sent us your views on the draft plan" in text(client.get(response["Location"]))
    # By name as well as URN.
    client.post(f"/portal/requests/{request.pk}/respond/", {"school": "brookside special school"})
    assert Representation.objects.filter(request=request, preferred_establishment=school).count() == 2


def test_no_representation_after_the_window(client, family, make_user):
    request = to_draft(family, draft_on=TODAY - timedelta(days=15), make_user=make_user)
    sign_in(client, family["parent"])
    page = text(client.get(f"/portal/requests/{request.pk}/"))
    assert f"The time to comment on the draft ended on {d(TODAY - timedelta(days=1))}" in page
    assert "Tell us what you think of the draft plan" not in page
    response = client.post(f"/portal/requests/{request.pk}/respond/", {"text": "Too late?"})
    assert response.status_code == 302
    assert not Representation.objects.exists()
    assert "has ended" in text(client.get(response["Location"]))


def test_the_last_day_of_the_window_is_still_open(client, family, make_user):
    request = to_draft(family, draft_on=TODAY - timedelta(days=14), make_user=make_user)
    sign_in(client, family["parent"])
    assert client.post(f"/portal/requests/{request.pk}/respond/", {"meeting": "on"}).status_code == 302
    assert Representation.objects.filter(request=request, meeting_requested=True).exists()


def test_no_representation_before_a_draft(client, family):
    sign_in(client, family["parent"])
    response = client.post(f"/portal/requests/{family['request'].pk}/respond/", {"text": "Early views"})
    assert response.status_code == 302 and not Representation.objects.exists()


# ---------------------------------------------------------------------------------------------
# Who may see what


def test_other_parents_and_strangers_get_the_same_refusal(client, family, make_user, make_child):
    other = make_user("parent")
    their_child = make_child()
    people.add_parent(actor=SYSTEM, child=their_child, first_name="Other", last_name="Parent", user=other)
    sign_in(client, other)
    assert "Amara" not in text(client.get("/portal/requests/"))
    request = family["request"]
    letter = Letter.objects.filter(request=request).first()
    for path in (
        f"/portal/requests/{request.pk}/",
        f"/portal/requests/{request.pk}/respond/",
        f"/portal/requests/{request.pk}/letters/{letter.pk}/",
        "/portal/requests/999999/",
    ):
        assert client.get(path).status_code == 403, path
    assert not AuditEvent.objects.filter(action__startswith="portal.", actor_id=other.pk).exists()


def test_a_parent_without_parental_responsibility_cannot_see(client, family, make_user):
    step = make_user("parent")
    people.add_parent(
        actor=SYSTEM,
        child=family["child"],
        first_name="Step",
        last_name="Parent",
        user=step,
        parental_responsibility=False,
    )
    sign_in(client, step)
    assert client.get(f"/portal/requests/{family['request'].pk}/").status_code == 403


def test_a_young_person_aged_16_or_over_sees_their_own(client, make_user, make_child):
    worker = make_user("caseworker")
    born = TODAY.replace(year=TODAY.year - 17) - timedelta(days=3)
    child = make_child(first_name="Jordan", last_name="Testworth", dob=born)
    request = cw.submit_request(actor=worker, child=child, received_on=D0, source="1", caseworker=worker)
    young = make_user("young_person", child=child)
    sign_in(client, young)
    page = text(client.get(f"/portal/requests/{request.pk}/"))
    assert "Jordan Testworth" in page and "about your needs" in page
    younger = make_child(dob=TODAY.replace(year=TODAY.year - 15))
    under_16 = make_user("young_person", child=younger)
    other = cw.submit_request(actor=worker, child=younger, received_on=D0, source="1", caseworker=worker)
    client.logout()
    sign_in(client, under_16)
    assert client.get(f"/portal/requests/{other.pk}/").status_code == 403
    assert "There are no requests" in text(client.get("/portal/requests/"))


def test_a_duplicate_request_shows_as_the_one_it_joined(client, family):
    again = cw.submit_request(actor=family["worker"], child=family["child"], received_on=TODAY, source="1")
    assert again.duplicate_of == family["request"]
    sign_in(client, family["parent"])
    response = client.get(f"/portal/requests/{again.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{family['request'].pk}/"
    assert text(client.get("/portal/requests/")).count("Reference EHC-") == 1


@pytest.mark.parametrize(
    "role,status",
    [
        ("caseworker", 403),
        ("manager", 403),
        ("finance", 403),
        ("senco", 403),
        ("professional", 403),
        ("panel_member", 403),
        ("strategic_lead", 403),
        ("admin", 403),
        ("parent", 200),
    ],
)
def test_family_pages_permission_matrix(client, make_user, make_establishment, role, status):
    extra = {"establishment": make_establishment()} if role == "senco" else {}
    sign_in(client, make_user(role, **extra))
    assert client.get("/portal/requests/").status_code == status


def test_family_pages_are_in_the_navigation(client, family):
    sign_in(client, family["parent"])
    assert 'href="/portal/requests/"' in client.get("/").content.decode()


def test_a_young_person_is_told_to_contact_their_caseworker_to_comment_on_a_draft(client, make_user, make_child):
    """`casework.services.record_representation` accepts a parent linked to the record, not yet the young
    person themself, so the portal does not offer a form it would refuse."""
    worker = make_user("caseworker")
    child = make_child(first_name="Jordan", dob=TODAY.replace(year=TODAY.year - 18))
    request = cw.submit_request(actor=worker, child=child, received_on=D0, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker, request=request, assess=True, decided_on=D0 + timedelta(days=30), reasons="x"
    )
    cw.decide_whether_to_issue(
        actor=worker, request=request, issue=True, decided_on=TODAY - timedelta(days=2), reasons="x"
    )
    cw_flows.send_draft_plan(actor=worker, request=request, sent_on=TODAY)
    sign_in(client, make_user("young_person", child=child))
    page = text(client.get(f"/portal/requests/{request.pk}/"))
    assert "You have until" in page and "contact your caseworker" in page
    assert (
        'href="/portal/requests/' + str(request.pk) + '/respond/"'
        not in client.get(f"/portal/requests/{request.pk}/").content.decode()
    )
