"""The statutory state machines (pure): well formed, in agreement with the clock's legal order, and refusing
every step out of order with a message naming it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from highneeds.engine.clock.machines import (
    ASSESSMENT,
    MACHINES,
    NEW,
    PLAN_VERSION,
    REPRESENTATION_DAYS,
    StepRefused,
    missing_predecessors,
    predecessors,
)
from highneeds.engine.clock.vocabulary import EVENT_SPECS


@pytest.mark.parametrize("machine", MACHINES.values(), ids=MACHINES)
def test_every_state_is_reachable_and_every_step_leads_somewhere(machine):
    starts = {s for step in machine.steps.values() for s in step.sources} - {
        t for step in machine.steps.values() for t in step.targets
    }
    reached, todo = set(starts), list(starts)
    while todo:
        here = todo.pop()
        for src, _, dst in machine.transitions():
            if src == here and dst not in reached:
                reached.add(dst)
                todo.append(dst)
    assert set(machine.states) <= reached | starts, f"unreachable: {set(machine.states) - reached}"


def _reachable(machine, without: str | None = None) -> set[str]:
    """States reachable from where records start, never taking the step `without`."""
    reached = {NEW} | (
        {s for step in machine.steps.values() for s in step.sources}
        - {t for step in machine.steps.values() for t in step.targets}
    )
    todo = list(reached)
    while todo:
        here = todo.pop()
        for src, name, dst in machine.transitions():
            if src == here and name != without and dst not in reached:
                reached.add(dst)
                todo.append(dst)
    return reached


@pytest.mark.parametrize("machine", MACHINES.values(), ids=MACHINES)
def test_the_machines_agree_with_the_clock(machine):
    """A step recording a clock event is offered only in states that cannot be reached without the steps
    recording the events the clock needs first (one home for the legal order: the clock's EventSpec.needs)."""
    by_event = {step.event: name for name, step in machine.steps.items() if step.event}
    for name, step in machine.steps.items():
        for needed, _ in predecessors(step.event) if step.event else ():
            earlier = by_event.get(needed)
            if earlier is None or earlier == name:  # recorded by another process (the plan's making, a notice)
                continue
            if not machine.steps[earlier].targets:  # within one stage (advice asked, then given): the clock's
                continue
            early = set(step.sources) & _reachable(machine, without=earlier)
            assert not early, (
                f"{machine.name}.{name} is offered in {early} before {earlier}, which the clock requires first"
            )


def test_a_final_plan_needs_what_the_clock_says():
    assert ("draft_plan_sent", None) in predecessors("final_plan_issued")
    assert ("decision_to_assess", ("outcome", "assess")) in predecessors("final_plan_issued")
    history = [{"type": "decision_to_assess", "outcome": "assess"}]
    assert missing_predecessors("final_plan_issued", history) == ["draft_plan_sent"]
    assert missing_predecessors(
        "final_plan_issued", [{"type": "decision_to_assess", "outcome": "not_assess"}, {"type": "draft_plan_sent"}]
    ) == ["decision_to_assess (outcome assess)"]
    assert missing_predecessors("final_plan_issued", [], with_clock=False) == []  # a plan made before highneeds
    assert REPRESENTATION_DAYS == 15  # DOMAIN.md section 0: "at least 15 days, beginning with" the day served


def test_refusals_name_the_step_and_say_what_to_do():
    with pytest.raises(StepRefused) as refused:
        ASSESSMENT.check("pending", "issue_final_plan")
    assert str(refused.value).startswith("Issue the final plan: that step is not possible now")
    assert "deciding whether to assess" in str(refused.value)
    with pytest.raises(StepRefused) as refused:
        PLAN_VERSION.check("editing", "issue")
    assert "15 days" in str(refused.value)
    with pytest.raises(StepRefused):
        ASSESSMENT.check("assess", "decide_whether_to_assess", to="not_issued")


@given(st.sampled_from(sorted(MACHINES)), st.data())
def test_check_allows_exactly_the_listed_transitions(name, data):
    machine = MACHINES[name]
    state = data.draw(st.sampled_from(sorted(set(machine.states) | {NEW})))
    step = data.draw(st.sampled_from(sorted(machine.steps)))
    allowed = state in machine.steps[step].sources
    try:
        machine.check(state, step)
    except StepRefused as refused:
        assert not allowed and refused.step == step and machine.steps[step].label in str(refused)
    else:
        assert allowed and step in machine.allowed(state)


def test_every_step_event_is_a_clock_event():
    for machine in MACHINES.values():
        for step in machine.steps.values():
            assert step.event is None or step.event in EVENT_SPECS
