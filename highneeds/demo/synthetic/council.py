"""One synthetic council, calibrated to an LA's January 2022 figures, as columnar numpy arrays.

Exact marginals, random joint detail: every published figure (EHC plans by setting, by age
group and by primary need; pupils on SEN support by phase and need) is first turned into whole
numbers summing to the scaled total (largest remainders), the joints (age x setting,
setting x need) are fitted with integer IPF on plausible seed patterns, and only then are
individual children drawn. So the January 2022 status matches the targets to the child, at any
scale, and two runs with the same seed are identical.

Histories run back to 2015: SEN support before a plan, the request and assessment of each plan
(about `within_20_weeks` of them issued within 20 weeks, the LA's own published rate),
transfers from statements for older plans, annual reviews, placements changing at each phase
transfer (and on moving to a special school or AP), refused, withdrawn and in-flight requests,
a few ceased plans, and cohort flags at the LA's published rates where there are any.
"""

from __future__ import annotations

import numpy as np

from highneeds.engine import publicdata

from .helpers import apportion
from .histories import Histories
from .ids import NhsPool
from .placements import Placements
from .population import Population
from .shared import SharedEstablishments
from .tables import SCHEMAS, Builder, Council, Table
from .vocabulary import AGE_GROUPS, E_KEYS, K_PHASES, MAINSTREAM_KEYS, NEEDS

# ------------------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------------------


def scaled_targets(t: publicdata.LaTargets, scale: float) -> dict:
    """Whole-number targets at `scale` (the EHCP margins all sum to the same total)."""
    n_e = int(round(t.ehcp_total * scale))
    n_k = int(round(t.sen_support_total * scale))
    # groups first, then the settings within each group, so group totals stay within one child
    groups = list(publicdata.SETTING_GROUPS)
    group_of = np.array([groups.index(publicdata.SETTINGS_BY_KEY[k].group) for k in E_KEYS])
    raw = np.array([t.settings[k] for k in E_KEYS], dtype=float)
    group_counts = apportion(np.bincount(group_of, weights=raw, minlength=len(groups)), n_e)
    settings = np.zeros(len(E_KEYS), dtype=np.int64)
    for g, count in enumerate(group_counts):
        members = np.flatnonzero(group_of == g)
        settings[members] = apportion(raw[members] if raw[members].sum() else np.ones(len(members)), int(count))
    ages = apportion([t.age_shares[g] for g in AGE_GROUPS], n_e)
    needs_e = apportion([t.need_mix["E"].get(n, 0.0) for n in NEEDS], n_e)
    phases = apportion([t.sen_support_phases.get(p, 0.0) for p in K_PHASES], n_k)
    needs_k = apportion([t.need_mix["K"].get(n, 0.0) for n in NEEDS], n_k)
    return {
        "ehcp_total": n_e,
        "sen_support_total": n_k,
        "settings": dict(zip(E_KEYS, settings.tolist(), strict=True)),
        "ages": dict(zip(AGE_GROUPS, ages.tolist(), strict=True)),
        "needs_e": dict(zip(NEEDS, needs_e.tolist(), strict=True)),
        "phases_k": dict(zip(K_PHASES, phases.tolist(), strict=True)),
        "needs_k": dict(zip(NEEDS, needs_k.tolist(), strict=True)),
        # Unrounded published figures x scale, which the calibration table compares against.
        "exact": {
            "ehcp_total": t.ehcp_total * scale,
            "sen_support_total": t.sen_support_total * scale,
            "settings": {k: t.settings[k] * scale for k in E_KEYS},
            "groups": {g: v * scale for g, v in t.group_targets.items()},
            "ages": {g: t.age_shares[g] * t.ehcp_total * scale for g in AGE_GROUPS},
            "needs_e": {n: t.need_mix["E"].get(n, 0.0) * t.ehcp_total * scale for n in NEEDS},
            "phases_k": {p: t.sen_support_phases.get(p, 0.0) * t.sen_support_total * scale for p in K_PHASES},
            "needs_k": {n: t.need_mix["K"].get(n, 0.0) * t.sen_support_total * scale for n in NEEDS},
        },
    }


def generate_council(
    targets: publicdata.LaTargets,
    *,
    scale: float = 1.0,
    seed: int = 2022,
    shared: SharedEstablishments,
    nhs: NhsPool | None = None,
) -> Council:
    """A council for `targets` at `scale`; deterministic for (LA, scale, seed) and the NHS pool's position."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    rng = np.random.default_rng([seed, int(targets.old_la_code)])
    nhs = nhs or NhsPool(seed)
    st = scaled_targets(targets, scale)
    g = _Generation(targets, st, rng, scale)
    g.statuses_and_settings()
    g.people(nhs)
    g.plans_and_periods()
    g.needs()
    g.placements()
    g.requests_and_events()
    g.flags()
    establishments = g.establishments(shared)
    g.reorder()
    placements = g.b.table("placements", SCHEMAS["placements"])
    placements.columns["establishment"] = placements.columns.pop("pool")  # now the chosen establishment
    return Council(
        la_code=targets.old_la_code,
        la_name=targets.la_name,
        new_la_code=targets.new_la_code,
        region_name=targets.region_name,
        scale=scale,
        seed=seed,
        targets=st,
        establishments=establishments,
        children=Table(g.c),
        parents=g.parents_table(),
        sen_periods=g.b.table("sen_periods", SCHEMAS["sen_periods"]),
        needs=g.b.table("needs", SCHEMAS["needs"]),
        flags=g.b.table("flags", SCHEMAS["flags"]),
        placements=placements,
        requests=g.b.table("requests", SCHEMAS["requests"]),
        events=g.b.table("events", SCHEMAS["events"]),
        sources=dict(targets.sources),
    )


class _Generation(Population, Placements, Histories):
    """One council's generation run: the shared state its steps (the three mixins) read and extend."""

    def __init__(self, t: publicdata.LaTargets, st: dict, rng: np.random.Generator, scale: float):
        self.t, self.st, self.rng, self.scale = t, st, rng, scale
        self.b = Builder()
        self._next_request = 0  # requests are numbered as they are made; events refer to them
        self.c: dict[str, np.ndarray] = {}
        self.pools: dict[tuple, int] = {}
        # mainstream type mix: this LA's EHC plans in each kind of mainstream school
        mix = np.array(
            [
                sum(t.settings[k] for k in MAINSTREAM_KEYS if k.startswith(p))
                for p in ("ms_la", "ms_academy", "ms_free")
            ],
            dtype=float,
        )
        self.ms_mix = mix / mix.sum() if mix.sum() else np.array([0.45, 0.5, 0.05])
        sp = np.array([t.settings["sp_la"], t.settings["sp_academy"]], dtype=float)
        self.sp_mix = sp / sp.sum() if sp.sum() else np.array([0.6, 0.4])

    # ---------------- final ordering ----------------

    def reorder(self):
        """Shuffle children so ids do not group by status or setting; remap every child reference."""
        perm = self.rng.permutation(self.n)
        new_of_old = np.empty(self.n, dtype=np.int64)
        new_of_old[perm] = np.arange(self.n)
        self.c = {k: v[perm] for k, v in self.c.items()}
        for name, parts in self.b.parts.items():
            for part in parts:
                part["child"] = new_of_old[part["child"]]
        # placements: replace pool with the establishment already chosen, in concatenation order
        offset = 0
        for part in self.b.parts["placements"]:
            k = len(part["pool"])
            part["pool"] = self._placement_est[offset : offset + k]
            offset += k
