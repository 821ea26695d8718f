"""The family's home page links to the plan, reviews, letters and disagreements that exist; a young person's pages
speak to them; past reviews show their dates and outcomes; another family's ids are refused like missing ones;
every read of the child's record is audited."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from highneeds.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"


def sign_in(client, user):
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


def h1(response) -> str:
    return html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1)).strip()


def links(response) -> dict[str, str]:
    """Visible link text -> href."""
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', response.content.decode(), re.S)
    return {" ".join(html.unescape(re.sub(r"<[^>]+>", " ", t)).split()): h for h, t in found}


def test_a_parents_home_links_to_each_page_that_has_something(client, family_world):
    w = family_world
    sign_in(client, w.parent)
    found = links(client.get("/"))
    assert found["Amara's EHC plan"] == f"/portal/plans/{w.child.pk}/"
    assert found["Amara's annual reviews"] == f"/reviews/family/#child-{w.child.pk}"
    assert found["Letters about Amara"] == f"/portal/children/{w.child.pk}/letters/"
    assert found["Disagreements, appeals and complaints about Amara"] == f"/portal/children/{w.child.pk}/disagreements/"
    page = text(client.get("/"))
    assert (
        "Amara's annual reviews (3)" in page and "Letters about Amara (2)" in page
    )  # the hidden letter is not counted
    assert "Zed" not in page and "Jordan" not in page
    # Each link opens a page that has what the link promised.
    for href in found.values():
        if href.startswith(("/portal/plans/", "/reviews/family/", "/portal/children/")):
            assert client.get(href).status_code == 200, href


def test_links_are_shown_only_for_pages_with_something(client, family_world, make_child):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.people import services as people

    w = family_world
    newcomer = make_child(first_name="Bo", last_name="Testworth")
    people.add_parent(actor=SYSTEM, child=newcomer, first_name="Pat", last_name="Testworth", user=w.parent)
    sign_in(client, w.parent)
    found = links(client.get("/"))
    assert found["Bo Testworth"] == f"/children/{newcomer.pk}/"  # the record, and nothing else about Bo
    assert not [h for h in found.values() if f"/{newcomer.pk}/" in h and h != f"/children/{newcomer.pk}/"]
    assert not [t for t in found if "Bo" in t and t != "Bo Testworth"]
    assert "There is no plan, review or letter about Bo yet." in text(client.get("/"))


def test_the_letters_page_lists_what_the_family_may_read_and_opens_each(client, family_world):
    w = family_world
    sign_in(client, w.parent)
    page = client.get(f"/portal/children/{w.child.pk}/letters/")
    words = text(page)
    assert "Letters about Amara" in words
    assert "Amara's final EHC plan" in words and "Amara's annual review decision" in words
    assert "educational psychology" not in words
    letter = client.get(f"/portal/children/{w.child.pk}/letters/{w.letters[0].pk}/")
    assert letter.status_code == 200 and "Amara's final EHC plan" in text(letter)
    assert AuditEvent.objects.filter(action="portal.letter.list", actor_id=w.parent.pk, child_id=w.child.pk).exists()
    assert AuditEvent.objects.filter(action="portal.view_letter", actor_id=w.parent.pk, child_id=w.child.pk).exists()


def test_the_disagreements_page_shows_each_kind_without_staff_notes(client, family_world):
    from highneeds.disputes.models import Cessation, Complaint, DecisionNotice, Mediation

    w = family_world
    today = date.today()
    Mediation.objects.create(
        notice=DecisionNotice.objects.get(child=w.child), stage="held", held_on=today - timedelta(days=30)
    )
    Complaint.objects.create(
        child=w.child,
        stage="stage1",
        received_on=today - timedelta(days=10),
        complainant="Pat Testworth",
        subject="Late plan",
        response_due=today + timedelta(days=10),
        learning="Internal: staffing gap",
    )
    Cessation.objects.create(child=w.child, plan=w.reviews[0].plan, reason="2", proposed_on=today - timedelta(days=5))
    sign_in(client, w.parent)
    words = text(client.get(f"/portal/children/{w.child.pk}/disagreements/"))
    assert "Section I names Hillside" in words and "EH999/25/00001" in words and "Not decided" in words
    assert f"Mediation held Mediation date {today - timedelta(days=30):%-d %B %Y}" in words
    assert f"Stage Stage 1 Received {today - timedelta(days=10):%-d %B %Y} Response Due by" in words
    assert f"Proposed {today - timedelta(days=5):%-d %B %Y} Where it is now Consulting" in words
    assert "staffing gap" not in words
    assert AuditEvent.objects.filter(action="portal.disagreement.view", child_id=w.child.pk).exists()


def test_past_reviews_show_the_meeting_the_decision_and_its_date(client, family_world):
    w = family_world
    sign_in(client, w.parent)
    words = text(client.get("/reviews/family/"))
    for review in w.reviews[:2]:
        row = f"{review.held_on:%-d %B %Y} review for Amara Testworth {review.get_decision_display()} {review.decided_on:%-d %B %Y}"
        assert row in words
    assert f"Review due {w.reviews[2].due_on:%-d %B %Y}" in words
    assert words.index("Review due") < words.index("Past reviews of Amara's plan")


def test_a_young_person_is_spoken_to(client, family_world):
    w = family_world
    sign_in(client, w.young_person)
    found = links(client.get("/"))
    assert found["Your EHC plan"] == f"/portal/plans/{w.own.pk}/"
    assert "Letters about you" in found
    for path, heading in (
        (f"/portal/plans/{w.own.pk}/", "Your EHC plan"),
        ("/portal/plans/", "Your EHC plan"),
        (f"/portal/children/{w.own.pk}/letters/", "Letters about you"),
        ("/reviews/family/", "Your annual reviews"),
        (f"/portal/children/{w.own.pk}/disagreements/", "Disagreements, appeals and complaints"),
    ):
        page = client.get(path)
        assert h1(page) == heading, path
        assert "Jordan's" not in text(page) and "your child" not in text(page).lower(), path


def test_a_parent_reads_about_their_child_by_name(client, family_world):
    w = family_world
    sign_in(client, w.parent)
    assert h1(client.get(f"/portal/plans/{w.child.pk}/")) == "Amara's EHC plan"
    assert h1(client.get("/portal/plans/")) == "Your child's EHC plan"
    assert h1(client.get("/reviews/family/")) == "Annual reviews"
    assert h1(client.get(f"/reviews/family/{w.reviews[0].pk}/")) == "Amara's annual review"


@pytest.mark.parametrize("page", ["letters/", "disagreements/", "letters/{letter}/"])
def test_another_familys_ids_are_refused_like_missing_ones(client, family_world, page):
    w = family_world
    sign_in(client, w.parent)
    other = client.get(f"/portal/children/{w.other_child.pk}/" + page.format(letter=w.other_letter.pk))
    missing = client.get("/portal/children/999999/" + page.format(letter=999999))
    assert other.status_code == missing.status_code == 403
    assert AuditEvent.objects.filter(action="child.view_refused", child_id=w.other_child.pk).exists()


def test_a_letter_of_another_child_or_hidden_from_the_family_is_refused(client, family_world):
    w = family_world
    sign_in(client, w.parent)
    assert client.get(f"/portal/children/{w.child.pk}/letters/{w.other_letter.pk}/").status_code == 403
    assert client.get(f"/portal/children/{w.child.pk}/letters/{w.hidden_letter.pk}/").status_code == 403
    assert client.get(f"/portal/children/{w.child.pk}/letters/999999/").status_code == 403


def test_staff_do_not_use_the_family_pages(client, family_world, make_user):
    w = family_world
    sign_in(client, make_user("caseworker"))
    assert client.get(f"/portal/children/{w.child.pk}/letters/").status_code == 403


def test_sign_in_links_to_the_request_form(client, db):
    found = links(client.get("/sign-in/"))
    assert found["Request an EHC needs assessment without an account"] == "/request-an-assessment/"
