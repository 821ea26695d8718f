"""Plain English for the statutory clock's messages, beside the field they are about.

The clock engine names a problem by where it is in the case it read ("events[4]: decision_to_assess on 2026-03-01
is after today (2026-02-27)"); that is right for `highneeds deadlines` and the API, and wrong on a page. A service's
ValidationError reaches a form through `web.forms.add_errors`, which asks `translate` for the form's field and a
sentence a caseworker understands. An engine message no rule knows still never reaches the page raw: it becomes
a general sentence (tests/web/test_errors.py feeds the real engine's messages through it).
"""

from __future__ import annotations

import re
from datetime import date

# Where the engine says a message is: "events[3]", "events[3].date", "exceptions[0].to", "request_received".
ENGINE_PATH = re.compile(
    r"^(?:(?:events|exceptions)(?:\[\d+\])?|request_received|responsible_from|date_of_birth)(?:\.(?P<sub>\w+))?:\s*"
)
_OTHER_ENGINE = re.compile(r"^(unknown field '|the case must be a JSON object|request_received \(or responsible_from)")
_D = r"(\d{4}-\d\d-\d\d)"

# The clock's event names, as a caseworker says them; others read well with their underscores as spaces.
EVENT_WORDS = {
    "request_received": "request",
    "decision_to_assess": "decision whether to assess",
    "decision_not_to_assess": "decision not to assess",
    "advice_requested": "request for advice",
    "advice_received": "advice",
    "decision_to_issue": "decision whether to issue a plan",
    "decision_not_to_issue": "decision not to issue a plan",
    "draft_plan_sent": "draft plan",
    "final_plan_issued": "final plan",
    "request_withdrawn": "withdrawal of the request",
    "school_consulted": "consultation with the school or college",
    "consultation_response": "school or college's reply",
    "plan_ceased": "end of the plan",
}

# (pattern on the message after its path, the field it is about, the sentence). The field is a date ("date": the
# one the path names, else the form's first date), a named field, or None for the form as a whole.
RULES: tuple[tuple[re.Pattern, str | None, str], ...] = tuple(
    (re.compile(pattern), field, sentence)
    for pattern, field, sentence in (
        (rf"^\w+ on {_D} is after today", "date", "The date must be today or in the past"),
        (
            rf"^\w+ on {_D} is before the clock starts on {_D}",
            "date",
            "The date must be on or after {2}, when the request was received",
        ),
        (rf"^\w+ on {_D} is after (\w+) on {_D}", "date", "The date must be on or before {3}, the date of the {2}"),
        (rf"^\w+ on {_D} is before (\w+) on {_D}", "date", "The date must be on or after {3}, the date of the {2}"),
        (rf"^\w+ on {_D} is before [\w:]+ starts on {_D}", "date", "The date must be on or after {2}"),
        (r"^a second (\w+)", None, "The {1} is already recorded for this case"),
        (r"cannot be in the same case as (\w+)", None, "This cannot be recorded: the {1} is already recorded"),
        (r"is not a valid date|is not a date in the form|^missing$", "date", "Enter a real date"),
        (r"^'to' \S+ is before 'from'", "to", "The last day must be the same as or after the first day"),
        (rf"had effect only from {_D} to {_D}", "date", "This exception applies only from {1} to {2}"),
        (r"at least 4 continuous weeks", "to", "The closure must last at least 4 continuous weeks"),
        (
            rf"applies only to advice asked for from {_D} to {_D}",
            None,
            "This exception applies only to advice asked for from {1} to {2}",
        ),
        (r"no advice_requested event for adviser", "adviser", "No advice of this kind was asked for on this case"),
        (r"^\w+ needs 'to'", "to", "Enter the last day"),
        (r"needs an? (\w+)", None, "Record the {1} first"),
        (r"^\w+ needs '(\w+)'", "{1}", "Enter the {1}"),
        (r"^(\w+) .+ is not one of", "{1}", "Select a valid {1}"),
        (rf"^(\w+) {_D} is before the \w+ date {_D}", "{1}", "The date must be on or after {3}"),
    )
)
FALLBACK = (
    "This could not be recorded: it does not fit the dates already on the case. Check it against the case's history"
)
# The engine's sub-paths and field names, as the forms name them.
FIELD_NAMES = {"to": ("date_to",), "from": ("date_from",), "reopens": ("date_to",), "adviser": ("adviser",)}


def is_engine_message(message: str) -> bool:
    return bool(ENGINE_PATH.match(message) or _OTHER_ENGINE.match(message))


def _words(value: str) -> str:
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return f"{date.fromisoformat(value):%-d %B %Y}"
    return EVENT_WORDS.get(value, value.replace("_", " "))


def translate(message: str, fields: dict) -> tuple[str | None, str]:
    """(the form field it belongs to or None for the whole form, the sentence) for one engine message. `fields`
    is the form's fields by name; a message that is not the engine's is returned as it is, for the form."""
    path = ENGINE_PATH.match(message)
    if path is None:
        return None, (FALLBACK if _OTHER_ENGINE.match(message) else message)
    rest, sub = message[path.end() :], path.group("sub")
    for pattern, field, sentence in RULES:
        found = pattern.search(rest)
        if found:
            text = sentence.format("", *(_words(g or "") for g in found.groups()))
            name = field.format("", *found.groups()) if field else None
            return _field(name, sub, fields), text[0].upper() + text[1:]
    return _field("date", sub, fields), FALLBACK


def _field(name: str | None, sub: str | None, fields: dict) -> str | None:
    if name is None:
        return None
    candidates = list(FIELD_NAMES.get(name, (name,)))
    if name == "date":
        candidates = list(FIELD_NAMES.get(sub or "", ())) + [n for n, f in fields.items() if _is_date(f)]
    return next((n for n in candidates if n in fields), None)


def _is_date(field) -> bool:
    return getattr(field.widget, "is_date_input", False)
