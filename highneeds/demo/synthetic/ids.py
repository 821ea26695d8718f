"""Vectorised synthetic identifiers that pass highneeds.engine.identifiers' validators.

* NHS numbers come from the 999 range that NHS England keeps for testing, with a correct
  modulus 11 check digit. There are 909,091 of them, so a national run gives them to most, not
  all, children (see :class:`NhsPool`).
* UPNs carry the LA number of the generating LA, a 4-digit establishment number, the 2-digit
  year of allocation and a serial, behind the DfE check letter.
* Postcodes sit in the "ZZ" area, which is not a UK postcode area: ``ZZ7 3HT``.
"""

from __future__ import annotations

import numpy as np

from highneeds.engine.identifiers import UPN_ALPHABET

from .names import POSTCODE_AREA, POSTCODE_UNIT_LETTERS

NONE = -1


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) array of the decimal digits of non-negative integers, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers[None, :]) % 10


def nhs_check_digits(first_nine: np.ndarray) -> np.ndarray:
    """Modulus 11 check digit for each 9-digit prefix; 10 where no valid number exists."""
    rest = np.asarray(first_nine, dtype=np.int64).copy()
    total = np.zeros(len(rest), dtype=np.int64)
    for weight in range(2, 11):  # least significant digit has weight 2
        rest, digit = np.divmod(rest, 10)
        total += digit * weight
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


class NhsPool:
    """Every valid test-range NHS number (999 000 000x to 999 999 999x), shuffled by seed, handed out in order."""

    def __init__(self, seed: int):
        prefixes = np.arange(999_000_000, 1_000_000_000, dtype=np.int64)
        check = nhs_check_digits(prefixes)
        valid = check != 10
        numbers = prefixes[valid] * 10 + check[valid]
        np.random.default_rng([seed, 999]).shuffle(numbers)
        self.numbers = numbers
        self.used = 0

    @property
    def remaining(self) -> int:
        return len(self.numbers) - self.used

    def take(self, wanted: np.ndarray) -> np.ndarray:
        """NHS numbers for the rows where `wanted` is true (while the pool lasts), NONE elsewhere."""
        out = np.full(len(wanted), NONE, dtype=np.int64)
        rows = np.flatnonzero(wanted)[: self.remaining]
        out[rows] = self.numbers[self.used : self.used + len(rows)]
        self.used += len(rows)
        return out


def upn_bodies(la_code: str, estab: np.ndarray, year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unique 12-digit UPN bodies (LA, establishment, 2-digit year, serial) for one LA, as int64."""
    estab = estab.astype(np.int64).copy()
    yy = year.astype(np.int64) % 100
    for _ in range(20):
        group = estab * 100 + yy
        order = np.lexsort((rng.random(len(group)), group))
        sorted_group = group[order]
        starts = np.r_[0, np.flatnonzero(sorted_group[1:] != sorted_group[:-1]) + 1]
        run_start = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
        serial = np.empty(len(group), dtype=np.int64)
        serial[order] = np.arange(len(group)) - run_start + 1
        overflow = serial > 999
        if not overflow.any():
            return int(la_code) * 10**9 + estab * 10**5 + yy * 10**3 + serial
        estab[overflow] = (estab[overflow] + 1000) % 10000
    raise RuntimeError("could not allocate unique UPNs")


def upn_strings(bodies: np.ndarray) -> np.ndarray:
    """Check letter + 12 digits, as a numpy string array (NONE -> empty string)."""
    present = bodies >= 0
    safe = np.where(present, bodies, 0)
    weights = np.arange(2, 14, dtype=np.int64)
    letters = np.array(list(UPN_ALPHABET))[(_digits(safe, 12) * weights).sum(axis=1) % 23]
    digits = np.char.zfill(safe.astype(str), 12)
    return np.where(present, np.char.add(letters, digits), "")


def nhs_strings(numbers: np.ndarray) -> np.ndarray:
    return np.where(numbers >= 0, np.char.zfill(np.where(numbers >= 0, numbers, 0).astype(str), 10), "")


def postcodes(district: np.ndarray, sector: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """'ZZ<district> <sector><two letters>' from small integers (unit indexes letter pairs)."""
    letters = np.array(list(POSTCODE_UNIT_LETTERS))
    n = len(POSTCODE_UNIT_LETTERS)
    outward = np.char.add(POSTCODE_AREA, district.astype(str))
    inward = np.char.add(np.char.add(sector.astype(str), letters[(unit // n) % n]), letters[unit % n])
    return np.char.add(np.char.add(outward, " "), inward)
