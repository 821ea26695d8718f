"""When a child becomes a "young person" for letters: tested against the words of s8(3) Education Act 1996.

"A person ceases to be of compulsory school age at the end of the day which is the school leaving date for any
calendar year (a) if he attains the age of 16 after that day but before the beginning of the school year next
following, (b) if he attains that age on that day, or (c) (unless paragraph (a) applies) if that day is the school
leaving date next following his attaining that age." The school leaving date is the last Friday in June
(Education (School Leaving Date) Order 1997). A person attains an age at the start of the anniversary of their
birth (Family Law Reform Act 1969 s9): a 29 February birthday on 1 March in a common year.
"""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from highneeds.engine.schoolyear import (
    age_on,
    compulsory_school_age_ends,
    is_young_person,
    school_leaving_date,
)


def _last_friday_in_june(year: int) -> date:
    return max(date(year, 6, d) for d in range(1, 31) if date(year, 6, d).weekday() == 4)


def _sixteenth_birthday(dob: date) -> date:
    day = dob + timedelta(days=365 * 16)
    while age_on(dob, day) >= 16:
        day -= timedelta(days=1)
    while age_on(dob, day) < 16:
        day += timedelta(days=1)
    return day


def _by_the_words(dob: date) -> date:
    attains = _sixteenth_birthday(dob)
    leaving = _last_friday_in_june(attains.year)
    if leaving < attains < date(attains.year, 9, 1):  # (a)
        return leaving
    if attains == leaving:  # (b)
        return leaving
    return leaving if attains < leaving else _last_friday_in_june(attains.year + 1)  # (c)


births = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@given(st.integers(1990, 2060))
def test_the_leaving_date_is_the_last_friday_in_june(year):
    assert school_leaving_date(year) == _last_friday_in_june(year)


@given(births)
def test_compulsory_school_age_ends_as_section_8_says(dob):
    assert compulsory_school_age_ends(dob) == _by_the_words(dob)


@given(births, st.integers(-3, 3))
def test_a_young_person_from_the_day_after_the_leaving_date(dob, offset):
    last = _by_the_words(dob)
    assert is_young_person(dob, last + timedelta(days=offset)) is (offset > 0)


@given(st.integers(1995, 2030))
def test_birthdays_around_the_leaving_date_and_the_new_school_year(year):
    """Born on, the day before and after the leaving date, on 31 August and 1 September."""
    leaving = _last_friday_in_june(year + 16)
    for dob in (
        leaving.replace(year=year),
        (leaving + timedelta(days=1)).replace(year=year),
        (leaving - timedelta(days=1)).replace(year=year),
        date(year, 8, 31),
        date(year, 9, 1),
    ):
        assert compulsory_school_age_ends(dob) == _by_the_words(dob)
    assert compulsory_school_age_ends(date(year, 8, 31)) == leaving
    assert compulsory_school_age_ends(date(year, 9, 1)) == _last_friday_in_june(year + 17)


def test_a_leap_day_birthday():
    assert compulsory_school_age_ends(date(2008, 2, 29)) == date(2024, 6, 28)
    assert compulsory_school_age_ends(date(2084, 2, 29)) == _by_the_words(date(2084, 2, 29))
