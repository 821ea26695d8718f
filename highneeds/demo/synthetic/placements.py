"""Where each child is placed over time, and the establishments those placements need."""

from __future__ import annotations

import numpy as np

from . import names
from .helpers import NONE, choose_per_group, weighted_choice
from .shared import SharedEstablishments, addresses
from .tables import SCHEMAS, Table
from .vocabulary import (
    ALL_SETTINGS,
    CAPACITY,
    EST_SHAPE,
    HISTORY_START,
    MAINSTREAM_KEYS,
    OUT_OF_AREA,
    PLACEMENT_TYPES,
    R,
)


class Placements:
    """Placement histories and the LA's establishments (a mixin of the council generation)."""

    # ---------------- placements ----------------

    def _pool(self, est: str, phase: str, provision: str = "none", area: str = "in") -> int:
        key = (est, phase, provision, area)
        if key not in self.pools:
            self.pools[key] = len(self.pools)
        return self.pools[key]

    def _ms_types(self, n: int) -> np.ndarray:
        return np.array(["MS_LA", "MS_ACADEMY", "MS_FREE"])[weighted_choice(self.rng, self.ms_mix, n)]

    def _pools_for(
        self, est_types: np.ndarray, phases: np.ndarray, provision: np.ndarray | None = None, out_share: float = 0.0
    ) -> np.ndarray:
        n = len(est_types)
        provision = provision if provision is not None else np.full(n, "none")
        area = np.where(self.rng.random(n) < out_share, "out", "in")
        return np.array(
            [self._pool(e, p, v, a) for e, p, v, a in zip(est_types, phases, provision, area, strict=True)],
            dtype=np.int64,
        )

    def placements(self):
        rng, c, n = self.rng, self.c, self.n
        P = self.phase_start
        age = c["age"].astype(np.int64)
        ncy = age - 4
        phase_now = np.select([ncy < 0, ncy <= 6, ncy <= 11, ncy <= 14], [0, 1, 2, 3], 4)
        key = np.array(ALL_SETTINGS)[c["setting"]]
        idx = np.arange(n)
        dob = c["dob"].astype(np.int64)
        P_now = P[phase_now, idx]
        plan = self.plan_final
        school_entry = np.where(age >= 4, P[1], np.maximum(dob + 900, P[0]))

        est = np.full(n, "", dtype=object)
        phase = np.full(n, "NA", dtype=object)
        prov = np.full(n, "none", dtype=object)
        ptype = np.zeros(n, dtype=np.int64)
        out_share = np.zeros(n)
        start = np.full(n, NONE, dtype=np.int64)
        ms_phase = np.where(phase_now <= 1, "PRIMARY", "SECONDARY")

        def where(*keys):
            return np.isin(key, keys)

        m = where(*MAINSTREAM_KEYS, "k_primary", "k_secondary")
        types = self._ms_types(n)
        for prefix, t in (("ms_la", "MS_LA"), ("ms_academy", "MS_ACADEMY"), ("ms_free", "MS_FREE")):
            types[np.char.startswith(key.astype(str), prefix)] = t
        est[m], phase[m], out_share[m] = types[m], ms_phase[m], OUT_OF_AREA["MS"]
        for suffix in ("rp", "unit"):
            mm = np.char.endswith(key.astype(str), "_" + suffix)
            prov[mm], ptype[mm] = suffix, PLACEMENT_TYPES.index("UNIT")
        moved = rng.random(n) < 0.1
        start[m] = np.where(moved[m], P_now[m] + (rng.random(m.sum()) * (R - P_now[m])).astype(np.int64), P_now[m])
        start[m] = np.maximum(start[m], np.where(phase_now[m] == 0, dob[m] + 1000, 0))

        m = where("ms_independent", "k_independent")
        est[m], phase[m] = "MS_INDEPENDENT", "ALL_THROUGH"
        start[m] = np.where(
            moved[m],
            P_now[m] + (rng.random(m.sum()) * (R - P_now[m])).astype(np.int64),
            np.maximum(P_now[m], school_entry[m]),
        )

        m = where("sp_la", "sp_academy", "k_special")
        sp_types = np.where(
            key == "sp_academy",
            "SP_ACADEMY",
            np.where(key == "sp_la", "SP_LA", np.array(["SP_LA", "SP_ACADEMY"])[weighted_choice(rng, self.sp_mix, n)]),
        )
        est[m], phase[m], out_share[m] = sp_types[m], "ALL_THROUGH", OUT_OF_AREA["SP"]
        for k_est, k in (
            ("SP_INDEPENDENT", "sp_independent"),
            ("SP_NON_MAINTAINED", "sp_non_maintained"),
            ("SP_NON_MAINTAINED", "k_nmss"),
        ):
            mm = key == k
            est[mm], phase[mm] = k_est, "ALL_THROUGH"
        m = where("sp_la", "sp_academy", "k_special", "sp_independent", "sp_non_maintained", "k_nmss")
        move = np.where(plan >= 0, plan + (14 + rng.random(n) * 136).astype(np.int64), school_entry)
        start[m] = np.minimum(np.maximum(move[m], school_entry[m]), R - 7)
        residential = where("sp_independent", "sp_non_maintained")
        u = rng.random(n)
        ptype[residential & (u < 0.15)] = PLACEMENT_TYPES.index("RES_38_51")
        ptype[residential & (u >= 0.15) & (u < 0.2)] = PLACEMENT_TYPES.index("RES_52")

        m = where("ap", "k_ap")
        est[m], phase[m] = "AP_PRU", "SECONDARY"
        start[m] = np.minimum(
            np.maximum(R - (20 + rng.random(m.sum()) * 520).astype(np.int64), np.maximum(P_now[m], school_entry[m])),
            R - 7,
        )

        m = where("fe", "post16_specialist")
        est[m] = np.where(key[m] == "fe", "FE", "SPECIALIST_POST16")
        phase[m], out_share[m] = "POST16", np.where(key[m] == "fe", OUT_OF_AREA["FE"], 0)
        adult_course = np.maximum(P[4][m], R - (60 + rng.random(m.sum()) * 1040).astype(np.int64))
        start[m] = np.where(phase_now[m] >= 4, adult_course, P[3][m])
        young = m & (age < 16)
        start[young] = R - (30 + rng.random(young.sum()) * 270).astype(np.int64)

        m = where("early_years", "k_nursery")
        est[m], phase[m] = "EARLY_YEARS", "EY"
        start[m] = np.minimum(np.maximum(dob[m] + 730 + (rng.random(m.sum()) * 240).astype(np.int64), R - 700), R - 14)
        start[m] = np.maximum(start[m], dob[m] + 365)

        m = key == "ola"
        est[m], phase[m], ptype[m] = "OTHER", "NA", PLACEMENT_TYPES.index("EOTAS")
        start[m] = np.minimum(np.maximum(R - (30 + rng.random(m.sum()) * 670).astype(np.int64), school_entry[m]), R - 7)

        current = est != ""
        rows = np.flatnonzero(current)
        pools = np.array(
            [
                self._pool(e, p, v, "out" if rng.random() < s else "in")
                for e, p, v, s in zip(est[rows], phase[rows], prov[rows], out_share[rows], strict=True)
            ],
            dtype=np.int64,
        )
        shared_types = {"SP_INDEPENDENT", "SPECIALIST_POST16", "SP_NON_MAINTAINED"}
        for i, e in enumerate(est[rows]):
            if e in shared_types:
                pools[i] = self._pool(e, "shared", "none", "shared")
        self.b.add("placements", child=rows, pool=pools, placement_type=ptype[rows], start=start[rows], end=NONE)

        # Children with no current setting: their last placement ended before census day.
        nowhere = np.flatnonzero(~current & (age >= 5))
        last_end = np.minimum(
            np.maximum(R - (10 + rng.random(len(nowhere)) * 500).astype(np.int64), school_entry[nowhere] + 200), R - 5
        )
        neet = key[nowhere] == "neet"
        last_end[neet] = np.minimum(
            np.maximum(R - (30 + rng.random(neet.sum()) * 1200).astype(np.int64), P[3][nowhere[neet]] + 60), R - 5
        )
        self.last_end = np.full(n, NONE, dtype=np.int64)
        self.last_end[nowhere] = last_end
        last_phase = (P[:, nowhere] <= last_end[None, :]).sum(axis=0) - 1
        last_phase = np.clip(last_phase, 1, 4)
        last_start = P[last_phase, nowhere]
        last_est = np.where(last_phase >= 3, np.where(rng.random(len(nowhere)) < 0.6, "FE", "MS"), "MS")
        ms = last_est == "MS"
        last_types = np.where(ms, self._ms_types(len(nowhere)), "FE")
        last_phase_name = np.where(last_est == "FE", "POST16", np.where(last_phase <= 1, "PRIMARY", "SECONDARY"))
        last_pools = self._pools_for(last_types, last_phase_name)
        self.b.add("placements", child=nowhere, pool=last_pools, placement_type=0, start=last_start, end=last_end)

        # Earlier placements, back to September 2015, changing at each phase transfer.
        chain_end = np.full(n, NONE, dtype=np.int64)
        chain_end[rows] = start[rows]
        chain_end[nowhere] = last_start
        has_chain = chain_end > HISTORY_START
        for _ in range(5):
            kids = np.flatnonzero(has_chain)
            if not len(kids):
                break
            end = chain_end[kids]
            ph = (P[:, kids] <= end[None, :]).sum(axis=0) - 1  # phase the later placement began in
            ph_start = P[np.clip(ph, 0, 4), kids]
            mid = (ph >= 0) & (end > ph_start + 30)  # began mid-phase: the child was elsewhere in that phase
            seg_phase = np.where(mid, ph, ph - 1)
            seg_start = np.where(mid, ph_start, P[np.clip(ph - 1, 0, 4), kids])
            seg_start = np.where(seg_phase == 0, np.maximum(seg_start, dob[kids] + 900), seg_start)
            valid = (seg_phase >= 0) & (seg_start < end - 20) & (end > HISTORY_START)
            # only some children have an early-years setting on record
            ey = seg_phase == 0
            keep_ey = rng.random(len(kids)) < np.where(self.c["status"][kids] == 2, 0.6, 0.3)
            valid &= ~ey | keep_ey
            kids, seg_phase, seg_start, end = kids[valid], seg_phase[valid], seg_start[valid], end[valid]
            if not len(kids):
                break
            seg_est = np.where(seg_phase == 0, "EARLY_YEARS", self._ms_types(len(kids)))
            sixth_form_college = (seg_phase >= 3) & (rng.random(len(kids)) < 0.6)
            seg_est = np.where(sixth_form_college, "FE", seg_est)
            seg_phase_name = np.select(
                [seg_phase == 0, seg_phase == 1, sixth_form_college], ["EY", "PRIMARY", "POST16"], "SECONDARY"
            )
            self.b.add(
                "placements",
                child=kids,
                pool=self._pools_for(seg_est, seg_phase_name),
                placement_type=0,
                start=seg_start,
                end=end,
            )
            has_chain = np.zeros(n, dtype=bool)
            has_chain[kids] = seg_start > HISTORY_START
            chain_end[kids] = seg_start
        self.current_est = est
        self.current_start = np.where(current, start, NONE)

    # ---------------- establishments ----------------

    def establishments(self, shared: SharedEstablishments) -> Table:
        """Create this LA's establishments to fit the placements, and map each pool to establishments."""
        rng, t, s = self.rng, self.t, self.scale
        placements = self.b.table("placements", SCHEMAS["placements"]).columns
        pool_of = placements["pool"].astype(np.int64)
        current = placements["end"] == NONE
        demand_now = np.bincount(pool_of[current], minlength=len(self.pools))
        demand_all = np.bincount(pool_of, minlength=len(self.pools))
        rows: list[dict] = []
        members: dict[int, list[int]] = {}
        places = list(rng.permutation(names.PLACES))
        used_names: set[str] = set()
        urn = iter(range(int(f"8{t.old_la_code}0001"), int(f"8{t.old_la_code}9999")))
        neighbours = list(t.neighbours) or [(t.old_la_code, t.la_name)]

        def new_name(kinds) -> str:
            for _ in range(200):
                place = places[int(rng.integers(0, len(places)))]
                kind = kinds[int(rng.integers(0, len(kinds)))]
                name = f"{place} {kind}"
                if name not in used_names:
                    used_names.add(name)
                    return name
            name = f"{places[int(rng.integers(0, len(places)))]} {kinds[0]} {len(used_names)}"
            used_names.add(name)
            return name

        def add(pool_id, est_type, phase, provision, area):
            shape = EST_SHAPE[
                (
                    "MS"
                    if est_type.startswith("MS_") and est_type != "MS_INDEPENDENT"
                    else "SP"
                    if est_type in ("SP_LA", "SP_ACADEMY")
                    else est_type,
                    phase,
                )
            ]
            phase_name, low, high, kinds = shape
            code, la_name = (
                (t.old_la_code, t.la_name) if area == "in" else neighbours[int(rng.integers(0, len(neighbours)))]
            )
            row = dict(
                name=new_name(kinds),
                establishment_type=est_type,
                phase=phase_name,
                age_low=low,
                age_high=high,
                la_code=code,
                la_name=la_name,
                urn=next(urn),
                ukprn=NONE,
                s41_approved=False,
                s41_approved_on=NONE,
                has_sen_unit=provision == "unit",
                sen_unit_places=int(rng.integers(8, 25)) if provision == "unit" else None,
                has_resourced_provision=provision == "rp",
                resourced_provision_places=int(rng.integers(8, 25)) if provision == "rp" else None,
                designated_needs=[],
            )
            if est_type == "FE":
                row["ukprn"] = int(f"9{t.old_la_code}{len(rows):04d}")
            if est_type in ("SP_LA", "SP_ACADEMY"):
                row["designated_needs"] = sorted(
                    set(rng.choice(["ASD", "SLD", "PMLD", "MLD", "SEMH", "SLCN"], int(rng.integers(1, 4))))
                )
            if provision in ("rp", "unit"):
                row["designated_needs"] = [str(rng.choice(["ASD", "SLCN", "HI", "SEMH", "SPLD", "VI"]))]
            if est_type == "OTHER":
                row["name"] = f"{t.la_name} {kinds[0]}"
            rows.append(row)
            members.setdefault(pool_id, []).append(len(rows) - 1)

        primary_total = max(1, round(t.all_pupils * 0.52 / 280 * s))
        secondary_total = max(1, round(t.all_pupils * 0.40 / 950 * s))
        ms_types = ("MS_LA", "MS_ACADEMY", "MS_FREE")
        for key, pool_id in sorted(self.pools.items(), key=lambda kv: kv[1]):
            est_type, phase, provision, area = key
            if area == "shared":
                continue
            d_now, d_all = demand_now[pool_id], demand_all[pool_id]
            if est_type in ms_types and provision == "none" and area == "in":
                total = primary_total if phase == "PRIMARY" else secondary_total
                count = max(1, int(round(total * self.ms_mix[ms_types.index(est_type)])))
            elif area == "out":
                base = "MS" if est_type in ms_types else "SP" if est_type.startswith("SP") else "FE"
                count = max(1, int(np.ceil(d_now / CAPACITY["out_" + base])))
            elif provision in ("rp", "unit"):
                count = max(1, int(np.ceil(d_now / CAPACITY[provision])))
            else:
                base = "SP" if est_type in ("SP_LA", "SP_ACADEMY") else est_type
                count = max(1, int(np.ceil(d_now / CAPACITY[base]))) if d_all else 0
            for _ in range(count):
                add(pool_id, est_type, phase, provision, area)

        n_local = len(rows)
        # candidates for each pool: its own establishments, plus (for general mainstream pools) the
        # same-type schools that also run a resourced provision or unit
        candidates: dict[int, np.ndarray] = {}
        weights: dict[int, np.ndarray] = {}
        size = rng.lognormal(0, 0.5, n_local)
        for key, pool_id in self.pools.items():
            est_type, phase, provision, area = key
            if area == "shared":
                options = shared.pool(est_type)
                region = shared.region[options]
                home = np.array([shared.table["la_code"][i] == t.old_la_code for i in options])
                w = np.where(home, 20.0, np.where(region == t.region_name, 4.0, 1.0))
                candidates[pool_id], weights[pool_id] = n_local + options, w
                continue
            own = list(members.get(pool_id, []))
            if provision == "none":
                for other_key, other_id in self.pools.items():
                    if other_key[:2] == key[:2] and other_key[3] == area and other_key[2] in ("rp", "unit"):
                        own += members.get(other_id, [])
            candidates[pool_id] = np.array(own, dtype=np.int64)
            weights[pool_id] = size[own]
        table = Table({k: [r[k] for r in rows] for k in rows[0]}) if rows else Table({})
        table.columns.update(addresses(rng, n_local))
        # each placement picks an establishment in its pool (local index, or n_local + shared index)
        self._placement_est = choose_per_group(rng, pool_of, candidates, weights)
        return table
