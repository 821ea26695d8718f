"""Every person has a surname, forename, date of birth and sex."""

from . import DFE, ERROR, Rule, day, text

FIELDS = ("Surname", "Forename", "PersonBirthDate", "Sex")


def check(ctx):
    for person in ctx.persons:
        for name in FIELDS:
            if name == "PersonBirthDate":
                if day(person, name) is None:
                    yield person, name, "PersonBirthDate is missing or not a date (YYYY-MM-DD)"
            elif not text(person, name):
                yield person, name, f"{name} is missing"


RULE = Rule("SEN2-100", "1 Person", ERROR, FIELDS, "A required person item is missing", DFE, check)
