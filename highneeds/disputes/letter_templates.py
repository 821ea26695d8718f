"""Letters for ceasing a plan (merged into the shipped letters by highneeds.letters.defaults).

Only letters.defaults imports this module (it would otherwise import itself half-made)."""

from highneeds.letters.defaults import APPEAL_RIGHTS

TEMPLATES = {
    "cessation_proposal": {
        "name": "Proposal to cease a plan (consultation)",
        "subject": "We are thinking of ceasing {{ child.full_name }}'s EHC plan: tell us what you think",
        "body": """Dear {{ recipient }},

We are considering whether {{ child.full_name }}'s education, health and care plan is still needed.
We propose to cease the plan because: {{ reason }}.{% if cessation.reason_detail %}
{{ cessation.reason_detail }}{% endif %}

Before we decide, we want to hear your views. We are also asking the head or principal of
{% if cessation.setting %}{{ cessation.setting.name }}{% else %}the school or college{% endif %} for theirs.
Please tell us what you think, and send anything you want us to consider.

The plan stays in force while we decide. If we decide to cease it, we will write to you with the decision
and your rights to mediation and appeal, and the plan will stay in force until the time to appeal has passed
or any appeal is decided.

{{ council.name }}""",
    },
    "cessation_notice": {
        "name": "Decision to cease a plan (notice)",
        "subject": "Decision to cease {{ child.full_name }}'s EHC plan",
        "body": """Dear {{ recipient }},

After consulting you{% if cessation.setting %} and {{ cessation.setting.name }}{% endif %}, we have decided to cease
{{ child.full_name }}'s education, health and care plan.

Reason: {{ reason }}.
Why: {{ cessation.decision_reasons }}

We propose that the plan ceases on {{ cessation.takes_effect_on|govuk_date }}. The plan stays in force until the
time to appeal has passed, or until any appeal is decided, even if that is later.
"""
        + APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
    "cessation_not_ceasing": {
        "name": "Decision not to cease a plan",
        "subject": "{{ child.full_name }}'s EHC plan will continue",
        "body": """Dear {{ recipient }},

Thank you for your views. We have decided not to cease {{ child.full_name }}'s education, health and care plan.
It stays in force and will be reviewed as usual.

Why: {{ cessation.decision_reasons }}

{{ council.name }}""",
    },
}
