import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from highneeds.engine import identifiers as ids
from highneeds.engine import schoolyear

digits = st.text(alphabet=string.digits, min_size=1, max_size=1)


@given(st.text(alphabet=string.digits, min_size=12, max_size=12))
def test_upn_with_its_own_check_letter_is_valid(body):
    upn = ids.upn_check_letter(body) + body
    assert ids.validate_upn(upn.lower()) == upn


@given(st.text(alphabet=string.digits, min_size=12, max_size=12), st.integers(0, 11), st.integers(1, 9))
def test_changing_one_digit_of_a_upn_is_caught(body, position, delta):
    """Weights 2..13 are all non-zero modulo 23, so any single-digit change alters the check letter."""
    upn = ids.upn_check_letter(body) + body
    changed = body[:position] + str((int(body[position]) + delta) % 10) + body[position + 1 :]
    with pytest.raises(ValueError):
        ids.validate_upn(upn[0] + changed)


def test_temporary_upn_letter_in_last_place():
    body = "82012345670" + "A"
    assert ids.validate_upn(ids.upn_check_letter(body) + body)


@pytest.mark.parametrize(
    "bad,message",
    [
        ("", "13 characters"),
        ("I12345678901", "13 characters"),
        ("I123456789012", "check letter"),
        ("A12345678901X", "check letter"),
    ],
)
def test_bad_upns_say_why(bad, message):
    with pytest.raises(ValueError, match=message):
        ids.validate_upn(bad)


def test_known_nhs_numbers():
    assert ids.validate_nhs_number("943 476 5919") == "9434765919"  # NHS Digital's published example
    with pytest.raises(ValueError, match="modulus 11"):
        ids.validate_nhs_number("9434765918")
    with pytest.raises(ValueError, match="10 digits"):
        ids.validate_nhs_number("94347659")


@given(st.text(alphabet=string.digits, min_size=9, max_size=9))
def test_nhs_check_digit_round_trip(first_nine):
    check = ids.nhs_check_digit(first_nine)
    if check is None:  # a remainder giving 10 means no valid number has these nine digits
        for d in range(10):
            with pytest.raises(ValueError):
                ids.validate_nhs_number(first_nine + str(d))
    else:
        assert ids.validate_nhs_number(first_nine + str(check)) == first_nine + str(check)
        with pytest.raises(ValueError):
            ids.validate_nhs_number(first_nine + str((check + 1) % 10))


@given(st.text(alphabet="123456789", min_size=1, max_size=1), st.text(alphabet=string.digits, min_size=8, max_size=8))
def test_uln_check_digit_round_trip(first, rest):
    nine = first + rest
    check = ids.uln_check_digit(nine)
    if check is not None:
        assert ids.validate_uln(nine + str(check)) == nine + str(check)


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("ls14ap", "LS1 4AP"),
        ("SW1A 1AA", "SW1A 1AA"),
        (" m1  1ae ", "M1 1AE"),
        ("B338TH", "B33 8TH"),
        ("cr2 6xh", "CR2 6XH"),
    ],
)
def test_postcodes_normalise(raw, clean):
    assert ids.validate_postcode(raw) == clean


@pytest.mark.parametrize("bad", ["", "LS1", "12345", "LS1 4A", "LSS1 4AP1"])
def test_bad_postcodes(bad):
    with pytest.raises(ValueError, match="postcode"):
        ids.validate_postcode(bad)


# National curriculum year by the 1 September rule
@pytest.mark.parametrize(
    "dob,on,year",
    [
        (date(2015, 9, 1), date(2020, 9, 1), 0),  # oldest in the year: Reception the September they are 5
        (date(2016, 8, 31), date(2020, 9, 1), 0),  # youngest in the same year group
        (date(2016, 9, 1), date(2020, 9, 1), -1),  # a day later: a year below
        (date(2016, 8, 31), date(2021, 8, 31), 0),  # still Reception on the last day of the academic year
        (date(2016, 8, 31), date(2021, 9, 1), 1),
        (date(2008, 2, 29), date(2024, 1, 18), 11),
    ],
)
def test_year_group(dob, on, year):
    assert schoolyear.national_curriculum_year(dob, on) == year


@given(st.dates(date(1995, 1, 1), date(2030, 12, 31)), st.dates(date(2000, 1, 1), date(2040, 12, 31)))
def test_year_group_steps_once_a_year_on_1_september(dob, on):
    this = schoolyear.national_curriculum_year(dob, on)
    a_year_later = schoolyear.national_curriculum_year(dob, date(on.year + 1, on.month, min(on.day, 28)))
    assert a_year_later - this == 1
    # Children born on 1 September and the 31 August before are a year apart.
    sept = date(dob.year, 9, 1)
    aug = date(dob.year, 8, 31)
    assert schoolyear.national_curriculum_year(aug, on) - schoolyear.national_curriculum_year(sept, on) == 1


@given(st.dates(date(1996, 1, 1), date(2026, 12, 31)), st.dates(date(2000, 1, 1), date(2040, 12, 31)))
def test_age_is_whole_years(dob, on):
    age = schoolyear.age_on(dob, on)
    if on >= dob:
        assert age >= 0
        assert date(dob.year + age, dob.month, 28 if (dob.month, dob.day) == (2, 29) else dob.day) <= on


# --- names: no control or text-direction characters ---------------------------------------------------------

BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
name_text = st.text(alphabet=st.characters(categories=("L", "M", "Zs", "Pd", "Po")), max_size=30)


@pytest.mark.parametrize("char", BIDI_CONTROLS + CONTROLS + ["\u2028", "\u2029", "\ufeff", "\u200b"])
def test_every_control_and_bidi_character_is_refused(char):
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X}"):
        ids.validate_name_text(f"Sam{char}Smith")


@given(name_text, name_text, st.sampled_from(BIDI_CONTROLS + CONTROLS))
def test_a_hidden_character_anywhere_in_a_name_is_found(before, after, hidden):
    assert ids.hidden_character(before + hidden + after) is not None


@given(name_text)
def test_ordinary_names_in_any_script_pass_unchanged(name):
    assert ids.validate_name_text(name) == name


@pytest.mark.parametrize("name", ["Zoë O'Brien-Ng", "محمد", "Nguyễn Thị", "सिद्धार्थ", "क्‍ष", "می‌خواهم"])
def test_real_names_with_accents_and_joiners_pass(name):
    assert ids.validate_name_text(name) == name
