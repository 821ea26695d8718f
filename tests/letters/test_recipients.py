"""Who receives a family letter (letters.recipients): one rule for every letter to a family."""

from datetime import date, timedelta

from highneeds.accounts.roles import SYSTEM
from highneeds.casework import services as cw
from highneeds.engine.schoolyear import compulsory_school_age_ends
from highneeds.letters.recipients import family_recipients, for_page
from highneeds.people import services as people


def _parent(child, name, responsibility=True):
    return people.add_parent(
        actor=SYSTEM,
        child=child,
        first_name=name,
        last_name="Samplefield",
        relationship="Parent",
        parental_responsibility=responsibility,
    )


def test_parents_with_parental_responsibility_only(make_child):
    child = make_child(dob=date(2016, 1, 1))
    _parent(child, "Ada")
    _parent(child, "Bo", responsibility=False)
    recipients = family_recipients(child, on=date(2026, 1, 1))
    assert recipients.names == ["Ada Samplefield"] and not recipients.nobody and not recipients.young_person


def test_the_young_person_from_the_day_after_the_leaving_date(make_child):
    child = make_child(dob=date(2010, 3, 4))  # turns 16 in the school year 2025/26: leaving date 26 June 2026
    _parent(child, "Ada")
    assert compulsory_school_age_ends(child.date_of_birth) == date(2026, 6, 26)
    assert family_recipients(child, on=date(2026, 6, 26)).names == ["Ada Samplefield"]
    assert family_recipients(child, on=date(2026, 6, 27)).names == ["Ada Samplefield", child.full_name]


def test_sixteen_is_not_enough(make_child):
    """Plans used to write to a 16-year-old on their birthday; the law says the end of that school year."""
    child = make_child(dob=date(2010, 9, 10))
    _parent(child, "Ada")
    assert child.age(date(2026, 10, 1)) == 16
    assert family_recipients(child, on=date(2026, 10, 1)).names == ["Ada Samplefield"]
    assert family_recipients(child, on=date(2027, 6, 26)).names == ["Ada Samplefield", child.full_name]


def test_nobody_on_the_record_is_said_not_hidden(make_child):
    child = make_child(dob=date(2016, 1, 1))
    recipients = family_recipients(child, on=date(2026, 1, 1))
    assert recipients.nobody and recipients.names == [f"The parent or carer of {child.full_name}"]
    assert for_page(child, on=date(2026, 1, 1)) == {
        "names": [],
        "nobody": True,
        "young_person": False,
        "young_person_from": date(2032, 6, 26),
    }  # the day after Fri 25 June


def test_a_school_that_made_the_request_is_never_written_to_as_the_family(make_child, make_user):
    worker = make_user("caseworker")
    child = make_child()
    request = cw.submit_request(
        actor=worker,
        child=child,
        received_on=date.today() - timedelta(days=3),
        source="2",
        requester_name="Ms Head, Sample Primary",
        caseworker=worker,
    )
    letters = list(request.letters.all())
    assert letters and all(letter.recipient == f"The parent or carer of {child.full_name}" for letter in letters)
    _parent(child, "Ada")
    cw.withdraw_request(actor=worker, request=request, withdrawn_on=date.today(), reason="Family moved")
    assert request.letters.filter(template_code="request_withdrawn").get().recipient == "Ada Samplefield"


def test_the_case_and_letter_pages_say_who_receives_letters(client, make_child, make_user):
    worker = make_user("caseworker")
    client.post("/sign-in/", {"username": worker.username, "password": "correct horse battery staple"})
    child = make_child()
    request = cw.submit_request(
        actor=worker,
        child=child,
        received_on=date.today() - timedelta(days=3),
        source="2",
        requester_name="Ms Head",
        caseworker=worker,
    )
    letter = request.letters.get()
    for page in (f"/cases/{request.pk}/", f"/cases/{request.pk}/letters/{letter.pk}/"):
        body = client.get(page).content.decode()
        assert (
            "Nobody on this record can receive family letters" in body
            and "To Ms Head" not in body
            and "to Ms Head" not in body
        )
    _parent(child, "Ada")
    body = client.get(f"/cases/{request.pk}/").content.decode()
    assert "Family letters go to: Ada Samplefield." in body and "Nobody on this record" not in body
