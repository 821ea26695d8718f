"""A placement names a school or college (URN or UKPRN) or gives a SENsetting code, not both and not neither;
SENsettingOther only with SENsetting OTH."""

from . import DFE, ERROR, Rule, children, text


def _details(ctx):
    for *_, plan in ctx.named_plans:
        yield from children(plan, "PlanDetail")
    for *_, plan in ctx.active_plans:
        yield from children(plan, "PlacementDetail")


def check(ctx):
    for detail in _details(ctx):
        named = text(detail, "URN") or text(detail, "UKPRN")
        setting = text(detail, "SENsetting")
        if named and setting:
            yield detail, "SENsetting", "Both a URN/UKPRN and a SENsetting are given: give one"
        elif not named and not setting:
            yield detail, "URN", "Neither a URN/UKPRN nor a SENsetting is given"
        if text(detail, "SENsettingOther") and setting != "OTH":
            yield detail.find("SENsettingOther"), "SENsettingOther", "SENsettingOther is only for SENsetting OTH"


RULE = Rule(
    "SEN2-143",
    "4-5 Placements",
    ERROR,
    ("URN", "UKPRN", "SENsetting", "SENsettingOther"),
    "A placement needs a URN or UKPRN, or a SENsetting, but not both",
    DFE,
    check,
)
