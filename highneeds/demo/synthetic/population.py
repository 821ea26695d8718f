"""Who is on the census-day roll: statuses, settings, ages, people, plans, SEN periods and needs."""

from __future__ import annotations

import numpy as np

from highneeds.engine import publicdata

from . import names
from .helpers import NONE, expand, integer_ipf, sep1, weighted_choice
from .ids import NhsPool, upn_bodies
from .vocabulary import (
    ACADEMIC_YEAR,
    AGE_GROUPS,
    AGE_SEED,
    AGE_WEIGHTS,
    D_CEASE,
    D_NEEDS_MET,
    D_NONE,
    D_TRANSFER,
    E_KEYS,
    EV,
    K_AGE_WEIGHTS,
    K_PHASES,
    NEED_INDEX,
    NEED_SEED_E,
    NEED_SEED_K,
    NEEDS,
    REFORM,
    STATEMENT_TRANSFERS_END,
    R,
)


class Population:
    """Census-day children and their plan and SEN-support histories (a mixin of the council generation)."""

    # ---------------- who is there on census day ----------------

    def statuses_and_settings(self):
        st, rng = self.st, self.rng
        settings = np.array([st["settings"][k] for k in E_KEYS])
        ages = np.array([st["ages"][g] for g in AGE_GROUPS])
        seed = np.array([AGE_SEED[k] for k in E_KEYS], dtype=float).T  # age group x setting
        joint = integer_ipf(seed, ages, settings)
        band, setting = expand(joint)
        age = np.empty(len(band), dtype=np.int64)
        for b, (lo, hi) in enumerate(publicdata.AGE_GROUPS.values()):
            for s in range(len(E_KEYS)):
                rows = np.flatnonzero((band == b) & (setting == s))
                if len(rows):
                    w = AGE_WEIGHTS[E_KEYS[s]][lo : hi + 1]
                    w = w if w.sum() > 0 else np.ones(hi - lo + 1)
                    age[rows] = lo + weighted_choice(rng, w, len(rows))
        need_seed = np.array([NEED_SEED_E[k] for k in E_KEYS])
        needs_e = integer_ipf(need_seed, settings, np.array([st["needs_e"][n] for n in NEEDS]))
        e_need = np.empty(len(band), dtype=np.int64)
        for s in range(len(E_KEYS)):  # the children of each setting get that setting's needs, shuffled
            rows = np.flatnonzero(setting == s)
            e_need[rows] = rng.permutation(np.repeat(np.arange(len(NEEDS)), needs_e[s]))

        phases = np.array([st["phases_k"][p] for p in K_PHASES])
        k_needs = integer_ipf(
            np.array([NEED_SEED_K[p] for p in K_PHASES]), phases, np.array([st["needs_k"][n] for n in NEEDS])
        )
        k_phase, k_need = expand(k_needs)
        k_age = np.empty(len(k_phase), dtype=np.int64)
        for p, phase in enumerate(K_PHASES):
            rows = np.flatnonzero(k_phase == p)
            k_age[rows] = weighted_choice(rng, K_AGE_WEIGHTS[phase], len(rows))
        n_e, n_k = len(band), len(k_phase)
        self.c["status"] = np.r_[np.full(n_e, 2, np.int8), np.full(n_k, 1, np.int8)]
        self.c["setting"] = np.r_[setting, len(E_KEYS) + k_phase].astype(np.int16)
        self.c["age"] = np.r_[age, k_age].astype(np.int8)
        self.primary_need = np.r_[e_need, k_need]
        self.n = n_e + n_k

    def people(self, nhs: NhsPool):
        rng, n, c = self.rng, self.n, self.c
        age = c["age"].astype(np.int64)
        # born between 1 September (2020 - age) and 31 August (2021 - age): age `age` on 31 August 2021
        start = sep1(ACADEMIC_YEAR - 1 - age)
        length = sep1(ACADEMIC_YEAR - age) - start
        c["dob"] = (start + np.floor(rng.random(n) * length)).astype(np.int32)
        male_share = np.where(c["status"] == 2, 0.73, 0.64)
        c["sex"] = (rng.random(n) < male_share).astype(np.int8)  # 1 male, 0 female
        c["first"] = np.where(
            c["sex"] == 1, rng.integers(0, len(names.FIRST_NAMES_M), n), rng.integers(0, len(names.FIRST_NAMES_F), n)
        ).astype(np.int16)
        c["last"] = rng.integers(0, len(names.SURNAMES), n).astype(np.int16)
        c["ethnicity"] = weighted_choice(rng, np.array(names.ETHNICITY_WEIGHTS), n).astype(np.int8)
        c["language"] = weighted_choice(rng, np.array(names.LANGUAGE_WEIGHTS), n).astype(np.int8)
        c["contact"] = weighted_choice(rng, np.array([0.6, 0.25, 0.05, 0.1]), n).astype(np.int8)
        c["pc_district"] = rng.integers(1, 99, n).astype(np.int16)
        c["pc_sector"] = rng.integers(1, 10, n).astype(np.int8)
        c["pc_unit"] = rng.integers(0, 400, n).astype(np.int16)
        # UPN for everyone who has been of school age (Reception, at 4, onwards)
        reception_year = ACADEMIC_YEAR + 4 - age
        self.reception_year = reception_year
        has_upn = age >= 4
        body = np.full(n, NONE, dtype=np.int64)
        n_schools = max(20, int(self.t.all_pupils / 280 * 0.52 * max(self.scale, 0.05)))
        estab = 2001 + rng.integers(0, min(n_schools, 998), has_upn.sum())
        body[has_upn] = upn_bodies(self.t.old_la_code, estab, reception_year[has_upn], rng)
        c["upn"] = body
        wanted = rng.random(n) < np.where(c["status"] == 2, 0.9, 0.35)
        c["nhs"] = nhs.take(wanted)
        c["lead"] = np.zeros(n, dtype=np.int8)
        e = c["status"] == 2
        u = rng.random(n)
        c["lead"][e & (u < 0.35)] = 1
        c["lead"][e & (u >= 0.35) & (u < 0.40)] = 2

    # ---------------- plans and SEN status periods ----------------

    def _phase_starts(self) -> np.ndarray:
        """(5, n): start of nursery, Reception, Year 7, Year 12 and post-19, per child."""
        y = self.reception_year
        return np.stack([sep1(y - 1), sep1(y), sep1(y + 7), sep1(y + 12), sep1(y + 15)])

    def plans_and_periods(self):
        rng, c, n = self.rng, self.c, self.n
        dob = c["dob"].astype(np.int64)
        e = np.flatnonzero(c["status"] == 2)
        earliest = np.maximum(dob[e] + 730, REFORM)
        latest = np.full(len(e), R - 14)
        earliest = np.minimum(earliest, latest - 1)
        # How long each plan has been held. A share of plans started in the last year, the rest at an
        # even rate across the child's possible span; the share is solved so that, over all this
        # LA's children (the youngest can only have recent plans), the plans started in the last year
        # are the LA's published new plans in a year over its caseload (nationally 62,180 / 473,255).
        recent = float(np.clip(self.t.new_plans_per_year / max(self.t.ehcp_total, 1), 0.03, 0.6))
        span = latest - earliest
        short = span <= 365
        longer = max(int((~short).sum()), 1)
        p_recent = float(np.clip((recent * len(e) - short.sum()) / longer, 0.0, 1.0))
        is_recent = short | (rng.random(len(e)) < p_recent)
        older_span = np.maximum(span - 365, 1)
        held = np.where(is_recent, rng.random(len(e)) * np.minimum(span, 365), 365 + rng.random(len(e)) * older_span)
        final = (latest - held).astype(np.int64)
        plan_final = np.full(n, NONE, dtype=np.int64)
        plan_final[e] = final
        transfer = np.zeros(n, dtype=bool)
        transfer[e] = (final <= STATEMENT_TRANSFERS_END) & (rng.random(len(e)) < 0.55) & (dob[e] < final - 5 * 365)
        self.plan_final, self.transfer = plan_final, transfer
        self.phase_start = self._phase_starts()
        school_entry = self.phase_start[1]
        # EHC plan periods, open on census day
        self.b.add("sen_periods", child=e, status=2, start=final, end=NONE)
        # SEN support before the plan (not for transfers from statements)
        prior = e[~transfer[e] & (rng.random(len(e)) < 0.75)]
        k_start = np.maximum.reduce(
            [
                np.minimum(school_entry[prior], plan_final[prior] - 200),
                plan_final[prior] - (180 + rng.random(len(prior)) * 1100).astype(np.int64),
                dob[prior] + 730,
                np.full(len(prior), REFORM),
            ]
        )
        ok = k_start < plan_final[prior] - 60
        self.b.add("sen_periods", child=prior[ok], status=1, start=k_start[ok], end=plan_final[prior[ok]])
        # SEN support children: since some time after starting school (or nursery)
        k = np.flatnonzero(c["status"] == 1)
        entry = np.where(c["age"][k] >= 4, school_entry[k], np.maximum(dob[k] + 730, self.phase_start[0][k]))
        entry = np.minimum(entry, R - 30)
        span = np.maximum(R - 30 - entry, 1)
        start = np.maximum(entry + (span * rng.random(len(k)) ** 0.7).astype(np.int64), REFORM)
        # a few once had a plan that ceased with needs met
        ceased = k[(c["age"][k] >= 8) & (rng.random(len(k)) < 0.01)]
        ceased_mask = np.isin(k, ceased)
        self.b.add(
            "sen_periods", child=k[~ceased_mask], status=1, start=np.minimum(start[~ceased_mask], R - 30), end=NONE
        )
        if len(ceased):
            cease_on = R - (60 + rng.random(len(ceased)) * 900).astype(np.int64)
            plan_from = np.maximum(
                cease_on - (400 + rng.random(len(ceased)) * 1200).astype(np.int64),
                np.maximum(dob[ceased] + 1500, REFORM),
            )
            plan_from = np.minimum(plan_from, cease_on - 200)
            self.b.add("sen_periods", child=ceased, status=2, start=plan_from, end=cease_on)
            self.b.add("sen_periods", child=ceased, status=1, start=cease_on, end=NONE)
            self.b.add(
                "events",
                child=ceased,
                request=NONE,
                event_type=EV["final_plan_issued"],
                occurred_on=plan_from,
                detail=np.where(plan_from <= STATEMENT_TRANSFERS_END, D_TRANSFER, D_NONE),
            )
            review = cease_on - (30 + rng.random(len(ceased)) * 60).astype(np.int64)
            self.b.add(
                "events",
                child=ceased,
                request=NONE,
                event_type=EV["annual_review_meeting"],
                occurred_on=review,
                detail=D_NONE,
            )
            self.b.add(
                "events",
                child=ceased,
                request=NONE,
                event_type=EV["review_decision"],
                occurred_on=review + 14,
                detail=D_CEASE,
            )
            self.b.add(
                "events",
                child=ceased,
                request=NONE,
                event_type=EV["plan_ceased"],
                occurred_on=cease_on,
                detail=D_NEEDS_MET,
            )

    def needs(self):
        rng, c = self.rng, self.c
        n = self.n
        status = c["status"]
        children = np.arange(n)
        recorded = np.where(status == 2, self.plan_final, np.maximum(R - 400, c["dob"].astype(np.int64) + 730))
        self.b.add("needs", child=children, code=self.primary_need, rank=1, recorded_on=recorded)
        # secondary (and a few third) needs, drawn from the same status's mix, never repeating
        for rank, share_e, share_k in ((2, 0.45, 0.2), (3, 0.12, 0.03)):
            has = rng.random(n) < np.where(status == 2, share_e, share_k)
            if rank == 3:
                has &= self._has_rank2
            rows = np.flatnonzero(has)
            mix_e = np.array([self.t.need_mix["E"].get(x, 0.0) for x in NEEDS])
            mix_k = np.array([self.t.need_mix["K"].get(x, 0.0) for x in NEEDS])
            mix_k[NEED_INDEX["NSA"]] = 0  # "no specialist assessment" cannot sit beside an assessed need
            code = np.where(
                status[rows] == 2, weighted_choice(rng, mix_e, len(rows)), weighted_choice(rng, mix_k, len(rows))
            )
            taken = [self.primary_need[rows]] + ([self._rank2_code[rows]] if rank == 3 else [])
            for _ in range(6):
                clash = np.zeros(len(rows), dtype=bool)
                for t in taken:
                    clash |= code == t
                if not clash.any():
                    break
                code[clash] = (code[clash] + 1 + rng.integers(0, len(NEEDS) - 2, clash.sum())) % (len(NEEDS) - 1)
            clash = np.zeros(len(rows), dtype=bool)
            for t in taken:
                clash |= code == t
            clash |= self.primary_need[rows] == NEED_INDEX["NSA"]  # NSA stands alone
            keep = rows[~clash]
            self.b.add("needs", child=keep, code=code[~clash], rank=rank, recorded_on=recorded[keep])
            if rank == 2:
                self._has_rank2 = np.zeros(n, dtype=bool)
                self._has_rank2[keep] = True
                self._rank2_code = np.full(n, -1, dtype=np.int64)
                self._rank2_code[keep] = code[~clash]
