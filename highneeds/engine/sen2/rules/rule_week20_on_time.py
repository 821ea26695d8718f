"""Query: Week20 = 1 (exceptions apply) although the plan started within 20 weeks of the request, so the
exception made no difference: check it was recorded against the right case."""

from datetime import timedelta

from . import OURS, QUERY, Rule, children, day, text


def check(ctx):
    for _person, request, assessment in ctx.assessments:
        if text(assessment, "Week20") != "1":
            continue
        received = day(request, "ReceivedDate")
        start = min((s for s in (day(p, "StartDate") for p in children(assessment, "NamedPlan")) if s), default=None)
        if received and start and start - received <= timedelta(weeks=20):
            yield assessment.find("Week20"), "Week20"


RULE = Rule(
    "SEN2-131",
    "3 Assessment",
    QUERY,
    ("Week20", "ReceivedDate", "StartDate"),
    "Week20 says exceptions apply but the plan started within 20 weeks of the request",
    OURS,
    check,
)
