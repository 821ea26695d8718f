"""Synthetic councils calibrated to real LAs' published figures (pure numpy; no Django).

    targets = publicdata.load_targets(data_dir)
    shared = shared_for(targets, data_dir, seed=2022)
    council = generate_council(targets.for_la("384"), scale=1.0, seed=2022, shared=shared)
    for row in calibration.checks(council): ...

Every name, address and identifier is synthetic: invented surnames and places, "ZZ" postcodes,
NHS numbers from the 999 test range, Ofcom's drama phone numbers, example.com e-mail. Only the
section 41 institution names are real (they are organisations on a public list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from highneeds.engine import publicdata

from . import calibration, render
from .council import generate_council
from .ids import NhsPool
from .shared import SharedEstablishments, shared_establishments
from .tables import Council, Table
from .vocabulary import ALL_SETTINGS, E_KEYS, K_KEYS, REFERENCE_DATE

DEFAULT_LA = "384"  # Wakefield: 2,704 EHC plans + 7,350 on SEN support = 10,054 children at scale 1
DEFAULT_SEED = 2022

__all__ = [
    "ALL_SETTINGS",
    "DEFAULT_LA",
    "DEFAULT_SEED",
    "E_KEYS",
    "K_KEYS",
    "REFERENCE_DATE",
    "Council",
    "NhsPool",
    "SharedEstablishments",
    "Table",
    "calibration",
    "generate_council",
    "generate_national",
    "render",
    "shared_for",
    "shared_establishments",
]


def shared_for(
    targets: publicdata.CalibrationTargets, data_dir: Path | str, *, seed: int = DEFAULT_SEED
) -> SharedEstablishments:
    """The establishments every council shares (section 41 list and non-maintained special schools)."""
    s41 = publicdata.s41_institutions(data_dir)
    las = list(targets.las.select("old_la_code", "la_name", "region_name").iter_rows())
    return shared_establishments(list(s41.iter_rows()), las, seed)


def generate_national(
    targets: publicdata.CalibrationTargets,
    shared: SharedEstablishments,
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    codes: list[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Iterator[Council]:
    """One council per LA in LA-number order, sharing one NHS number pool so numbers never repeat."""
    nhs = NhsPool(seed)
    codes = codes or targets.codes
    for i, code in enumerate(codes):
        la = targets.for_la(code)
        if progress:
            progress(la.la_name, i, len(codes))
        yield generate_council(la, scale=scale, seed=seed, shared=shared, nhs=nhs)
