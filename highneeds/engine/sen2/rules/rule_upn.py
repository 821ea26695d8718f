"""A UPN has 13 characters and its first (check) letter matches the other twelve."""

from highneeds.engine.identifiers import validate_upn

from . import DFE, ERROR, Rule, text


def check(ctx):
    for person in ctx.persons:
        upn = text(person, "UPN")
        if upn:
            try:
                validate_upn(upn)
            except ValueError as exc:
                yield person.find("UPN"), "UPN", f"UPN {upn} is not valid: {exc}"


RULE = Rule("SEN2-101", "1 Person", ERROR, ("UPN",), "The UPN is not valid (length or check letter)", DFE, check)
