"""A person appears once: no two persons share a UPN, or a surname, forename and date of birth."""

from . import DFE, ERROR, Rule, text


def check(ctx):
    seen_upn, seen_name = {}, {}
    for person in ctx.persons:
        upn = text(person, "UPN").upper()
        key = (text(person, "Surname").lower(), text(person, "Forename").lower(), text(person, "PersonBirthDate"))
        if upn and upn in seen_upn:
            yield person, "UPN", f"UPN {upn} is also given for {ctx.path(seen_upn[upn])}"
        elif all(key) and key in seen_name:
            yield person, "Surname", f"Same name and date of birth as {ctx.path(seen_name[key])}"
        if upn:
            seen_upn.setdefault(upn, person)
        if all(key):
            seen_name.setdefault(key, person)


RULE = Rule(
    "SEN2-105",
    "1 Person",
    ERROR,
    ("UPN", "Surname", "Forename", "PersonBirthDate"),
    "The same person appears more than once",
    DFE,
    check,
)
