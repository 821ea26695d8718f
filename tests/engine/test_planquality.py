"""The plan quality check and the difference between versions (pure engine)."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.engine import plandiff
from highneeds.engine import planquality as pq


def plan(ncy_pfa: bool = False) -> dict:
    return {
        "B": {
            "needs": [
                {"id": "b1", "area": "communication_interaction", "code": "SLCN", "text": "Language delay"},
                {"id": "b2", "area": "semh", "code": "SEMH", "text": "Anxiety in crowds"},
            ]
        },
        "E": {
            "outcomes": [
                {
                    "id": "e1",
                    "text": "Uses 3-word sentences",
                    "by_when": "July 2026",
                    "measure": "Termly SaLT assessment",
                    "needs": ["b1"],
                    "adulthood": "community" if ncy_pfa else "",
                },
                {
                    "id": "e2",
                    "text": "Joins assembly",
                    "by_when": "Easter 2026",
                    "measure": "Attendance log",
                    "needs": ["b2"],
                    "adulthood": "",
                },
            ]
        },
        "F": {
            "items": [
                {
                    "id": "f1",
                    "what": "Speech and language therapy",
                    "who": "Speech and language therapist",
                    "expertise": "HCPC registered",
                    "frequency": "Weekly",
                    "duration": "30 minutes",
                    "group_size": "1:1",
                    "needs": ["b1"],
                    "outcomes": ["e1"],
                },
                {
                    "id": "f2",
                    "what": "Anxiety management programme",
                    "who": "ELSA-trained assistant",
                    "expertise": "ELSA",
                    "frequency": "Twice a week",
                    "duration": "20 minutes",
                    "group_size": "Group of 3",
                    "needs": ["b2"],
                    "outcomes": ["e2"],
                },
            ]
        },
    }


def test_a_good_plan_scores_full():
    report = pq.check(plan(), ncy=5)
    assert report.score == 100 and report.findings == []
    assert next(r for r in report.rules if r.rule == "adulthood_outcomes").total == 0


def test_each_rule_finds_its_problem():
    sections = plan()
    sections["F"]["items"][1]["needs"] = []
    sections["F"]["items"][0]["frequency"] = "regular sessions"
    sections["F"]["items"][0]["what"] = "Access to speech therapy as appropriate"
    sections["E"]["outcomes"][1]["measure"] = ""
    report = pq.check(sections, ncy=10)
    rules = {f.rule for f in report.findings}
    assert rules == {
        "needs_have_provision",
        "provision_quantified",
        "no_hedge_words",
        "outcomes_linked",
        "adulthood_outcomes",
    }
    hedge = report.findings_for("no_hedge_words")[0].message
    assert '"access to"' in hedge and '"as appropriate"' in hedge and '"regular"' in hedge
    assert "does not say how often" in report.findings_for("provision_quantified")[0].message
    assert "Year 10" in report.findings_for("adulthood_outcomes")[0].message
    assert report.score < 100


def test_hedges():
    assert pq.hedges("Up to 3 hours of support") == ["up to"]
    assert pq.hedges("Support") == ["support (on its own)"]
    assert pq.hedges("Support from a teaching assistant, 1:1, daily") == []
    assert pq.hedges("opportunities to socialise") == ["opportunities"]
    assert pq.hedges("Irregular") == []  # whole words only


def test_year_nine_needs_an_adulthood_outcome():
    assert pq.check(plan(), ncy=9).score == 90
    assert pq.check(plan(ncy_pfa=True), ncy=9).score == 100


def test_empty_plan_scores_nil_on_needs_and_provision():
    report = pq.check({}, ncy=3)
    assert report.score < 100
    assert "Section B has no needs yet" in [f.message for f in report.findings]


text = st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=30)
item = st.fixed_dictionaries({k: text for k in pq.F_FIELDS})


@st.composite
def plans(draw):
    n_needs = draw(st.integers(0, 4))
    needs = [{"id": f"b{i}", "area": "semh", "code": "SEMH", "text": draw(text)} for i in range(n_needs)]
    items = []
    for i in range(draw(st.integers(0, 4))):
        base = draw(item)
        base.update(
            id=f"f{i}",
            needs=draw(st.lists(st.sampled_from([n["id"] for n in needs]), max_size=3)) if needs else [],
            outcomes=[],
        )
        items.append(base)
    outcomes = [
        {
            "id": f"e{i}",
            "text": draw(text),
            "by_when": draw(text),
            "measure": draw(text),
            "needs": [n["id"] for n in needs[:1]],
            "adulthood": draw(st.sampled_from(["", "employment"])),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    return {"B": {"needs": needs}, "E": {"outcomes": outcomes}, "F": {"items": items}}


@settings(max_examples=150, deadline=None)
@given(plans(), st.sampled_from(pq.HEDGE_PHRASES), st.sampled_from(pq.F_FIELDS), st.integers(0, 10), st.integers(0, 12))
def test_adding_a_hedge_word_never_raises_the_score(sections, phrase, field, which, ncy):
    if not sections["F"]["items"]:
        return
    before = pq.check(sections, ncy=ncy).score
    worse = copy.deepcopy(sections)
    target = worse["F"]["items"][which % len(worse["F"]["items"])]
    target[field] = f"{target[field]} {phrase}".strip()
    assert pq.check(worse, ncy=ncy).score <= before


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.integers(0, 13))
def test_every_need_with_quantified_provision_scores_full_on_those_rules(n, ncy):
    needs = [{"id": f"b{i}", "area": "semh", "code": "SEMH", "text": "x"} for i in range(n)]
    items = [
        {
            "id": f"f{i}",
            "what": "Social skills group",
            "who": "Teaching assistant",
            "expertise": "ELSA",
            "frequency": "Weekly",
            "duration": "45 minutes",
            "group_size": "Group of 4",
            "needs": [f"b{i}"],
            "outcomes": [],
        }
        for i in range(n)
    ]
    report = pq.check({"B": {"needs": needs}, "F": {"items": items}}, ncy=ncy)
    for rule in ("needs_have_provision", "provision_quantified", "no_hedge_words"):
        result = next(r for r in report.rules if r.rule == rule)
        assert result.ok and result.score == pq.WEIGHTS[rule]


def test_diff_is_section_by_section_with_word_pieces():
    old = plan()
    new = copy.deepcopy(old)
    new["F"]["items"][0]["frequency"] = "Twice weekly"
    new["F"]["items"].append({"id": "f3", "what": "Occupational therapy", "who": "OT"})
    del new["B"]["needs"][1]
    new["C"] = {"text": "Asthma"}
    result = {d.section: d for d in plandiff.diff(old, new, labels={"text": "Health needs"})}
    kinds = [(c.kind, c.label) for c in result["F"].changes]
    assert kinds == [("changed", "Provision 1, how often"), ("changed", "Provision 2, needs"), ("added", "Provision 3")]
    assert (result["F"].changes[1].old, result["F"].changes[1].new) == ("need 2", "b2")  # a link to a removed need
    changed = result["F"].changes[0]
    assert changed.pieces == [("del", "Weekly"), ("ins", "Twice weekly")]
    assert result["B"].changes[0].label == "Need 2 of the earlier version"
    assert "Need code: SEMH" in result["B"].changes[0].old
    assert [c.kind for c in result["B"].changes] == ["removed"]
    assert result["C"].changes[0].kind == "added" and result["C"].changes[0].label == "Health needs"
    assert result["G"].changes == []
    assert "K" not in result
