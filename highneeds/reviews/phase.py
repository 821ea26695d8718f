"""Which children move phase next September, and of what kind (SEND Regulations 2014, regulation 18).

Pure functions over year groups and a setting's age range, so they are easy to test:

* a child needs a transfer if next September's year group is one their current setting does not
  teach (read from the setting's age range, as Get Information About Schools gives it);
* where the setting's range is unknown (or there is no setting), the usual entry points count:
  Reception (0), Year 7 and Year 12. Year 3 (infant to junior) counts only where the setting is known
  to stop at age 7;
* the kind decides the deadline: into Year 12 from school is `secondary_to_post16` (31 March), a
  move between post-16 settings is `post16` (5 months before), anything else `school` (15 February).
"""

from __future__ import annotations

from datetime import date

from highneeds.engine.schoolyear import academic_year_start

ENTRY_YEARS = (0, 7, 12)


def next_september(today: date) -> date:
    """The start of the next academic year: the September still to come."""
    return date(academic_year_start(today) + 1, 9, 1)


def teaches(age_low: int | None, age_high: int | None, year: int) -> bool | None:
    """Whether a setting with this age range teaches year group `year` (ages year+4 to year+5 during it);
    None when the range is not known."""
    if age_low is None or age_high is None:
        return None
    return age_low <= year + 5 and age_high >= year + 5


def transfer_kind(year_now: int, age_low: int | None, age_high: int | None, early_years: bool = False) -> str | None:
    """The kind of transfer a child in `year_now` makes next September, or None if they stay."""
    year_next = year_now + 1
    if year_next < 0:
        return None
    covered = teaches(age_low, age_high, year_next)
    if early_years and year_next >= 0:
        covered = False
    if covered is None:
        moving = year_next in ENTRY_YEARS
    else:
        moving = not covered
    if not moving:
        return None
    if year_next == 12 or (year_next > 12 and year_now < 12):
        return "secondary_to_post16"
    return "post16" if year_now >= 12 else "school"


def phase_of(year: int) -> str:
    """The tracker's phase for a year group."""
    if year < 0:
        return "early_years"
    if year <= 6:
        return "primary"
    return "secondary" if year <= 11 else "post16"
