"""The synthetic council generator: identifiers, determinism, calibration and histories."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from highneeds.demo import synthetic as syn
from highneeds.demo.synthetic import vocabulary
from highneeds.demo.synthetic.helpers import NONE, apportion, day, integer_ipf
from highneeds.demo.synthetic.ids import NhsPool, nhs_strings, upn_bodies, upn_strings
from highneeds.engine import identifiers, publicdata

DATA = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
needs_data = pytest.mark.skipif(
    not (DATA / publicdata.CASELOAD_FILE).is_file(), reason="shared data folder not present"
)


@pytest.fixture(scope="module")
def targets():
    return publicdata.load_targets(DATA)


@pytest.fixture(scope="module")
def shared(targets):
    return syn.shared_for(targets, DATA, seed=2022)


@pytest.fixture(scope="module")
def wakefield(targets, shared):
    return syn.generate_council(targets.for_la("384"), scale=1.0, seed=2022, shared=shared)


# ---------------------------------------------------------------- helpers


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=30), st.integers(0, 100_000))
def test_apportion_is_exact_and_fair(weights, total):
    out = apportion(weights, total)
    assert out.sum() == total and (out >= 0).all()
    if sum(weights) > 0:
        exact = np.array(weights) / sum(weights) * total
        assert (np.abs(out - exact) < 1 + 1e-9).all()


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_integer_ipf_hits_both_margins(data):
    n_rows, n_cols = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 8))
    rows = np.array(data.draw(st.lists(st.integers(0, 300), min_size=n_rows, max_size=n_rows)))
    cols = apportion(data.draw(st.lists(st.floats(0, 1), min_size=n_cols, max_size=n_cols)), int(rows.sum()))
    seed = np.array(
        data.draw(st.lists(st.sampled_from([0.0, 0.1, 1.0, 3.0]), min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    ).reshape(n_rows, n_cols)
    out = integer_ipf(seed, rows, cols)
    assert (out >= 0).all()
    assert (out.sum(1) == rows).all() and (out.sum(0) == cols).all()


def test_nhs_pool_numbers_are_valid_test_numbers():
    pool = NhsPool(7)
    assert len(pool.numbers) == 909_091  # every 999-prefix number with a valid check digit
    assert len(np.unique(pool.numbers)) == len(pool.numbers)
    text = nhs_strings(pool.numbers[::997])
    assert all(t.startswith("999") and identifiers.validate_nhs_number(t) == t for t in text)
    taken = pool.take(np.ones(5, dtype=bool))
    assert pool.remaining == 909_086 and (taken >= 0).all()


@given(st.integers(0, 2**31), st.sampled_from(["201", "384", "886", "940"]))
@settings(max_examples=20, deadline=None)
def test_upns_are_unique_and_check(seed, la):
    rng = np.random.default_rng(seed)
    n = 3000
    bodies = upn_bodies(la, rng.integers(2001, 2020, n), rng.integers(2000, 2022, n), rng)
    assert len(np.unique(bodies)) == n
    for upn in upn_strings(bodies)[::50]:
        assert identifiers.validate_upn(upn) == upn and upn[1:4] == la


# ---------------------------------------------------------------- generated councils


@needs_data
@given(
    seed=st.integers(0, 10_000),
    la=st.sampled_from(["384", "805", "204", "940", "201"]),
    scale=st.sampled_from([0.01, 0.03, 0.05]),
)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_identifier_and_postcode_validates(targets, shared, seed, la, scale):
    council = syn.generate_council(targets.for_la(la), scale=scale, seed=seed, shared=shared, nhs=NhsPool(seed))
    kids = syn.render.children(council, 0, len(council.children), syn.render.Ids())
    for upn in filter(None, kids["upn"]):
        assert identifiers.validate_upn(upn) == upn and upn[1:4] == la
    for nhs in filter(None, kids["nhs_number"]):
        assert identifiers.validate_nhs_number(nhs) == nhs and nhs.startswith("999")
    for postcode in kids["postcode"]:
        assert identifiers.validate_postcode(postcode) == postcode and postcode.startswith("ZZ")
    parents = syn.render.parents(council, 0, len(council.parents), syn.render.Ids())
    assert all(identifiers.validate_postcode(p) == p for p in parents["postcode"])
    assert all(e.endswith("@example.com") for e in parents["email"])
    ests = syn.render.establishments(council.establishments, 0, len(council.establishments), 1)
    assert all(identifiers.validate_postcode(p) == p for p in ests["postcode"])
    present = [u for u in kids["upn"] if u]
    assert len(set(present)) == len(present)
    present = [n for n in kids["nhs_number"] if n]
    assert len(set(present)) == len(present)
    surnames = set(syn.render.names.SURNAMES)
    assert set(kids["last_name"]) <= surnames


@needs_data
def test_same_seed_same_council_other_seed_differs(targets, shared):
    la = targets.for_la("805")
    a = syn.generate_council(la, scale=0.3, seed=11, shared=shared, nhs=NhsPool(11))
    b = syn.generate_council(la, scale=0.3, seed=11, shared=shared, nhs=NhsPool(11))
    c = syn.generate_council(la, scale=0.3, seed=12, shared=shared, nhs=NhsPool(12))
    for name in syn.Council.TABLES:
        ta, tb = getattr(a, name).columns, getattr(b, name).columns
        assert ta.keys() == tb.keys()
        for key in ta:
            assert np.array_equal(np.asarray(ta[key], dtype=object), np.asarray(tb[key], dtype=object)), (name, key)
    assert not np.array_equal(a.children["dob"], c.children["dob"])
    assert a.counts()["children"] == c.counts()["children"]  # the totals are the targets, whatever the seed


@needs_data
@pytest.mark.parametrize("la", ["384", "886"])  # Wakefield (the default) and Kent (the largest)
def test_calibrated_within_2_percent_at_scale_1(targets, shared, wakefield, la):
    council = (
        wakefield if la == "384" else syn.generate_council(targets.for_la(la), scale=1.0, seed=2022, shared=shared)
    )
    rows = syn.calibration.checks(council, detail=True)
    off = [(r.section, r.measure, r.target, r.generated) for r in rows if not r.ok]
    assert not off
    t = targets.for_la(la)
    got = syn.calibration.measured(council)
    assert got["ehcp_total"] == t.ehcp_total
    assert got["sen_support_total"] == t.sen_support_total
    assert got["settings"] == t.settings  # whole-number targets are met exactly
    for group, share in t.age_shares.items():
        assert abs(got["ages"][group] - share * t.ehcp_total) <= max(0.02 * share * t.ehcp_total, 1)
    for need, share in t.need_mix["E"].items():
        assert abs(got["needs_e"][need] - share * t.ehcp_total) <= max(0.02 * share * t.ehcp_total, 1)


@needs_data
def test_nsa_only_with_sen_support_and_alone(wakefield):
    needs = wakefield.needs
    status = syn.calibration.status_on(wakefield)
    nsa = needs["code"] == vocabulary.NEED_INDEX["NSA"]
    assert nsa.any()
    assert (status[needs["child"][nsa]] == 1).all()
    with_nsa = set(needs["child"][nsa].tolist())
    per_child = np.bincount(needs["child"], minlength=len(wakefield.children))
    assert all(per_child[c] == 1 for c in with_nsa)
    # ranks are 1..n without gaps and a code never repeats for a child
    pairs = set(zip(needs["child"].tolist(), needs["code"].tolist(), strict=True))
    assert len(pairs) == len(needs)
    assert set(zip(needs["child"].tolist(), needs["rank"].tolist(), strict=True)) >= {
        (c, 1) for c in range(len(wakefield.children))
    }


@needs_data
def test_status_periods_are_consecutive_and_match_the_child(wakefield):
    p = wakefield.sen_periods
    order = np.lexsort((p["start"], p["child"]))
    child, start, end = p["child"][order], p["start"][order], p["end"][order]
    same = child[1:] == child[:-1]
    assert (end[:-1][same] != NONE).all() and (end[:-1][same] <= start[1:][same]).all()
    assert ((end == NONE) | (end > start)).all()
    assert (start <= vocabulary.R).all()
    assert np.array_equal(syn.calibration.status_on(wakefield), wakefield.children["status"])


@needs_data
def test_placements_back_to_2015_change_at_phase_transfer(wakefield):
    pl_ = wakefield.placements
    kids = wakefield.children
    order = np.lexsort((pl_["start"], pl_["child"]))
    child, start, end = pl_["child"][order], pl_["start"][order], pl_["end"][order]
    same = child[1:] == child[:-1]
    assert (end[:-1][same] == start[1:][same]).all()  # one placement ends as the next begins
    assert ((end == NONE) | (end >= start)).all()
    assert (np.where(end == NONE, vocabulary.R, end) > vocabulary.HISTORY_START).all()
    open_rows = end == NONE
    assert len(np.unique(child[open_rows])) == open_rows.sum()  # at most one current placement
    # the current placement's establishment is the census-day setting's type
    est_type = np.asarray(wakefield.establishments["establishment_type"], dtype=object)
    n_local = len(wakefield.establishments)
    setting = np.array(vocabulary.ALL_SETTINGS)[kids["setting"]]
    for c, e in zip(child[open_rows], pl_["establishment"][order][open_rows], strict=True):
        expected = publicdata.SETTINGS_BY_KEY.get(setting[c])
        if expected is not None and e < n_local:
            assert est_type[e] == expected.establishment_type
    moved_up = 0
    for c in np.flatnonzero((kids["age"] >= 12) & (kids["age"] <= 15))[:300]:
        phases = [wakefield.establishments["phase"][e] for e in pl_["establishment"][pl_["child"] == c] if e < n_local]
        moved_up += "PRIMARY" in phases and "SECONDARY" in phases
    assert moved_up > 100  # most of them have a primary then a secondary placement


@needs_data
def test_plans_follow_the_statutory_steps_and_the_las_timeliness(wakefield, targets):
    ev = wakefield.events
    req = wakefield.requests
    issued = np.flatnonzero(req["status"] == vocabulary.REQUEST_STATUSES.index("plan_issued"))
    by_request = {}
    for r, t, on in zip(ev["request"].tolist(), ev["event_type"].tolist(), ev["occurred_on"].tolist(), strict=True):
        if r != NONE:
            by_request.setdefault(r, {}).setdefault(vocabulary.EVENT_TYPES[t], []).append(on)
    within, total = 0, 0
    for r in issued:
        steps = by_request[int(r)]
        received, final = steps["request_received"][0], steps["final_plan_issued"][0]
        assert received <= steps["decision_to_assess"][0] <= min(steps["advice_requested"])
        assert max(steps["advice_received"]) <= steps["draft_plan_sent"][0] <= final - 15
        if day(publicdata.CENSUS_DATE) - 3 * 365 <= final:
            total += 1
            within += final - received <= 140
    assert abs(within / total - targets.for_la("384").within_20_weeks) < 0.05
    assert (ev["occurred_on"] <= vocabulary.R).all()
    dob = wakefield.children["dob"][ev["child"]]
    assert (ev["occurred_on"] > dob).all()
    in_flight = np.isin(req["status"], [vocabulary.REQUEST_STATUSES.index(s) for s in ("pending", "assess", "draft")])
    assert in_flight.sum() > 50 and (req["closed_on"][in_flight] == NONE).all()
    assert (req["closed_on"][~in_flight] != NONE).all()


@needs_data
def test_cohort_flags_use_the_las_published_counts(wakefield, targets):
    t = targets.for_la("384")
    flags = wakefield.flags
    status = wakefield.children["status"]
    open_lac = (flags["flag"] == vocabulary.FLAGS.index("LAC")) & (flags["end"] == NONE)
    assert (status[flags["child"][open_lac]] == 2).sum() == t.social_care["CLA"][0]
    assert (status[flags["child"][open_lac]] == 1).sum() == t.social_care["CLA"][1]


@needs_data
def test_establishments_in_and_out_of_area(wakefield, shared):
    est = wakefield.establishments
    codes = set(est["la_code"])
    assert "384" in codes and len(codes) > 1  # neighbours' schools too
    placed = wakefield.placements["establishment"]
    n_local = len(est)
    shared_used = np.unique(placed[placed >= n_local] - n_local)
    used_types = {shared.table["establishment_type"][i] for i in shared_used}
    assert used_types == {"SP_INDEPENDENT", "SPECIALIST_POST16", "SP_NON_MAINTAINED"}
    assert any(shared.table["s41_approved"][i] for i in shared_used)  # real section 41 institutions
    # every council-area name is an invented place (or the council's own service)
    places = syn.render.names.PLACES
    assert all(name.split(" ")[0] in places or name.startswith("Wakefield ") for name in est["name"])


@needs_data
def test_a_national_run_shares_one_nhs_pool(targets, shared):
    councils = list(syn.generate_national(targets, shared, scale=0.01, seed=5, codes=["201", "384", "805", "420"]))
    nhs = np.concatenate([c.children["nhs"] for c in councils])
    nhs = nhs[nhs >= 0]
    assert len(np.unique(nhs)) == len(nhs)
    upns = np.concatenate([c.children["upn"] for c in councils])
    upns = upns[upns >= 0]
    assert len(np.unique(upns)) == len(upns)
    combined = syn.calibration.combine([syn.calibration.checks(c) for c in councils])
    assert combined[0].generated == sum(c.targets["ehcp_total"] for c in councils)


@needs_data
def test_plans_started_in_the_last_year_match_the_las_new_plans(wakefield, targets):
    t = targets.for_la("384")
    starts = wakefield.sen_periods
    current_plans = (starts["status"] == 2) & (starts["end"] == NONE)
    recent = (starts["start"][current_plans] > vocabulary.R - 365).mean()
    assert abs(recent - t.new_plans_per_year / t.ehcp_total) < 0.02  # 431 new plans in 2021 / 2,704
    transfers = (wakefield.events["detail"] == vocabulary.D_TRANSFER).sum()
    assert 0 < transfers < current_plans.sum() / 2  # older plans began as statements
