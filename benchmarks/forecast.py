"""Benchmark the EHC plan forecast: every LA (153), 10 years, 1,000 simulations.

    .venv/bin/python benchmarks/forecast.py [DATA_DIR]

Prints wall time for reading + calibrating + simulating + writing the CSV, and the process's peak
resident memory. Runs on at most 2 cores. January 2022 has 152 LAs publishing a caseload (Cumbria
split in 2023); the benchmark adds a 153rd (a copy of the largest LA) so the size matches the
153 LAs of today. Figures, not a pass/fail test: the target (the forecast issue) is under 1 s end to end
and under 500 MB.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import dataclasses  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402


def main(data_dir: Path) -> None:
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))[:2]
        os.sched_setaffinity(0, cores)
    from highneeds.engine.forecast import forecast_public, load_history, quantiles, simulate
    from highneeds.engine.forecast.data import load_flows

    started = time.perf_counter()
    frame = forecast_public(data_dir, 2022, 10, simulations=1000, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        frame.write_csv(Path(tmp) / "forecast.csv")
    public_s = time.perf_counter() - started

    h = load_history(data_dir, 2022)
    big = int(np.nanargmax(h.totals[:, -1]))
    extra = h.las[big].with_columns(old_la_code=pl.lit("999"), la_name=pl.lit("Extra LA (benchmark copy)"))
    h153 = dataclasses.replace(
        h,
        las=pl.concat([h.las, extra]),
        groups=np.concatenate([h.groups, h.groups[big : big + 1]]),
        totals=np.concatenate([h.totals, h.totals[big : big + 1]]),
        profile=np.concatenate([h.profile, h.profile[big : big + 1]]),
        population=np.concatenate([h.population, h.population[big : big + 1]]),
    )
    f = load_flows(data_dir, h)
    f153 = dataclasses.replace(
        f,
        new_plans=np.concatenate([f.new_plans, f.new_plans[big : big + 1]]),
        requests=np.concatenate([f.requests, f.requests[big : big + 1]]),
        new_by_group=None
        if f.new_by_group is None
        else np.concatenate([f.new_by_group, f.new_by_group[big : big + 1]]),
    )
    started = time.perf_counter()
    sims = simulate(h153, 10, 1000, seed=0, flows=f153)
    quantiles(sims)
    sim_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cores used: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}")
    print(
        f"forecast public, 152 LAs + England, 10 years, 1,000 simulations, read to CSV: {public_s:.2f} s "
        f"({frame.height} rows)"
    )
    print(f"calibrate + simulate + quantiles, 153 LAs, 10 years, 1,000 simulations: {sim_s:.2f} s")
    print(f"peak resident memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    default = Path(
        os.environ.get("HIGHNEEDS_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
    )
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
