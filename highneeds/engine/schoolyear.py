"""National curriculum year from date of birth, by the 1 September rule."""

from __future__ import annotations

from datetime import date


def academic_year_start(on: date) -> int:
    """The calendar year in which the academic year containing `on` began (1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def national_curriculum_year(date_of_birth: date, on: date) -> int:
    """Year group in the academic year containing `on`: 0 is Reception, negative is early years.

    A child born between 1 September and 31 August of the next year starts Reception in the
    September after their fourth birthday.
    """
    return academic_year_start(on) - academic_year_start(date_of_birth) - 5


def describe_year(ncy: int) -> str:
    if ncy < -1:
        return "Early years"
    if ncy == -1:
        return "Nursery"
    if ncy == 0:
        return "Reception"
    if ncy <= 14:
        return f"Year {ncy}"
    return "Post-19"


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on a date (a 29 February birthday ages on 1 March in common years)."""
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


def school_leaving_date(year: int) -> date:
    """The last Friday in June of `year`: the school leaving date (Education (School Leaving Date) Order 1997,
    art. 2, made under s8(4) Education Act 1996)."""
    last = date(year, 6, 30)
    return date(year, 6, 30 - (last.weekday() - 4) % 7)


def compulsory_school_age_ends(date_of_birth: date) -> date:
    """The last day of compulsory school age: the school leaving date of the school year (1 September to 31
    August, s579(1) Education Act 1996) in which the person attains 16. This is s8(3) Education Act 1996 in
    one line: its three limbs (16 after that day but before the next school year; 16 on that day; otherwise
    the next leaving date after turning 16) all land on that date. A 29 February birthday attains 16 on
    1 March in a common year (`age_on`), which is in the same school year."""
    return school_leaving_date(
        academic_year_start(
            date(date_of_birth.year + 16, 3, 1)
            if (date_of_birth.month, date_of_birth.day) == (2, 29)
            else date_of_birth.replace(year=date_of_birth.year + 16)
        )
        + 1
    )


def is_young_person(date_of_birth: date, on: date) -> bool:
    """Over compulsory school age on `on` (s83(2) Children and Families Act 2014: a "young person" is over
    compulsory school age and under 25; the letters rule uses only the start, since a plan may run to the end
    of the school year of the 25th birthday). Compulsory school age ends at the end of the leaving date."""
    return on > compulsory_school_age_ends(date_of_birth)
