"""What a family sees about each child, and where the home page links.

Each home-page link comes from the same query as the page it opens (`family_children_with_plans` for the plan,
`family_reviews` for reviews, `child_letters` and `child_disagreements` here), so a link is shown exactly when
the page has something on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from highneeds.disputes.models import Appeal, Cessation, Complaint, DecisionNotice
from highneeds.letters.models import Letter
from highneeds.people.models import ParentCarer
from highneeds.people.queries import visible_children
from highneeds.people.voice import voice_for
from highneeds.plans.queries import family_children_with_plans
from highneeds.reviews.queries import family_reviews

from .queries import FOLLOW_REQUESTS


def one_copy_each(letters: QuerySet[Letter], child_id: int, viewer) -> list[Letter]:
    """Each letter to the family is made once per parent with parental responsibility: show one copy, the
    viewer's own where there is one, newest first."""
    mine = (
        {p.full_name for p in ParentCarer.objects.filter(child_id=child_id, user=viewer)}
        if getattr(viewer, "pk", None)
        else set()
    )
    chosen: dict[tuple, Letter] = {}
    for letter in letters.filter(family_can_see=True).order_by("-created_at", "-id"):
        key = (letter.template_code, letter.subject, letter.created_at.date() if letter.created_at else None)
        if key not in chosen or letter.recipient in mine:
            chosen[key] = letter
    return sorted(chosen.values(), key=lambda letter: (letter.created_at, letter.id), reverse=True)


def child_letters(child, viewer) -> list[Letter]:
    """Every letter on the child's record that the family may read (requests, plans, reviews, disagreements)."""
    return one_copy_each(Letter.objects.filter(child=child), child.pk, viewer)


def child_disagreements(child) -> dict:
    """Decisions the family could disagree with (and mediation), appeals, complaints and a proposal to stop the
    plan. Staff notes (findings, learning, internal responses) are left out."""
    return {
        "notices": list(
            DecisionNotice.objects.filter(child=child).select_related("mediation").order_by("-sent_on", "-id")
        ),
        "appeals": list(Appeal.objects.filter(child=child).order_by("-lodged_on", "-id")),
        "complaints": list(Complaint.objects.filter(child=child).order_by("-received_on", "-id")),
        "cessations": list(Cessation.objects.filter(child=child).order_by("-proposed_on", "-id")),
    }


@dataclass
class ChildLinks:
    child: object
    voice: object
    plan: bool
    reviews: int
    letters: int
    disagreements: int


def home_links(user) -> list[ChildLinks]:
    """Per child the family may see: which of the plan, reviews, letters and disagreements pages have something."""
    if not user.has_perm(FOLLOW_REQUESTS):
        return []
    with_plans = {p.child_id for p in family_children_with_plans(user)}
    reviews: dict[int, int] = {}
    for review in family_reviews(user):
        reviews[review.child_id] = reviews.get(review.child_id, 0) + 1
    found = []
    for child in visible_children(user).order_by("first_name", "last_name", "pk"):
        disagreements = child_disagreements(child)
        found.append(
            ChildLinks(
                child=child,
                voice=voice_for(user, child),
                plan=child.pk in with_plans,
                reviews=reviews.get(child.pk, 0),
                letters=len(child_letters(child, user)),
                disagreements=sum(len(items) for items in disagreements.values()),
            )
        )
    return found
