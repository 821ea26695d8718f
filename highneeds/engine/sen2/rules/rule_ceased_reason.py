"""A ceased plan has a reason, and a reason only goes with a cease date."""

from . import DFE, ERROR, Rule, text


def check(ctx):
    for *_, plan in ctx.named_plans:
        ceased, reason = text(plan, "CeaseDate"), text(plan, "CeaseReason")
        if ceased and not reason:
            yield plan, "CeaseReason", "The plan has a CeaseDate but no CeaseReason"
        elif reason and not ceased:
            yield plan.find("CeaseReason"), "CeaseDate", "The plan has a CeaseReason but no CeaseDate"


RULE = Rule(
    "SEN2-150",
    "4.1 Ceased plans",
    ERROR,
    ("CeaseDate", "CeaseReason"),
    "A ceased plan needs its reason (and a reason needs a cease date)",
    DFE,
    check,
)
