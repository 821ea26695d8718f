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
