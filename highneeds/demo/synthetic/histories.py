"""Requests, assessments, plans and reviews as events; cohort flags; and parents."""

from __future__ import annotations

from datetime import date

import numpy as np

from . import names
from .helpers import NONE, day, weighted_choice
from .tables import Table, concat
from .vocabulary import (
    ALL_SETTINGS,
    D_AMEND,
    D_ASSESS,
    D_EP,
    D_HEALTH,
    D_MAINTAIN,
    D_NONE,
    D_NOT_ASSESS,
    D_SOCIAL,
    D_TRANSFER,
    EV,
    FLAGS,
    REFORM,
    REQUEST_STATUSES,
    R,
)

RELATIONSHIPS_FOSTER = names.RELATIONSHIPS.index("Foster carer")


class Histories:
    """Request and event histories, cohort flags and parents (a mixin of the council generation)."""

    # ---------------- requests, assessments, plans and reviews ----------------

    def requests_and_events(self):
        rng, c = self.rng, self.c
        b = self.b
        dob = c["dob"].astype(np.int64)
        e = np.flatnonzero((c["status"] == 2) & ~self.transfer)
        final = self.plan_final[e]
        # 20-week timeliness at the LA's published rate, the rest spread over the following year
        timely = rng.random(len(e)) < self.t.within_20_weeks
        total = np.where(timely, 75 + rng.random(len(e)) * 65, 141 + rng.exponential(70, len(e))).astype(np.int64)
        total = np.minimum(total, 420)
        received = final - total
        too_early = received < max(REFORM, 0)
        self.transfer[e[too_early]] = True  # a plan this old came from a statement
        e, final, received, total = e[~too_early], final[~too_early], received[~too_early], total[~too_early]
        m = len(e)
        decision = received + np.minimum(
            np.where(rng.random(m) < 0.9, 21 + rng.random(m) * 21, 43 + rng.random(m) * 30), total - 50
        ).astype(np.int64)
        advice_req = decision + (rng.random(m) * 4).astype(np.int64)
        draft = final - (15 + rng.random(m) * 20).astype(np.int64)
        draft = np.maximum(draft, advice_req + 10)
        source = weighted_choice(rng, np.array([0.35, 0.5, 0.08, 0.03, 0.04]), m)
        lead = c["lead"][e]
        first_request = self._next_request
        self._add_requests(e, received, source, REQUEST_STATUSES.index("plan_issued"), lead, closed=final)
        req = first_request + np.arange(m)
        b.add("events", child=e, request=req, event_type=EV["request_received"], occurred_on=received, detail=D_NONE)
        b.add(
            "events", child=e, request=req, event_type=EV["decision_to_assess"], occurred_on=decision, detail=D_ASSESS
        )
        for detail in (D_EP, D_HEALTH, D_SOCIAL):
            b.add(
                "events", child=e, request=req, event_type=EV["advice_requested"], occurred_on=advice_req, detail=detail
            )
            got = np.minimum(advice_req + (20 + rng.random(m) * 30).astype(np.int64), draft - 3)
            b.add("events", child=e, request=req, event_type=EV["advice_received"], occurred_on=got, detail=detail)
        b.add("events", child=e, request=req, event_type=EV["draft_plan_sent"], occurred_on=draft, detail=D_NONE)
        b.add("events", child=e, request=req, event_type=EV["final_plan_issued"], occurred_on=final, detail=D_NONE)

        tr = np.flatnonzero(self.transfer)
        b.add(
            "events",
            child=tr,
            request=NONE,
            event_type=EV["final_plan_issued"],
            occurred_on=self.plan_final[tr],
            detail=D_TRANSFER,
        )

        # annual reviews: meeting within the year, decision within about four weeks
        plans = np.flatnonzero(c["status"] == 2)
        pf = self.plan_final[plans]
        for k in range(1, 9):
            meeting = pf + 365 * k - (rng.random(len(plans)) * 45).astype(np.int64)
            held = meeting < R - 3
            if not held.any():
                break
            kids, meet = plans[held], meeting[held]
            b.add(
                "events",
                child=kids,
                request=NONE,
                event_type=EV["annual_review_meeting"],
                occurred_on=meet,
                detail=D_NONE,
            )
            decided = meet + np.where(
                rng.random(len(kids)) < 0.85, 5 + rng.random(len(kids)) * 23, 29 + rng.random(len(kids)) * 40
            ).astype(np.int64)
            done = decided < R
            outcome = np.where(rng.random(len(kids)) < 0.62, D_MAINTAIN, D_AMEND)
            b.add(
                "events",
                child=kids[done],
                request=NONE,
                event_type=EV["review_decision"],
                occurred_on=decided[done],
                detail=outcome[done],
            )

        self._k_requests(dob)

    def _add_requests(self, children, received, source, status, caseworker, closed=NONE):
        n = len(children)
        self.b.add(
            "requests",
            child=children,
            received_on=received,
            source=source,
            status=status,
            caseworker=caseworker,
            closed_on=closed,
        )
        self._next_request += n

    def _k_requests(self, dob):
        """Refused, not issued, withdrawn and in-flight requests for children on SEN support."""
        rng, c, b, t, s = self.rng, self.c, self.b, self.t, self.scale
        k = np.flatnonzero((c["status"] == 1) & (c["age"] >= 3))
        if not len(k):
            return
        per_year = t.requests_per_year * s
        years = (R - day(date(2015, 1, 1))) / 365.25

        def pick(count, pool):
            count = int(min(round(count), len(pool)))
            return rng.choice(pool, count, replace=False) if count > 0 else np.zeros(0, dtype=np.int64)

        def when(kids, lo, hi):
            earliest = np.maximum(dob[kids] + 3 * 365, max(lo, REFORM))
            return (earliest + rng.random(len(kids)) * np.maximum(hi - earliest, 1)).astype(np.int64)

        free = np.zeros(self.n, dtype=bool)
        free[k] = True

        def take(count):
            chosen = pick(count, np.flatnonzero(free))
            free[chosen] = False
            return chosen

        # refused at the decision whether to assess
        refused = take(per_year * t.refusal_rate * years)
        rec = when(refused, day(date(2015, 1, 1)), R - 60)
        dec = rec + (20 + rng.random(len(refused)) * 22).astype(np.int64)
        self._chain(refused, rec, "not_assess", [("decision_to_assess", dec, D_NOT_ASSESS)])
        # assessed, then a decision not to issue a plan
        not_issued = take(t.new_plans_per_year * s * 0.06 * years)
        rec = when(not_issued, day(date(2015, 1, 1)), R - 150)
        dec = rec + (25 + rng.random(len(not_issued)) * 17).astype(np.int64)
        adv = dec + (rng.random(len(not_issued)) * 4).astype(np.int64)
        got = adv + (20 + rng.random(len(not_issued)) * 30).astype(np.int64)
        no = rec + (90 + rng.random(len(not_issued)) * 22).astype(np.int64)
        self._chain(
            not_issued,
            rec,
            "not_issued",
            [
                ("decision_to_assess", dec, D_ASSESS),
                ("advice_requested", adv, D_EP),
                ("advice_received", got, D_EP),
                ("decision_not_to_issue", no, D_NONE),
            ],
        )
        # withdrawn
        withdrawn = take(per_year * 0.02 * years)
        rec = when(withdrawn, day(date(2015, 1, 1)), R - 30)
        self._chain(
            withdrawn,
            rec,
            "withdrawn",
            [("request_withdrawn", rec + (5 + rng.random(len(withdrawn)) * 50).astype(np.int64), D_NONE)],
        )
        # in flight on census day: received in the last 20 weeks
        inflight = take(per_year * (1 - t.refusal_rate) * 140 / 365)
        rec = R - (1 + rng.random(len(inflight)) * 139).astype(np.int64)
        rec = np.maximum(rec, dob[inflight] + 3 * 365)
        waited = R - rec
        deciding = waited <= 42
        lead = np.where(rng.random(len(inflight)) < 0.8, 1, 2).astype(np.int8)
        c["lead"][inflight] = np.maximum(c["lead"][inflight], lead)
        first = self._next_request
        drafted = ~deciding & (waited > 112)
        status = np.select(
            [deciding, drafted],
            [REQUEST_STATUSES.index("pending"), REQUEST_STATUSES.index("draft")],
            REQUEST_STATUSES.index("assess"),
        )
        self._add_requests(
            inflight, rec, weighted_choice(rng, np.array([0.35, 0.5, 0.08, 0.03, 0.04]), len(inflight)), status, lead
        )
        req = first + np.arange(len(inflight))
        b.add("events", child=inflight, request=req, event_type=EV["request_received"], occurred_on=rec, detail=D_NONE)
        a = ~deciding
        dec = rec[a] + (21 + rng.random(a.sum()) * 21).astype(np.int64)
        dec = np.minimum(dec, R - 1)
        b.add(
            "events",
            child=inflight[a],
            request=req[a],
            event_type=EV["decision_to_assess"],
            occurred_on=dec,
            detail=D_ASSESS,
        )
        for detail in (D_EP, D_HEALTH, D_SOCIAL):
            b.add(
                "events",
                child=inflight[a],
                request=req[a],
                event_type=EV["advice_requested"],
                occurred_on=dec,
                detail=detail,
            )
            got = dec + (20 + rng.random(a.sum()) * 30).astype(np.int64)
            arrived = got < R
            b.add(
                "events",
                child=inflight[a][arrived],
                request=req[a][arrived],
                event_type=EV["advice_received"],
                occurred_on=got[arrived],
                detail=detail,
            )
        b.add(
            "events",
            child=inflight[drafted],
            request=req[drafted],
            event_type=EV["draft_plan_sent"],
            occurred_on=np.minimum(rec[drafted] + 112 + (rng.random(drafted.sum()) * 10).astype(np.int64), R - 1),
            detail=D_NONE,
        )

    def _chain(self, kids, received, status, steps):
        if not len(kids):
            return
        first = self._next_request
        source = weighted_choice(self.rng, np.array([0.45, 0.4, 0.08, 0.03, 0.04]), len(kids))
        self._add_requests(
            kids, received, source, REQUEST_STATUSES.index(status), 0, closed=np.minimum(steps[-1][1], R - 1)
        )
        req = first + np.arange(len(kids))
        self.b.add(
            "events", child=kids, request=req, event_type=EV["request_received"], occurred_on=received, detail=D_NONE
        )
        for event, on, detail in steps:
            self.b.add(
                "events",
                child=kids,
                request=req,
                event_type=EV[event],
                occurred_on=np.minimum(on, R - 1),
                detail=detail,
            )

    # ---------------- cohort flags ----------------

    def flags(self):
        rng, c, t, s, n = self.rng, self.c, self.t, self.scale, self.n
        age = c["age"]
        dob = c["dob"].astype(np.int64)
        status = c["status"]
        school_age = (age >= 4) & (age <= 17)
        key = np.array(ALL_SETTINGS)[c["setting"]]
        national = {"CLA": (0.045, 0.008), "CIN": (0.04, 0.012), "CPP": (0.009, 0.006)}  # of pupils, if suppressed
        taken = np.zeros(n, dtype=bool)
        for group in ("CLA", "CPP", "CIN"):
            e_count, k_count = t.social_care.get(group, (None, None))
            if group == "CIN":  # children in need includes the looked-after and those on a plan
                cla, cpp = t.social_care.get("CLA", (0, 0)), t.social_care.get("CPP", (0, 0))
                e_count = None if e_count is None else max(e_count - (cla[0] or 0) - (cpp[0] or 0), 0)
                k_count = None if k_count is None else max(k_count - (cla[1] or 0) - (cpp[1] or 0), 0)
            for st_code, count, fallback in ((2, e_count, national[group][0]), (1, k_count, national[group][1])):
                pool = np.flatnonzero((status == st_code) & school_age & ~taken)
                wanted = count * s if count is not None else fallback * len(pool)
                wanted = int(min(round(wanted), len(pool)))
                if wanted <= 0:
                    continue
                kids = rng.choice(pool, wanted, replace=False)
                taken[kids] = True
                begin = np.maximum(R - (30 + rng.random(wanted) * 2000).astype(np.int64), dob[kids] + 30)
                self.b.add(
                    "flags", child=kids, flag=FLAGS.index("LAC" if group == "CLA" else group), start=begin, end=NONE
                )
        # earlier episodes that have ended
        past = np.flatnonzero((age >= 6) & (rng.random(n) < 0.015))
        begin = np.maximum(R - (400 + rng.random(len(past)) * 1800).astype(np.int64), dob[past] + 365)
        self.b.add(
            "flags",
            child=past,
            flag=FLAGS.index("CIN"),
            start=begin,
            end=np.minimum(begin + (90 + rng.random(len(past)) * 600).astype(np.int64), R - 10),
        )
        for flag, rate_e, rate_k, lo, hi in (
            ("YJ", 0.012, 0.005, 10, 17),
            ("SUSPENDED", 0.04, 0.02, 5, 17),
            ("YOUNG_CARER", 0.01, 0.01, 8, 17),
        ):
            kids = np.flatnonzero((age >= lo) & (age <= hi) & (rng.random(n) < np.where(status == 2, rate_e, rate_k)))
            begin = R - (10 + rng.random(len(kids)) * 500).astype(np.int64)
            end = np.where(flag == "SUSPENDED", begin + 1 + (rng.random(len(kids)) * 5).astype(np.int64), NONE)
            end = np.where((flag == "YJ") & (rng.random(len(kids)) < 0.5), np.minimum(begin + 180, R - 1), end)
            self.b.add("flags", child=kids, flag=FLAGS.index(flag), start=begin, end=end)
        for flag, setting in (("EHE", "ehe"), ("PERM_EXCLUDED", "perm_excluded")):
            kids = np.flatnonzero(key == setting)
            begin = np.where(self.last_end[kids] >= 0, self.last_end[kids], R - 60)
            self.b.add("flags", child=kids, flag=FLAGS.index(flag), start=begin, end=NONE)
        kids = np.flatnonzero((key == "awaiting") & (age >= 5) & (age <= 15) & (rng.random(n) < 0.3))
        self.b.add(
            "flags",
            child=kids,
            flag=FLAGS.index("CME"),
            start=np.where(self.last_end[kids] >= 0, self.last_end[kids], R - 30),
            end=NONE,
        )

    # ---------------- parents ----------------

    def parents_table(self) -> Table:
        rng, c, n = self.rng, self.c, self.n
        two = rng.random(n) < 0.3
        child = np.r_[np.arange(n), np.flatnonzero(two)]
        m = len(child)
        first_is_mother = rng.random(n) < 0.85
        mother = np.r_[first_is_mother, ~first_is_mother[two]]
        relationship = np.where(mother, 0, 1)
        other = rng.random(m) < 0.04
        relationship[other] = rng.choice([2, 3, 5], other.sum())
        looked_after = np.zeros(n, dtype=bool)
        if len(self.b.parts["flags"]):
            f = concat(self.b.parts["flags"])
            looked_after[f["child"][(f["flag"] == FLAGS.index("LAC")) & (f["end"] == NONE)]] = True
        foster = looked_after[child] & (np.r_[np.ones(n, bool), np.zeros(two.sum(), bool)])
        relationship[foster] = RELATIONSHIPS_FOSTER
        first = np.where(
            mother, rng.integers(0, len(names.ADULT_NAMES_F), m), rng.integers(0, len(names.ADULT_NAMES_M), m)
        )
        same_name = rng.random(m) < 0.8
        last = np.where(same_name, c["last"][child], rng.integers(0, len(names.SURNAMES), m))
        return Table(
            {
                "child": child.astype(np.int32),
                "mother": mother,
                "first": first.astype(np.int16),
                "last": last.astype(np.int16),
                "relationship": relationship.astype(np.int8),
                "responsibility": ~np.isin(relationship, [RELATIONSHIPS_FOSTER, 2]),
                "phone": rng.integers(0, 1000, m).astype(np.int16),
                "house": rng.integers(1, 180, m).astype(np.int16),
                "street": rng.integers(0, len(names.STREET_STEMS) * len(names.STREET_TYPES), m).astype(np.int16),
                "town": rng.integers(0, len(names.PLACES), m).astype(np.int16),
                "contact": weighted_choice(rng, np.array([0.6, 0.25, 0.05, 0.1]), m).astype(np.int8),
                "language": c["language"][child],
                "user": np.zeros(m, dtype=np.int8),
            }
        )
