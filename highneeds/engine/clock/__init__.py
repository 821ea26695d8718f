"""The statutory clock for EHC needs assessments and plans (pure Python and numpy, no Django).

    from highneeds.engine.clock import compute_case, compute_many, ClockRules
    result = compute_case({"request_received": "2024-01-10", "events": [...], "exceptions": [...]})
    result.as_json()  # {"clock_start": ..., "withdrawn": ..., "deadlines": [{"step", "due", ...}]}
    # a plan's life on its own: reviews, phase transfer, reassessment, mediation, appeals
    compute_case({"date_of_birth": "2019-05-01", "events": [{"type": "final_plan_issued", ...}, ...]},
                 rules=ClockRules(under5_review_months=6), calendar=council_calendar)

The steps are a table (`steps.STEP_RULES`), the accepted events and exceptions are tables
(`vocabulary`), and the evaluator works on whole populations at once (`compute_many`).
Semantics, legal sources and the JSON format: docs/statutory-clock.md.
"""

from highneeds.engine.clock.evaluate import CaseResult, StepResult, compute_case, compute_many
from highneeds.engine.clock.parse import ClockInputError, parse_case
from highneeds.engine.clock.rules import ClockRules
from highneeds.engine.clock.steps import STEP_RULES, Limit, StepRule, When
from highneeds.engine.clock.vocabulary import (
    EVENT_SPECS,
    EXCEPTION_CODES,
    EXCEPTION_SPECS,
    STATUSES,
)

__all__ = [
    "CaseResult",
    "ClockInputError",
    "ClockRules",
    "EVENT_SPECS",
    "EXCEPTION_CODES",
    "EXCEPTION_SPECS",
    "Limit",
    "STATUSES",
    "STEP_RULES",
    "StepResult",
    "StepRule",
    "When",
    "compute_case",
    "compute_many",
    "parse_case",
]
