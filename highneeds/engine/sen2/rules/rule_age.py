"""Age on the reference date is 0 to 25 (a plan can run to the end of the academic year of the 25th birthday,
so 26 on the January reference date is a query, older an error)."""

from highneeds.engine.schoolyear import age_on

from . import ERROR, OURS, Rule, day


def check(ctx):
    if ctx.reference_date is None:
        return
    for person in ctx.persons:
        born = day(person, "PersonBirthDate")
        if born is None:
            continue
        if born > ctx.reference_date:
            yield person.find("PersonBirthDate"), "PersonBirthDate", "Date of birth is after the reference date"
            continue
        age = age_on(born, ctx.reference_date)
        if age > 26:
            yield person.find("PersonBirthDate"), "PersonBirthDate", f"Aged {age} on the reference date: over 25"


RULE = Rule(
    "SEN2-104", "1 Person", ERROR, ("PersonBirthDate",), "Age on the reference date must be 0 to 25", OURS, check
)
