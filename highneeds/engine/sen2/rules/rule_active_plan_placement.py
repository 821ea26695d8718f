"""Every active plan has at least one placement (a school or setting, or a SENsetting such as NIEO)."""

from . import DFE, ERROR, Rule, children


def check(ctx):
    for _p, _r, plan in ctx.active_plans:
        if not children(plan, "PlacementDetail"):
            yield plan, "PlacementDetail"


RULE = Rule(
    "SEN2-141",
    "5 Active plans",
    ERROR,
    ("PlacementDetail",),
    "The active plan has no placement: give the school or setting, or a SENsetting code such as NIEO",
    DFE,
    check,
)
