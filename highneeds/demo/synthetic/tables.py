"""The columnar tables a synthetic council is made of, and the builder that accumulates their rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Table:
    """Named equal-length columns (numpy arrays, or lists for a few text columns of small tables)."""

    columns: dict

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __getitem__(self, name):
        return self.columns[name]


def concat(parts: list[dict]) -> dict:
    keys = parts[0].keys()
    return {k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in keys}


@dataclass
class Council:
    la_code: str
    la_name: str
    new_la_code: str
    region_name: str
    scale: float
    seed: int
    targets: dict  # scaled targets, for the calibration check
    establishments: Table  # this LA's own (in area and in neighbouring LAs)
    children: Table
    parents: Table
    sen_periods: Table
    needs: Table
    flags: Table
    placements: Table
    requests: Table
    events: Table
    sources: dict = field(default_factory=dict)

    TABLES = (
        "establishments",
        "children",
        "parents",
        "sen_periods",
        "needs",
        "flags",
        "placements",
        "requests",
        "events",
    )

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.TABLES}


class Builder:
    """Accumulates rows for the child-level tables."""

    def __init__(self):
        self.parts: dict[str, list[dict]] = {
            k: [] for k in ("sen_periods", "needs", "flags", "placements", "requests", "events")
        }

    def add(self, table: str, **columns):
        n = len(next(iter(columns.values())))
        if n:
            self.parts[table].append({k: np.broadcast_to(np.asarray(v), (n,)).copy() for k, v in columns.items()})

    def table(self, name: str, schema: dict) -> Table:
        parts = self.parts[name]
        if not parts:
            return Table({k: np.zeros(0, dtype=dt) for k, dt in schema.items()})
        merged = concat(parts)
        return Table({k: merged[k].astype(dt) for k, dt in schema.items()})


SCHEMAS = {
    "sen_periods": {"child": np.int32, "status": np.int8, "start": np.int32, "end": np.int32},
    "needs": {"child": np.int32, "code": np.int8, "rank": np.int8, "recorded_on": np.int32},
    "flags": {"child": np.int32, "flag": np.int8, "start": np.int32, "end": np.int32},
    "placements": {"child": np.int32, "pool": np.int32, "placement_type": np.int8, "start": np.int32, "end": np.int32},
    "requests": {
        "child": np.int32,
        "received_on": np.int32,
        "source": np.int8,
        "status": np.int8,
        "caseworker": np.int8,
        "closed_on": np.int32,
    },
    "events": {
        "child": np.int32,
        "request": np.int32,
        "event_type": np.int8,
        "occurred_on": np.int32,
        "detail": np.int8,
    },
}
