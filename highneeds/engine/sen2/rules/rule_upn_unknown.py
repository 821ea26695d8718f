"""A person without a UPN or ULN gives a reason in UPNunknown; one with a UPN does not."""

from . import DFE, ERROR, Rule, text


def check(ctx):
    allowed = ctx.codes("UPNunknown")
    for person in ctx.persons:
        unknown = text(person, "UPNunknown")
        if not text(person, "UPN") and not text(person, "UniqueLearnerNumber") and not unknown:
            yield person, "UPNunknown", "No UPN or ULN and no UPNunknown reason"
        elif unknown and unknown not in allowed:
            yield person.find("UPNunknown"), "UPNunknown", f"UPNunknown {unknown} is not a valid code"
        elif unknown and text(person, "UPN"):
            yield person.find("UPNunknown"), "UPNunknown", "UPNunknown is given although the person has a UPN"


RULE = Rule(
    "SEN2-103",
    "1 Person",
    ERROR,
    ("UPN", "UniqueLearnerNumber", "UPNunknown"),
    "A UPN, a ULN or a UPNunknown reason is needed",
    DFE,
    check,
)
