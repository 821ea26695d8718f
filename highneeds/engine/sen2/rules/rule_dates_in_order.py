"""Dates follow the process: request received -> request outcome -> assessment outcome -> plan start -> cease,
and nothing happens after the reference date."""

from . import DFE, ERROR, Rule, children, day


def _pairs(ctx):
    for person, request in ctx.requests:
        received = ("ReceivedDate", day(request, "ReceivedDate"), request)
        outcome = ("RequestOutcomeDate", day(request, "RequestOutcomeDate"), request)
        yield received, outcome
        for assessment in children(request, "Assessment"):
            assessed = ("AssessmentOutcomeDate", day(assessment, "AssessmentOutcomeDate"), assessment)
            yield outcome if outcome[1] else received, assessed
            for plan in children(assessment, "NamedPlan"):
                start = ("StartDate", day(plan, "StartDate"), plan)
                yield assessed, start
                yield start, ("CeaseDate", day(plan, "CeaseDate"), plan)


def check(ctx):
    ref = ctx.reference_date
    for (a_name, a, _), (b_name, b, b_el) in _pairs(ctx):
        if a and b and b < a:
            yield b_el.find(b_name), b_name, f"{b_name} {b} is before {a_name} {a}"
    if ref:
        for person, request in ctx.requests:
            for el in request.iter(
                "ReceivedDate",
                "RequestOutcomeDate",
                "AssessmentOutcomeDate",
                "StartDate",
                "CeaseDate",
                "ReviewMeeting",
                "LastReview",
                "EntryDate",
            ):
                when = day(el.getparent(), el.tag)
                if when and when > ref:
                    yield el, el.tag, f"{el.tag} {when} is after the reference date {ref}"


RULE = Rule(
    "SEN2-120",
    "2-4",
    ERROR,
    ("ReceivedDate", "RequestOutcomeDate", "AssessmentOutcomeDate", "StartDate", "CeaseDate"),
    "Dates are out of order",
    DFE,
    check,
)
