"""Validation of the identifiers a child carries: UPN, ULN, NHS number and postcode; and of names.

Each validator returns the normalised value or raises ValueError with a message fit to show
beside the field.
"""

from __future__ import annotations

import re
import unicodedata

# DfE UPN check-letter alphabet: 23 letters, I, O and S left out so they are not misread.
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(body: str) -> str:
    """Check letter for the 12 characters after it (positions 2-13).

    Each character is multiplied by its position (2..13) and the sum taken modulo 23. A letter
    in position 13 (a temporary UPN) counts as its index in the same alphabet.
    """
    if len(body) != 12:
        raise ValueError("a UPN has 12 characters after its check letter")
    total = 0
    for position, char in enumerate(body, start=2):
        if char.isdigit():
            value = int(char)
        elif position == 13 and char in UPN_ALPHABET:
            value = UPN_ALPHABET.index(char)
        else:
            raise ValueError(f"character {position} of a UPN must be a digit")
        total += value * position
    return UPN_ALPHABET[total % 23]


def validate_upn(value: str) -> str:
    upn = re.sub(r"\s", "", value or "").upper()
    if len(upn) != 13:
        raise ValueError("Enter a UPN of 13 characters, like A123456789012")
    if upn[0] not in UPN_ALPHABET:
        raise ValueError("A UPN must start with a check letter (not I, O or S)")
    try:
        expected = upn_check_letter(upn[1:])
    except ValueError as exc:
        raise ValueError(f"Enter a valid UPN: {exc}") from None
    if upn[0] != expected:
        raise ValueError("The UPN's check letter does not match its digits: check it has been copied correctly")
    return upn


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit for an NHS number, or None where no valid number exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise ValueError("Enter an NHS number of 10 digits, like 943 476 5919")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValueError("The NHS number fails its modulus 11 check: check it has been copied correctly")
    return digits


def uln_check_digit(first_nine: str) -> int | None:
    """ULN check digit: weights 10..2, remainder modulo 11, taken from 10 (remainder 0 has none)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    remainder = total % 11
    if remainder == 0:
        return None
    return 10 - remainder


def validate_uln(value: str) -> str:
    digits = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"[1-9]\d{9}", digits):
        raise ValueError("Enter a ULN of 10 digits, not starting with 0")
    if uln_check_digit(digits[:9]) != int(digits[9]):
        raise ValueError("The ULN's check digit does not match: check it has been copied correctly")
    return digits


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def validate_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", (value or "").upper())
    match = _POSTCODE.match(compact)
    if not match:
        raise ValueError("Enter a full UK postcode, like LS1 4AP")
    return f"{match.group(1)} {match.group(2)}"


# Zero-width joiner and non-joiner are format characters that some scripts' names need.
_ALLOWED_FORMAT = {"\u200c", "\u200d"}


def hidden_character(value: str) -> str | None:
    """The first character a name must not hold, or None.

    Refused: control characters (Cc: NUL, tab, newline, escape...), format characters (Cf) such as the
    bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) that make "Sam" display as another name
    or reorder a letter, line and paragraph separators, surrogates and unassigned code points."""
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp") or (category == "Cf" and char not in _ALLOWED_FORMAT):
            return char
    return None


def validate_name_text(value: str) -> str:
    """A name (of a person, setting or organisation) without hidden or direction-changing characters."""
    char = hidden_character(value)
    if char is not None:
        raise ValueError(
            f"Remove the hidden character U+{ord(char):04X} ({_char_name(char)}): "
            "names may not contain control or text-direction characters"
        )
    return value


def _char_name(char: str) -> str:
    return unicodedata.name(char, "control character").lower()
