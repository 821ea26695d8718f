"""Establishments shared by every LA: section 41 independent special schools and specialist
post-16 institutions (real organisations), and invented non-maintained special schools."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from highneeds.engine import publicdata

from . import names
from .helpers import NONE, day
from .ids import postcodes
from .tables import Table


@dataclass
class SharedEstablishments:
    table: Table
    region: np.ndarray  # region name per row, for choosing nearer settings

    def pool(self, est_type: str) -> np.ndarray:
        return np.flatnonzero(np.asarray(self.table["establishment_type"]) == est_type)


def shared_establishments(s41: list[tuple], las: list[tuple[str, str, str]], seed: int) -> SharedEstablishments:
    """`s41`: (name, la_name, establishment_type, approved_on date|None); `las`: (code, name, region)."""
    rng = np.random.default_rng([seed, 41])
    by_name = {publicdata._normalise_name(name): (code, name, region) for code, name, region in las}
    rows = []
    for name, la_name, est_type, approved in s41:
        code, real_name, region = by_name.get(publicdata._normalise_name(la_name), ("", la_name, ""))
        post16 = est_type == "SPECIALIST_POST16"
        rows.append(
            dict(
                name=name,
                establishment_type=est_type,
                phase="POST16" if post16 else "ALL_THROUGH",
                age_low=16 if post16 else 5,
                age_high=25 if post16 else 19,
                la_code=code,
                la_name=real_name,
                urn=NONE,
                ukprn=NONE,
                s41_approved=True,
                s41_approved_on=day(approved) if approved else NONE,
                region=region,
            )
        )
    places = rng.permutation(names.PLACES)
    for i in range(60):
        code, la_name, region = las[int(rng.integers(0, len(las)))]
        kind = names.NMSS_KINDS[i % len(names.NMSS_KINDS)]
        rows.append(
            dict(
                name=f"{places[i % len(places)]} {kind}",
                establishment_type="SP_NON_MAINTAINED",
                phase="ALL_THROUGH",
                age_low=5,
                age_high=19,
                la_code=code,
                la_name=la_name,
                urn=int(f"870{i:05d}"),
                ukprn=NONE,
                s41_approved=False,
                s41_approved_on=NONE,
                region=region,
            )
        )
    n = len(rows)
    pc_rng = np.random.default_rng([seed, 42])
    designated = [
        sorted(
            {"ASD", "SEMH", "SLD", "PMLD", "HI", "VI", "MSI", "PD"}
            & set(pc_rng.choice(["ASD", "SEMH", "SLD", "PMLD", "HI", "VI", "MSI", "PD"], 2))
        )
        for _ in range(n)
    ]
    columns = {k: [r[k] for r in rows] for k in rows[0] if k != "region"}
    columns.update(addresses(pc_rng, n))
    columns.update(
        has_sen_unit=[False] * n,
        sen_unit_places=[None] * n,
        has_resourced_provision=[False] * n,
        resourced_provision_places=[None] * n,
        designated_needs=designated,
    )
    return SharedEstablishments(Table(columns), np.array([r["region"] for r in rows]))


def addresses(rng: np.random.Generator, n: int) -> dict:

    district = rng.integers(1, 99, n)
    return {
        "street": [
            f"{h} {names.STREET_STEMS[s]} {names.STREET_TYPES[t]}"
            for h, s, t in zip(
                rng.integers(1, 200, n),
                rng.integers(0, len(names.STREET_STEMS), n),
                rng.integers(0, len(names.STREET_TYPES), n),
                strict=True,
            )
        ],
        "town": [names.PLACES[i] for i in rng.integers(0, len(names.PLACES), n)],
        "postcode": postcodes(district, rng.integers(1, 10, n), rng.integers(0, 400, n)).tolist(),
    }
