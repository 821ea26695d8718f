"""Letters for annual reviews and reassessments (merged into the council's templates by letters/defaults.py).

Notices of appealable decisions (keep the plan unchanged, cease it, refuse to reassess) carry the
appeal and mediation rights (CFA s51(2)(d)-(f)).
"""

from highneeds.letters.defaults import APPEAL_RIGHTS

_SIGN_OFF = """
Yours sincerely,

{{ council.name }}"""

TEMPLATES = {
    "review_invitation": {
        "name": "Annual review: invitation",
        "subject": "Annual review meeting for {{ child.full_name }} on {{ review.meeting_on|govuk_date }}",
        "body": """Dear {{ recipient }},

We are reviewing {{ child.full_name }}'s education, health and care plan. You are invited to the review meeting on
{{ review.meeting_on|govuk_date }}.

Before the meeting we will send you the advice and information we have gathered, at least 2 weeks before the
meeting. You can tell us your views (and {{ child.first_name }}'s) before the meeting by signing in to the
highneeds portal, or by contacting us.

At the meeting we will look at whether the plan's outcomes are being met, whether anything should change, and
whether {{ child.first_name }} still needs the plan or could be supported through SEN support instead.
"""
        + _SIGN_OFF,
    },
    "review_decision_maintain": {
        "name": "Annual review: decision to keep the plan as it is",
        "subject": "Annual review of {{ child.full_name }}'s EHC plan: we will keep the plan as it is",
        "body": """Dear {{ recipient }},

Following the annual review meeting on {{ review.held_on|govuk_date }}, we have decided to keep
{{ child.full_name }}'s education, health and care plan as it is, without changes.

Our reasons:
{{ review.decision_reasons }}
"""
        + APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
    "review_decision_amend": {
        "name": "Annual review: decision to amend the plan (with the proposed amendments)",
        "subject": "Annual review of {{ child.full_name }}'s EHC plan: the changes we propose",
        "body": """Dear {{ recipient }},

Following the annual review meeting on {{ review.held_on|govuk_date }}, we have decided to amend
{{ child.full_name }}'s education, health and care plan.

With this notice we send you the proposed amendments and a copy of the plan as it stands, with the evidence for
the changes. Our reasons:
{{ review.decision_reasons }}

You have until {{ last_representation_day|govuk_date }} (at least 15 days) to tell us what you think of the
changes, to ask for a particular school or college to be named in the plan, and to ask to meet us to discuss them.
You can see the proposed amendments and respond by signing in to the highneeds portal.

We will send you the final amended plan within 8 weeks of sending the proposed amendments. If you disagree with
the amended plan when it is issued, you will be able to appeal against it.
"""
        + _SIGN_OFF,
    },
    "review_decision_cease": {
        "name": "Annual review: decision to cease the plan",
        "subject": "Annual review of {{ child.full_name }}'s EHC plan: we propose to stop the plan",
        "body": """Dear {{ recipient }},

Following the annual review meeting on {{ review.held_on|govuk_date }}, we have decided that
{{ child.full_name }}'s education, health and care plan should stop ({{ cease_reason_label }}).

Our reasons:
{{ review.decision_reasons }}

The plan stays in force while you can appeal, and until any appeal is decided. We will consult you and
{{ child.first_name }}'s school or college before the plan stops.
"""
        + APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
    "reassessment_reassess": {
        "name": "Reassessment: decision to reassess",
        "subject": "We will reassess {{ child.full_name }}'s education, health and care needs",
        "body": """Dear {{ recipient }},

We received a request on {{ reassessment.received_on|govuk_date }} to reassess {{ child.full_name }}'s education,
health and care needs. We have decided to carry out a reassessment.

{{ reassessment.decision_reasons }}

We will send you the amended or new plan within 14 weeks of this decision.
"""
        + _SIGN_OFF,
    },
    "reassessment_refuse": {
        "name": "Reassessment: decision not to reassess",
        "subject": "We will not reassess {{ child.full_name }}'s education, health and care needs",
        "body": """Dear {{ recipient }},

We received a request on {{ reassessment.received_on|govuk_date }} to reassess {{ child.full_name }}'s education,
health and care needs. We have decided not to carry out a reassessment now.
{% if recent %}
{{ child.first_name }} was assessed less than 6 months ago.
{% endif %}
Our reasons:
{{ reassessment.decision_reasons }}
"""
        + APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
}
