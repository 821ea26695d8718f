"""A kept run reads back exactly what was kept, whatever the figures (property test; no database, no pickles)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from highneeds.planning import runs
from highneeds.planning.engine_bridge import engine

FIELDS = dataclasses.fields(engine.Projection)
ARRAYS = [f.name for f in FIELDS if "ndarray" in str(f.type)]
values = arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(0, 4)), elements=st.floats(allow_nan=True))


@st.composite
def projections(draw):
    kwargs = {name: draw(values) for name in ARRAYS}
    years = draw(st.lists(st.integers(2000, 2060), max_size=5))
    kwargs.update(
        la_code=draw(st.text(max_size=9)),
        la_name=draw(st.text(max_size=30)),
        base_year=draw(st.integers(2000, 2060)),
        years=years,
        financial_years=[f"{y - 1}-{y % 100:02d}" for y in years],
        simulations=draw(st.integers(1, 5000)),
        seed=draw(st.integers(0, 2**31)),
        levers=draw(st.dictionaries(st.text(max_size=10), st.floats(allow_nan=False) | st.none(), max_size=4)),
    )
    return engine.Projection(**kwargs)


@settings(max_examples=40, deadline=None)
@given(projections(), projections(), st.lists(st.text(max_size=40), max_size=3))
def test_a_kept_run_reads_back_exactly(projection, baseline, notes):
    run = runs.Run(projection=projection, baseline=baseline, about={"notes": notes, "actual": [], "assumptions": []})
    back = runs.decode(runs.encode(run))
    assert back.about == run.about and back.problem == ""
    for made, kept in ((projection, back.projection), (baseline, back.baseline)):
        for f in FIELDS:
            a, b = getattr(made, f.name), getattr(kept, f.name)
            if f.name in ARRAYS:
                assert a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
            else:
                assert a == b and type(a) is type(b), f.name
