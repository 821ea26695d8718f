"""Golden figures of the demo council (Wakefield, 384, the demo's default LA) from the council model.

Recorded before engine/forecast/council.py was split into modules (issue 14), kept after: the split must
not move a single figure. A digest of every projected figure (public and casework calibration, a baseline,
a scenario with every lever, cost avoided, a goal seek, the first-year anchor) is compared, plus a few
figures in the clear so a failure says what moved. Regenerate only for a deliberate change of the model.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from highneeds.engine.forecast import council as fc
from tests.engine.test_forecast_council import DATA, _snapshot

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="the shared public data folder is not present")

LEVERS = fc.Levers(
    fewer_requests=fc.Ramp(0.10, 2024, 2),
    lower_conversion=fc.Ramp(0.05, 2023),
    more_step_down=fc.Ramp(0.02, 2025, 3),
    tariff_change=fc.Ramp(-0.03, 2024),
    new_places=[fc.NewPlaces(40, "ASD", "secondary", 28_000, 2024)],
    population_growth=0.005,
    allocation_growth=0.03,
    cost_growth=0.02,
)


def _digest(*projections: fc.Projection) -> str:
    rows = [
        [r["year"], r["measure"], r["breakdown"], *(f"{r[q]:.6g}" for q in ("p10", "p50", "p90"))]
        for p in projections
        for r in p.as_rows()
    ]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def golden():
    public = fc.calibrate_public(DATA, "384", 2022)
    casework = fc.calibrate_casework(_snapshot(public), public.population, 2022, "384", "Wakefield", public=public)
    anchored = fc.anchor_first_year(public, 2900.0)
    runs = [
        fc.project(b, levers, years=10, simulations=200, seed=7)
        for b in (public, casework, anchored)
        for levers in (fc.Levers(), LEVERS)
    ]
    seek = fc.goal_seek(public, fc.Levers(), "fewer_requests", target_year=2027, lo=0.0, hi=0.5)
    return public, runs, seek


def test_the_demo_council_baseline_is_unchanged(golden):
    public, runs, _seek = golden
    baseline = runs[0]
    assert [round(v, 3) for v in baseline.p50("plans")[:3]] == GOLDEN_PLANS
    assert round(baseline.p50("spend")[0]) == GOLDEN_SPEND
    assert round(public.total, 3) == 2704.0


def test_every_projected_figure_is_unchanged(golden):
    _public, runs, seek = golden
    assert _digest(*runs) == GOLDEN_DIGEST
    assert [round(fc.cost_avoided(runs[0], runs[1])[i]) for i in (0, 4, 9)] == GOLDEN_AVOIDED
    assert (round(seek.value, 6), seek.reached, len(seek.tried)) == GOLDEN_SEEK


GOLDEN_PLANS = [3032.196, 3378.004, 3750.214]
GOLDEN_SPEND = 43027011
GOLDEN_DIGEST = "b2462b8a57841cac01cfb99bec8142f4418fd42003e89a9bf78152f66b05c754"
GOLDEN_AVOIDED = [-789460, -603245, -925251]
GOLDEN_SEEK = (0.5, False, 2)
