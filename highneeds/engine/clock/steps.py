"""The statutory steps as a table: one `StepRule` per duty. The engine reads only this table.

To add a step, add its events to `vocabulary.EVENT_SPECS` and a row to `STEP_RULES`. Assessment
steps (`stage="assessment"`) pair each start with the first completing event; the plan's life
(`stage="plan"`: reviews, phase transfer, reassessment, mediation, appeals) has repeating events,
so those rows also say how starts and completions pair up (`pairing`), read by `plan.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from highneeds.engine.clock.vocabulary import EXCEPTION_BIT

WEEKS, DAYS, WORKING_DAYS, MONTHS = "weeks", "days", "working_days", "months"
WITHIN, BEGINNING_WITH, AFTER = "within", "beginning_with", "after"
LATEST, EARLIEST, WINDOW = "latest", "earliest", "window"
CLOCK = "clock"  # the case's clock start: request received, or becoming responsible if later


@dataclass(frozen=True)
class Limit:
    """A time limit. `counting`: WITHIN "N weeks of X" (the day of X is day 0, unless the
    `receipt_is_day_one` setting says day 1), BEGINNING_WITH "N days beginning with X" (X is day 1,
    fixed by the words of the regulation) or AFTER "N months / working days after X" (X is day 0,
    not affected by any setting: tribunal months, working days). `bound`: LATEST (act on or before
    `due`), EARLIEST (act on or after `due`: the earliest lawful date) or WINDOW (the family's own
    deadline, such as the time to appeal: never overdue, see docs). `before`: the limit counts back
    from X ("at least 2 weeks before the meeting")."""

    amount: int
    unit: str
    counting: str = WITHIN
    bound: str = LATEST
    amount_setting: str | None = None  # a ClockRules attribute that overrides `amount`
    before: bool = False

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
    # -- the plan's life (read by plan.py) ---------------------------------------------------
    stage: str = "assessment"
    # "first": each start is done by the first completing event (of the same key).
    # "next": each start is done by the first completing event on or after it and before the next start.
    # "chain": `starts` and every `done_by` event start a step, each done by the next `done_by` (reviews).
    # "cycle": one step per review cycle (up to and including each `cycle_event`) with a start in it.
    pairing: str = "first"
    also_starts: tuple[str, ...] = ()  # other event types that start it (the earliest one counts)
    start_where: tuple[str, str] | None = None  # only start events with this (field, value)
    anchor_field: str | None = None  # the limit counts from this date field of the start event
    cycle_event: str | None = None
    due_rule: str | None = None  # a named calculation in plan.py where a Limit cannot say it
    dropped_by_key: tuple[str, ...] = ()  # an undone keyed step is omitted once one of these (same key) exists

    @property
    def exception_bits(self) -> int:
        bits = 0
        for code in self.exceptions:
            bits |= EXCEPTION_BIT[code]
        return bits


_R5_10_13 = frozenset({"SCHOOL_CLOSURE", "EY_CLOSURE", "PERSONAL_CIRCS", "ABSENT_AREA", "COVID19"})
_R27 = frozenset({"SCHOOL_CLOSURE", "EY_CLOSURE", "PERSONAL_CIRCS", "ABSENT_AREA"})
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
    # -- the plan's life: annual reviews ----------------------------------------------------------
    StepRule(
        name="review_due",
        limit=Limit(12, MONTHS, counting=AFTER),
        starts="final_plan_issued",
        done_by="annual_review_meeting",
        stage="plan",
        pairing="chain",
        due_rule="review_interval",
        source="CFA 2014 s44(1); CoP 9.166; under-5s CoP 9.178 (guidance: setting under5_review_months)",
        summary="Review the plan within 12 calendar months of its making, then of the previous review meeting",
    ),
    StepRule(
        name="review_invitations",
        limit=Limit(2, WEEKS, before=True, amount_setting="review_notice_weeks"),
        starts="review_meeting_arranged",
        done_by="review_invitations_sent",
        stage="plan",
        pairing="cycle",
        cycle_event="annual_review_meeting",
        anchor_field="meeting_on",
        source="SEND Regulations 2014 reg 20(3), 21(3)",
        summary="Invite to the review meeting at least 2 weeks before it",
    ),
    StepRule(
        name="review_advice",
        limit=Limit(2, WEEKS, before=True, amount_setting="review_advice_weeks"),
        starts="review_meeting_arranged",
        done_by="review_advice_circulated",
        stage="plan",
        pairing="cycle",
        cycle_event="annual_review_meeting",
        anchor_field="meeting_on",
        source="SEND Regulations 2014 reg 20(4), 21(4) (DfE consulted in 2022 on 3 weeks: setting)",
        summary="Circulate the advice and information to those invited at least 2 weeks before the meeting",
    ),
    StepRule(
        name="review_report",
        limit=Limit(2, WEEKS, amount_setting="review_report_weeks"),
        starts="annual_review_meeting",
        done_by="review_report_sent",
        stage="plan",
        pairing="next",
        source="SEND Regulations 2014 reg 21(7) (reg 20 equivalent paragraph UNVERIFIED)",
        summary="Send the review report to everyone invited within 2 weeks of the meeting",
    ),
    StepRule(
        name="review_decision",
        limit=Limit(4, WEEKS, amount_setting="review_decision_weeks"),
        starts="annual_review_meeting",
        done_by="review_decision",
        stage="plan",
        pairing="next",
        source="SEND Regulations 2014 reg 20 (paragraph UNVERIFIED); CoP 9.176; [Devon] with reg 22(2)",
        summary="Notify the decision to maintain, amend or cease within 4 weeks of the meeting",
    ),
    StepRule(
        name="amended_plan",
        limit=Limit(8, WEEKS, amount_setting="amended_plan_weeks"),
        starts="amendments_proposed",
        done_by="amended_plan_issued",
        stage="plan",
        pairing="next",
        source="SEND Regulations 2014 reg 22(3)",
        summary="Issue the final amended plan within 8 weeks of sending the proposed amendments",
    ),
    # -- phase transfer --------------------------------------------------------------------------
    StepRule(
        name="phase_transfer",
        limit=Limit(5, MONTHS, counting=AFTER, before=True),
        starts="phase_transfer_identified",
        done_by="phase_transfer_amended",
        stage="plan",
        pairing="next",
        anchor_field="transfer_on",
        due_rule="phase_transfer",
        source="SEND Regulations 2014 reg 18(1) (15 February; 31 March secondary to post-16), 18(2) (5 months)",
        summary="Review and amend the plan naming the new setting before the phase transfer deadline",
    ),
    # -- reassessment ----------------------------------------------------------------------------
    StepRule(
        name="reassessment_decision",
        limit=Limit(15, DAYS, amount_setting="reassessment_decision_days"),
        starts="reassessment_requested",
        done_by="reassessment_decision",
        stage="plan",
        pairing="next",
        source="SEND Regulations 2014 (reg 25 per local offers; regulation number UNVERIFIED: setting)",
        summary="Notify the decision whether to reassess within 15 days of the request",
    ),
    StepRule(
        name="reassessed_plan",
        limit=Limit(14, WEEKS),
        starts="reassessment_decision",
        done_by="reassessed_plan_issued",
        exceptions=_R27,
        stage="plan",
        pairing="next",
        start_where=("outcome", "reassess"),
        source="SEND Regulations 2014 reg 27(2); exceptions reg 27(3)(a)-(d)",
        summary="Issue the amended or replacement plan within 14 weeks of the decision to reassess",
    ),
    # -- disagreement: one of each per appealable decision ----------------------------------------
    StepRule(
        name="mediation_arranged",
        limit=Limit(30, DAYS),
        starts="mediation_requested",
        done_by="mediation_held",
        keyed=True,
        stage="plan",
        dropped_by_key=("mediation_declined",),
        source="SEND Regulations 2014 (30 days; regulation number UNVERIFIED; IPSEA, Surrey SENDIAS)",
        summary="Mediation takes place within 30 days of the council being told the family wants it",
    ),
    StepRule(
        name="mediation_certificate",
        limit=Limit(3, WORKING_DAYS, counting=AFTER),
        starts="mediation_declined",
        also_starts=("mediation_held",),
        done_by="mediation_certificate_issued",
        keyed=True,
        stage="plan",
        source="SEND Regulations 2014 reg 34 (declined); after mediation: IPSEA (regulation number UNVERIFIED)",
        summary="Mediation certificate issued within 3 working days",
    ),
    StepRule(
        name="appeal_deadline",
        limit=Limit(2, MONTHS, counting=AFTER, bound=WINDOW),
        starts="decision_notice_sent",
        done_by="appeal_lodged",
        keyed=True,
        stage="plan",
        due_rule="appeal",
        source="Tribunal Procedure (FTT)(HESC) Rules 2008 r.20(1)(c)",
        summary="The family's deadline to appeal: 2 months after the notice, or 1 month after the certificate, "
        "whichever is later",
    ),
)
ASSESSMENT_RULES = tuple(r for r, rule in enumerate(STEP_RULES) if rule.stage == "assessment")
PLAN_RULES = tuple(r for r, rule in enumerate(STEP_RULES) if rule.stage == "plan")
