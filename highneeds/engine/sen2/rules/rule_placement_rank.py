"""Each active plan has exactly one placement ranked 1 (its main placement)."""

from . import DFE, ERROR, Rule, children, text


def check(ctx):
    for _p, _r, plan in ctx.active_plans:
        placements = children(plan, "PlacementDetail")
        if not placements:
            continue  # SEN2-141 reports a plan without a placement
        firsts = sum(text(d, "PlacementRank") == "1" for d in placements)
        if firsts != 1:
            yield plan, "PlacementRank", f"{firsts} placements are ranked 1: exactly one must be"


RULE = Rule(
    "SEN2-140",
    "5 Active plans",
    ERROR,
    ("PlacementRank",),
    "An active plan needs exactly one rank 1 placement",
    DFE,
    check,
)
