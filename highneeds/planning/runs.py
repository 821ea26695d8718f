"""Forecast and scenario runs on the task queue, kept by their inputs (docs/tasks.md, "Forecasts and scenarios").

A run is what a forecast page shows: the scenario's projection, the same with its safety-valve levers off, and the
assumptions and actual history drawn beside them. Calibrating from the national data (the all-LA forecast anchors
every council's first year) and simulating take seconds, so a worker does it and the result is kept
(`jobs.KeptFile`) under a hash of everything that goes into it: the scenario's inputs (`engine_bridge.run_inputs`,
the casework fingerprint of a casework base included), the public data files' contents and the model's version
(its source). Any change to any of them is a new run; the same inputs are never run twice. Every web process and
worker sees the same kept runs, where the old per-process cache was computed again in each.

Kept as numpy's .npz (arrays) plus JSON (everything else), read back with `allow_pickle=False`: no pickles. The
command line (`highneeds scenario run`, `forecast public`) still runs in its own process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.urls import reverse
from django_tasks import task

from highneeds.accounts.roles import SystemActor
from highneeds.engine import forecast as forecast_engine
from highneeds.engine import publicdata as publicdata_engine
from highneeds.jobs import progress
from highneeds.jobs.models import KeptFile
from highneeds.jobs.services import keep_file

from . import engine_bridge as eb
from . import exports, presenting
from .models import Scenario

NPZ, JSON = "application/x-npz", "application/json"
PREFIX = "forecast-run"
# Problems a calibration meets in the data (no published caseload for the LA, a base year outside the data): shown
# on the page, and kept like a result, since the same inputs would meet them again.
PROBLEMS = (LookupError, ValueError)


@dataclass
class Run:
    projection: object = None
    baseline: object = None
    about: dict = field(default_factory=dict)  # notes, actual, assumptions (plain data)
    problem: str = ""


# ---------------------------------------------------------------------------------------------
# The key: inputs, data and model


@lru_cache(maxsize=1)
def model_version() -> str:
    """A hash of the model's source (the forecast engine, the public-data readers, the bridge): a change to the
    model is a new run without anyone remembering to bump a number."""
    digest = hashlib.sha256(eb.BASE_VERSION.encode())
    sources = [Path(forecast_engine.__file__).parent, Path(publicdata_engine.__file__).parent]
    for path in sorted(p for folder in sources for p in folder.rglob("*.py")) + [Path(eb.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


_data_seen: dict = {}


def data_version() -> str:
    """A hash of every file in the public data folder, read again only when a file's size or time changes."""
    root = Path(eb.data_dir())
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    stamp = tuple((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    if _data_seen.get("stamp") != stamp:
        digest = hashlib.sha256()
        for path in files:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        _data_seen.update(stamp=stamp, digest=digest.hexdigest()[:20])
    return _data_seen["digest"]


def slot(scenario: Scenario) -> str:
    """Which scenario a run belongs to: a new run replaces the scenario's earlier ones (they are never shown again)."""
    return f"{PREFIX}:{scenario.pk or 'baseline'}:"


def run_key(scenario: Scenario) -> str:
    spec = eb.run_inputs(scenario)
    inputs = {
        "spec": spec,
        "base": eb.base_key(spec["base"], spec["la_code"], spec["base_year"]),
        "data": data_version(),
        "model": model_version(),
    }
    return slot(scenario) + hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()[:40]


# ---------------------------------------------------------------------------------------------
# Keeping a run: arrays in .npz, the rest as JSON


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot keep {type(value).__name__}")


def encode(run: Run) -> bytes:
    arrays, meta = {}, {"about": run.about}
    for name in ("projection", "baseline"):
        obj, fields = getattr(run, name), {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, np.ndarray):
                arrays[f"{name}.{f.name}"] = value
            else:
                fields[f.name] = value
        meta[name] = fields
    arrays["meta"] = np.array(json.dumps(meta, default=_plain))
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)
    return out.getvalue()


def decode(content: bytes) -> Run:
    with np.load(io.BytesIO(content), allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
        parts = {}
        for name in ("projection", "baseline"):
            kwargs = {}
            for f in dataclasses.fields(eb.engine.Projection):
                if f"{name}.{f.name}" in npz.files:
                    kwargs[f.name] = npz[f"{name}.{f.name}"]
                elif f.name in meta[name]:
                    value = meta[name][f.name]
                    kwargs[f.name] = tuple(value) if isinstance(f.default, tuple) else value
            parts[name] = eb.engine.Projection(**kwargs)
    return Run(projection=parts["projection"], baseline=parts["baseline"], about=meta["about"])


def kept(scenario: Scenario) -> Run | None:
    """The scenario's run as its inputs are now, if a worker has made it; else None."""
    found = KeptFile.objects.filter(key=run_key(scenario)).first()
    if found is None:
        return None
    if found.content_type == JSON:
        return Run(problem=json.loads(bytes(found.content))["problem"])
    return decode(bytes(found.content))


# ---------------------------------------------------------------------------------------------
# Making a run


def compute(scenario: Scenario, report=lambda done: None) -> Run:
    base = eb.calibrated(scenario.base, scenario.la_code, scenario.base_year)
    about = {
        "notes": list(base.notes),
        "actual": presenting.history(base),
        "assumptions": exports.lever_lines(scenario, base),
    }
    report(1)
    projection = eb.projection_for(scenario)
    report(2)
    return Run(
        projection=projection, baseline=eb.baseline_for(scenario), about=json.loads(json.dumps(about, default=_plain))
    )


@task(takes_context=True)
def run_forecast(context, scenario_id: int | None = None) -> dict:
    """Run and keep a scenario's forecast (None: the council's baseline). Run twice, the second finds it kept."""
    scenario = eb.council_baseline() if scenario_id is None else Scenario.objects.get(pk=scenario_id)
    key = run_key(scenario)
    if not KeptFile.objects.filter(key=key).exists():
        try:
            run = compute(scenario, report=lambda done: progress.report(context, done, 3))
            content, kind = encode(run), NPZ
        except PROBLEMS as exc:
            content, kind = json.dumps({"problem": eb.problem_text(exc)}).encode(), JSON
        keep_file(actor=SystemActor("forecast"), key=key, content=content, content_type=kind, replaces=slot(scenario))
    page = reverse("planning:overview") if scenario_id is None else reverse("planning:scenario", args=[scenario_id])
    return {"url": page, "link": "See the forecast", "summary": f"The forecast for ‘{scenario.name}’ is ready."}
