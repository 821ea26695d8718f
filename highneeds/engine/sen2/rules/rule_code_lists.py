"""Coded items hold a code from their list for the collection year (lists in data/codes.json)."""

from . import DFE, ERROR, Rule, children, text

# (which elements, item, code list)
CODED = (
    ("persons", "Sex", "Sex"),
    ("requests", "RequestSource", "RequestSource"),
    ("requests", "RequestOutcome", "RequestOutcome"),
    ("assessments", "AssessmentOutcome", "AssessmentOutcome"),
    ("named_plans", "CeaseReason", "CeaseReason"),
    ("named_plans", "PlanRes", "Residential"),
    ("active_plans", "RES", "Residential"),
    ("active_plans", "ReviewOutcome", "ReviewOutcome"),
    ("plan_details", "SENsetting", "SENsetting"),
    ("placement_details", "SENsetting", "SENsetting"),
    ("needs", "SENtype", "SENtype"),
)


def _elements(ctx, which):
    if which == "persons":
        return ctx.persons
    if which == "plan_details":
        return [d for *_, n in ctx.named_plans for d in children(n, "PlanDetail")]
    if which == "placement_details":
        return [d for *_, ap in ctx.active_plans for d in children(ap, "PlacementDetail")]
    if which == "needs":
        return [d for *_, ap in ctx.active_plans for d in children(ap, "SENneed")]
    return [row[-1] for row in getattr(ctx, which)]


def check(ctx):
    for which, item, list_name in CODED:
        allowed = ctx.codes(list_name)
        for el in _elements(ctx, which):
            value = text(el, item)
            if value and value not in allowed:
                yield el.find(item), item, f"{item} {value!r} is not in the {list_name} code list for {ctx.year}"


RULE = Rule(
    "SEN2-110",
    "all",
    ERROR,
    tuple(item for _, item, _ in CODED),
    "A coded item holds a value that is not in its code list",
    DFE,
    check,
)
