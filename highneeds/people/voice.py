"""Who a family page speaks to: the one wording switch for every family page.

A young person (16 or over, which the `people.view_child` rule already requires) reading their own record is
"you": "your plan", "your reviews", "your views". A parent reads about their child by name ("Amara's plan"), or
"your child" where a page is about no one child. Templates call `voice(child)` (a Jinja global); views use
`voice_for(user, child)` for page titles, so the heading and the <title> never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from highneeds.accounts.roles import Role


@dataclass(frozen=True)
class Voice:
    own: bool  # the reader is the young person the record is about
    name: str  # the child's name as a parent reads it

    @property
    def who(self) -> str:
        """The subject: "you" or "Amara"."""
        return "you" if self.own else self.name

    @property
    def whose(self) -> str:
        """The possessive: "your" or "Amara's"."""
        return "your" if self.own else f"{self.name}'s"

    @property
    def Whose(self) -> str:  # noqa: N802 - reads as the sentence-start form in templates
        return self.whose[:1].upper() + self.whose[1:]

    @property
    def Who(self) -> str:  # noqa: N802
        return self.who[:1].upper() + self.who[1:]

    def says(self, yours: str, theirs: str) -> str:
        """Pick a wording where the verb or the sentence differs: says("you want", "Amara wants")."""
        return yours if self.own else theirs


def voice_for(user, child=None) -> Voice:
    """`child` None: a page about all the family's children (a young person has only their own)."""
    young_person = getattr(user, "role", None) == Role.YOUNG_PERSON
    own = young_person and (child is None or getattr(user, "child_id", None) == child.pk)
    if child is None:
        return Voice(own=own, name="your child")
    return Voice(own=own, name=child.preferred_name or child.first_name)
