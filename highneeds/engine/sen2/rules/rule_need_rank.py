"""Each active plan has exactly one SEN need ranked 1 (primary), and no need code twice."""

from . import DFE, ERROR, Rule, children, text


def check(ctx):
    for _p, _r, plan in ctx.active_plans:
        needs = children(plan, "SENneed")
        firsts = sum(text(n, "SENtypeRank") == "1" for n in needs)
        if firsts != 1:
            yield plan, "SENtypeRank", f"{firsts} SEN needs are ranked 1: exactly one (the primary need) must be"
        codes = [text(n, "SENtype") for n in needs]
        for code in {c for c in codes if c and codes.count(c) > 1}:
            yield plan, "SENtype", f"SEN need {code} is given more than once"


RULE = Rule(
    "SEN2-142",
    "5 Active plans",
    ERROR,
    ("SENtype", "SENtypeRank"),
    "An active plan needs exactly one primary (rank 1) SEN need",
    DFE,
    check,
)
