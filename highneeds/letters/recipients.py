"""Who receives a family letter: the one rule, used by every letter to a family and shown on the pages.

Parents and carers with parental responsibility, and the child themself once they are a young person: over
compulsory school age, that is from the day after the school leaving date (the last Friday in June) of the school
year in which they turn 16 (s83(2) Children and Families Act 2014; s8 Education Act 1996; engine/schoolyear).
Nobody else is addressed silently: not the school or professional who made a request. Where nobody on the record
can receive a letter, the letter is kept on the record addressed to "The parent or carer of ..." and the pages
say so (`nobody`), so a caseworker adds a parent or carer before posting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from highneeds.engine.schoolyear import compulsory_school_age_ends, is_young_person


@dataclass(frozen=True)
class Recipients:
    parents: list[str] = field(default_factory=list)
    young_person: str = ""  # the child's name, once over compulsory school age
    young_person_from: date | None = None  # the first day they receive letters themself
    placeholder: str = ""

    @property
    def nobody(self) -> bool:
        return not (self.parents or self.young_person)

    @property
    def names(self) -> list[str]:
        """Whom each letter is addressed to: the placeholder only when nobody on the record can receive it."""
        return [*self.parents, *([self.young_person] if self.young_person else [])] or [self.placeholder]


def family_recipients(child, on: date | None = None) -> Recipients:
    on = on or date.today()
    parents = [p.full_name for p in child.parents.filter(parental_responsibility=True).order_by("pk")]
    young = is_young_person(child.date_of_birth, on)
    return Recipients(
        parents=parents,
        young_person=child.full_name if young else "",
        young_person_from=compulsory_school_age_ends(child.date_of_birth) + timedelta(days=1),
        placeholder=f"The parent or carer of {child.full_name}",
    )


def for_page(child, on: date | None = None) -> dict:
    """Plain data for a page's "Letters go to" summary and its warning."""
    r = family_recipients(child, on)
    return {
        "names": [] if r.nobody else r.names,
        "nobody": r.nobody,
        "young_person": bool(r.young_person),
        "young_person_from": r.young_person_from,
    }
