"""The statutory steps as a table: one `StepRule` per duty. The engine reads only this table.

To add a step (annual review, phase transfer, mediation...), add its events to
`vocabulary.EVENT_SPECS` and a row to `STEP_RULES`; units "working_days" and "months" are already
supported by the evaluator for the mediation and tribunal limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from highneeds.engine.clock.vocabulary import EXCEPTION_BIT

WEEKS, DAYS, WORKING_DAYS, MONTHS = "weeks", "days", "working_days", "months"
WITHIN, BEGINNING_WITH = "within", "beginning_with"
LATEST, EARLIEST = "latest", "earliest"
CLOCK = "clock"  # the case's clock start: request received, or becoming responsible if later


@dataclass(frozen=True)
class Limit:
    """A time limit. `counting`: WITHIN "N weeks of X" (the day of X is day 0, unless the
    `receipt_is_day_one` setting says day 1) or BEGINNING_WITH "N days beginning with X" (X is day 1,
    fixed by the words of the regulation). `bound`: LATEST (act on or before `due`) or EARLIEST
    (act on or after `due`: the earliest lawful date)."""

    amount: int
    unit: str
    counting: str = WITHIN
    bound: str = LATEST
    amount_setting: str | None = None  # a ClockRules attribute that overrides `amount`

    def amount_for(self, rules) -> int:
        return getattr(rules, self.amount_setting) if self.amount_setting else self.amount


@dataclass(frozen=True)
class When:
    """Matches a case that has an event of this type (with `field` == `value` if given)."""

    event: str
    field: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class StepRule:
    name: str  # output name; keyed steps are shown as "name:key"
    limit: Limit
    starts: str  # CLOCK or an event type (one step per such event)
    done_by: str  # event type that completes the step (same key when keyed)
    keyed: bool = False
    start_field: str | None = None  # optional event field that gives the real start (adviser's receipt)
    start_lag_setting: str | None = None  # ClockRules days added to the event date when that field is absent
    exceptions: frozenset[str] = frozenset()  # permitted exceptions that disapply this limit
    not_applicable_when: tuple[When, ...] = ()  # an undone step is omitted when the case has any of these
    source: str = ""
    summary: str = ""

    @property
    def exception_bits(self) -> int:
        bits = 0
        for code in self.exceptions:
            bits |= EXCEPTION_BIT[code]
        return bits


_R5_10_13 = frozenset({"SCHOOL_CLOSURE", "EY_CLOSURE", "PERSONAL_CIRCS", "ABSENT_AREA", "COVID19"})
_R8 = frozenset({"PERSONAL_CIRCS", "ABSENT_AREA", "MISSED_APPT", "COVID19"})
_NOT_ASSESSING = When("decision_to_assess", "outcome", "not_assess")

STEP_RULES: tuple[StepRule, ...] = (
    StepRule(
        name="decide_whether_to_assess",
        limit=Limit(6, WEEKS),
        starts=CLOCK,
        done_by="decision_to_assess",
        exceptions=_R5_10_13,
        source="SEND Regulations 2014 reg 5(1)-(2); exceptions reg 5(4)(a)-(d)",
        summary="Notify the decision whether to secure an EHC needs assessment",
    ),
    StepRule(
        name="advice",
        limit=Limit(6, WEEKS),
        starts="advice_requested",
        done_by="advice_received",
        keyed=True,
        start_field="received_by_adviser",
        start_lag_setting="advice_receipt_lag_days",
        exceptions=_R8,
        source="SEND Regulations 2014 reg 8(1); exceptions reg 8(2)(a)-(c)",
        summary="Advice or information from a person asked, within 6 weeks of their receiving the request",
    ),
    StepRule(
        name="notify_not_issue",
        limit=Limit(16, WEEKS),
        starts=CLOCK,
        done_by="decision_not_to_issue",
        exceptions=_R5_10_13,
        not_applicable_when=(_NOT_ASSESSING, When("draft_plan_sent"), When("final_plan_issued")),
        source="SEND Regulations 2014 reg 10(1)-(3); exceptions reg 10(4)(a)-(d)",
        summary="Notify a decision not to issue an EHC plan after assessment",
    ),
    StepRule(
        name="school_consultation",
        limit=Limit(15, DAYS, amount_setting="school_consultation_days"),
        starts="school_consultation_sent",
        done_by="school_consultation_response",
        keyed=True,
        source="SEND Code of Practice 2015 para 9.83 (guidance, not a regulation)",
        summary="School or college consulted on being named replies",
    ),
    StepRule(
        name="earliest_finalisation",
        limit=Limit(15, DAYS, counting=BEGINNING_WITH, bound=EARLIEST),
        starts="draft_plan_sent",
        done_by="final_plan_issued",
        start_field="served",
        start_lag_setting="draft_service_lag_days",
        source="SEND Regulations 2014 reg 13(1)(a) (at least 15 days beginning with the day the draft was served)",
        summary="Earliest lawful date to finalise: the representation period must have run",
    ),
    StepRule(
        name="final_plan",
        limit=Limit(20, WEEKS),
        starts=CLOCK,
        done_by="final_plan_issued",
        exceptions=_R5_10_13,
        not_applicable_when=(_NOT_ASSESSING, When("decision_not_to_issue")),
        source="SEND Regulations 2014 reg 13(2); exceptions reg 13(3) (reg 10(4)(a)-(d))",
        summary="Send the final EHC plan",
    ),
)
