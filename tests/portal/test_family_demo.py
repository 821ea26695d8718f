"""The demo families have past reviews and letters to read (highneeds/portal/demo.py), and running it again
writes nothing more."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from highneeds.accounts.models import User
from highneeds.accounts.roles import SYSTEM
from highneeds.demo import extras
from highneeds.engine import publicdata
from highneeds.letters.models import Letter
from highneeds.people.queries import visible_children
from highneeds.portal import demo, family
from highneeds.reviews.queries import family_reviews

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (settings.SHARED_DATA_DIR / publicdata.CASELOAD_FILE).is_file(), reason="shared data folder not present"
    ),
]


def test_the_demo_parent_and_young_person_have_past_reviews_and_letters():
    call_command("demo_data", "--no-progress", "--scale", "0.03", stdout=io.StringIO())
    for username in ("parent", "youngperson"):
        user = User.objects.get(username=username)
        (child,) = visible_children(user)
        past = [r for r in family_reviews(user) if not r.is_open]
        assert past and all(r.held_on and r.decision and r.decided_on for r in past[:2]), username
        letters = family.child_letters(child, user)
        assert f"review_decision_{past[0].decision}" in {letter.template_code for letter in letters}
        # Dated when they were sent, not when the demo ran.
        assert any(letter.created_at.date() == past[0].decided_on for letter in letters)
        (links,) = family.home_links(user)
        assert links.plan and links.reviews and links.letters == len(letters)
    before = Letter.objects.count()
    extras.prepare_app(actor=SYSTEM, module=demo)
    assert Letter.objects.count() == before
