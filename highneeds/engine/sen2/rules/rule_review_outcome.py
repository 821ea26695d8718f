"""From 2025: an active plan reviewed in the year (ReviewMeeting given) says what the review decided
(ReviewOutcome was voluntary in 2024, per a supplier's release note)."""

from . import DFE, ERROR, Rule, text


def check(ctx):
    for *_, plan in ctx.active_plans:
        if text(plan, "ReviewMeeting") and not text(plan, "ReviewOutcome"):
            yield plan, "ReviewOutcome", "A review meeting is given without its ReviewOutcome"


RULE = Rule(
    "SEN2-160",
    "5 Active plans",
    ERROR,
    ("ReviewMeeting", "ReviewOutcome"),
    "A review meeting needs its outcome",
    DFE,
    check,
)
