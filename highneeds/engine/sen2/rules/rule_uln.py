"""A ULN has 10 digits and its last digit is the check digit of the first nine."""

from highneeds.engine.identifiers import validate_uln

from . import DFE, ERROR, Rule, text


def check(ctx):
    for person in ctx.persons:
        uln = text(person, "UniqueLearnerNumber")
        if uln:
            try:
                validate_uln(uln)
            except ValueError as exc:
                yield person.find("UniqueLearnerNumber"), "UniqueLearnerNumber", f"ULN {uln} is not valid: {exc}"


RULE = Rule("SEN2-102", "1 Person", ERROR, ("UniqueLearnerNumber",), "The ULN is not valid (check digit)", DFE, check)
