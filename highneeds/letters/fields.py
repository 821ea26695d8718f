"""The fields each letter template may use: the whole of what a template can see.

A template is filled from a plain dictionary (strings, dates, numbers, booleans, lists and dicts of
those) that the service sending the letter builds with the helpers in `letters.context`. Nothing else
reaches it: no model, queryset, manager or callable. Each field here has a description (shown beside
the editor) and a sample value (used to test-fill a template when it is saved, and for the preview with
a synthetic child). `generate_letter` refuses a context that has a field not listed here, lacks one, or
holds anything that is not plain data.

A leaf is `(description, sample)`; a nested dict is a group such as `child`.
"""

from __future__ import annotations

from datetime import date

CHILD = {
    "full_name": ("The child's or young person's full name", "Alex Sample"),
    "first_name": ("Their first (or preferred) name", "Alex"),
    "date_of_birth": ("Their date of birth", date(2016, 4, 12)),
}
COUNCIL = {
    "name": ("The council's name", "Example Council"),
    "mediation_contact": ("How to contact the mediation adviser", "Mediation Adviser, 01234 567890"),
    "iass_contact": ("How to contact the information, advice and support service", "SENDIASS, 01234 567891"),
}
RECIPIENT = ("Who the letter is addressed to", "Jo Sample")
REQUEST = {
    "reference": ("The request's reference", "EHC-2026-0001"),
    "received_on": ("The date the request was received", date(2026, 3, 2)),
}
DECISION = {"reasons": ("The reasons given for the decision", "The evidence shows that ...")}
ADVICE = {
    "label": ("The kind of advice asked for", "Educational psychology advice"),
    "due_on": ("The date the advice is due", date(2026, 4, 13)),
}
ESTABLISHMENT = {"name": ("The school, college or other institution", "Example Primary School")}
PLAN_URL = ("The address of the plan in the family portal", "/portal/plan/")
REVIEW = {
    "meeting_on": ("The date of the review meeting", date(2026, 5, 20)),
    "held_on": ("The date the review meeting was held", date(2026, 5, 20)),
    "decision_reasons": ("The reasons for the decision after the review", "The plan still meets ..."),
}
REASSESSMENT = {
    "received_on": ("The date the request for a reassessment was received", date(2026, 3, 2)),
    "decision_reasons": ("The reasons for the decision", "There is no new evidence that ..."),
}
CESSATION = {
    "reason_detail": ("More about why ceasing the plan is proposed", "Alex is starting an apprenticeship"),
    "decision_reasons": ("The reasons for the decision", "Alex no longer needs ..."),
    "takes_effect_on": ("The date the plan stops", date(2026, 8, 31)),
    "setting": {"name": ("The school or college consulted (may be blank)", "Example College")},
}
VERSION = {"sections": {"I": {"name": ("The setting or type named in section I", "Example Primary School")}}}

_BASE = {"recipient": RECIPIENT, "child": CHILD, "council": COUNCIL}

REVIEW_DECISION = {
    **_BASE,
    "review": REVIEW,
    "last_representation_day": ("The last day for the family's views on proposed amendments", date(2026, 7, 1)),
    "cease_reason_label": ("Why the plan would stop (when ceasing)", "Moved to another council"),
}

REASSESSMENT_DECISION = {
    **_BASE,
    "reassessment": REASSESSMENT,
    "recent": ("Whether the child was assessed in the last 6 months (true or false)", False),
}

FIELDS: dict[str, dict] = {
    "request_acknowledgement": {
        **_BASE,
        "request": REQUEST,
        "due": {"decide_whether_to_assess": ("The date we must decide whether to assess by", date(2026, 4, 13))},
        "caseworker_line": ("A sentence naming the caseworker, if there is one", "Your caseworker is Sam Worker."),
    },
    "decision_to_assess_yes": {
        **_BASE,
        "request": REQUEST,
        "decision": DECISION,
        "due": {"final_plan": ("The date the final plan is due by", date(2026, 8, 24))},
    },
    "decision_to_assess_no": {**_BASE, "request": REQUEST, "decision": DECISION},
    "advice_request": {**_BASE, "advice": ADVICE},
    "advice_chaser": {**_BASE, "advice": ADVICE},
    "decision_not_to_issue": {**_BASE, "request": REQUEST, "decision": DECISION},
    "draft_plan": {
        **_BASE,
        "request": REQUEST,
        "plan_url": PLAN_URL,
        "last_representation_day": ("The last day for the family's views on the draft", date(2026, 7, 1)),
    },
    "school_consultation": {
        **_BASE,
        "establishment": ESTABLISHMENT,
        "reply_by": ("The date the school should reply by", date(2026, 7, 1)),
    },
    "final_plan": {**_BASE, "request": REQUEST, "establishment": ESTABLISHMENT},
    "request_withdrawn": {
        **_BASE,
        "request": REQUEST,
        "reason": ("Why it was withdrawn", "The family asked us to"),
        "withdrawn_on": ("The date it was withdrawn", date(2026, 3, 20)),
    },
    "plan_draft_sent": {
        **_BASE,
        "plan_url": PLAN_URL,
        "last_day": ("The last day for comments on the draft", date(2026, 7, 1)),
    },
    "plan_proposed_amendments": {
        **_BASE,
        "plan_url": PLAN_URL,
        "last_day": ("The last day for comments on the amendments", date(2026, 7, 1)),
    },
    "plan_final_issued": {**_BASE, "plan_url": PLAN_URL, "establishment": ESTABLISHMENT, "version": VERSION},
    "plan_amended_final": {**_BASE, "plan_url": PLAN_URL, "establishment": ESTABLISHMENT, "version": VERSION},
    "review_invitation": {**_BASE, "review": REVIEW},
    "review_decision_maintain": REVIEW_DECISION,
    "review_decision_amend": REVIEW_DECISION,
    "review_decision_cease": REVIEW_DECISION,
    "reassessment_reassess": REASSESSMENT_DECISION,
    "reassessment_refuse": REASSESSMENT_DECISION,
    "cessation_proposal": {
        **_BASE,
        "cessation": CESSATION,
        "reason": ("Why ceasing is proposed", "Left education"),
        "consulted_on": ("The date the family was consulted", date(2026, 6, 1)),
    },
    "cessation_notice": {**_BASE, "cessation": CESSATION, "reason": ("Why the plan is ceasing", "Left education")},
    "cessation_not_ceasing": {
        **_BASE,
        "cessation": CESSATION,
        "reason": ("Why ceasing was proposed", "Left education"),
    },
}


def _is_leaf(spec) -> bool:
    return isinstance(spec, tuple)


def sample(spec: dict) -> dict:
    """A context with every field filled with its sample value: the synthetic child of the preview."""
    return {name: (value[1] if _is_leaf(value) else sample(value)) for name, value in spec.items()}


def listing(spec: dict, prefix: str = "") -> list[dict]:
    """The fields as the editor lists them: `{{ child.full_name }}` and what it holds."""
    rows = []
    for name, value in spec.items():
        path = f"{prefix}{name}"
        if _is_leaf(value):
            rows.append(
                {
                    "field": path,
                    "description": value[0],
                    "example": value[1].strftime("%-d %B %Y") if isinstance(value[1], date) else str(value[1]),
                }
            )
        else:
            rows.extend(listing(value, f"{path}."))
    return rows
