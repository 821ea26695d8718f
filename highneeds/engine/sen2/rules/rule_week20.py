"""Week20 (item 3.7, "20-week time limit exceptions apply") is given, 0 or 1, for every assessment that ended
in a decision to issue a plan, and only then."""

from . import ERROR, OURS, Rule, text

ISSUED = "I"


def check(ctx):
    for _person, _request, assessment in ctx.assessments:
        week20 = text(assessment, "Week20")
        issued = text(assessment, "AssessmentOutcome") == ISSUED
        if issued and not week20:
            yield assessment, "Week20", "Week20 is missing for an assessment that ended in a plan"
        elif week20 and not issued:
            yield assessment.find("Week20"), "Week20", "Week20 is given but the assessment did not end in a plan"


RULE = Rule(
    "SEN2-130",
    "3 Assessment",
    ERROR,
    ("Week20", "AssessmentOutcome", "ReceivedDate", "StartDate"),
    "Week20 does not agree with the assessment's outcome and dates",
    OURS,
    check,
)
