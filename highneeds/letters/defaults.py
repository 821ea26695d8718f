"""The letters and notices as shipped; a council edits its own copies on the Letters page.

Notices of appealable decisions carry what SEND Regulations 2014 reg 5(3) and reg 32 require:
the right to appeal and its time limit, mediation and the need for a certificate, the mediation
adviser's contact, and where to get information, advice and support.
"""

_APPEAL_RIGHTS = """
Your right to appeal
You can appeal to the First-tier Tribunal (Special Educational Needs and Disability) against this decision. You must
appeal within 2 months of the date of this letter, or within 1 month of the date of a mediation certificate, whichever
is later.

Mediation
Before appealing you must contact our mediation adviser within 2 months of this letter, to discuss whether mediation
might resolve the disagreement. If you decide not to mediate, the adviser will give you a certificate within 3 working
days. If you want mediation, tell the mediation adviser and us what you disagree with, and we will arrange mediation
within 30 days.
Mediation adviser: {{ council.mediation_contact }}

Information, advice and support
You can get free, impartial information, advice and support from {{ council.iass_contact }}. Our disagreement
resolution service can also help.
"""

DEFAULT_TEMPLATES = {
    "request_acknowledgement": {
        "name": "Request received",
        "subject": "We have received a request for an EHC needs assessment for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We received a request on {{ request.received_on|govuk_date }} for an education, health and care (EHC) needs
assessment for {{ child.full_name }}. Our reference is {{ request.reference }}.

We will tell you by {{ due.decide_whether_to_assess|govuk_date }} whether we will carry out an assessment.
{{ caseworker_line }}

{{ council.name }}""",
    },
    "decision_to_assess_yes": {
        "name": "We will assess",
        "subject": "We will carry out an EHC needs assessment for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We have decided to carry out an education, health and care needs assessment for {{ child.full_name }}.

Why: {{ decision.reasons }}

We will now ask for advice from the people who know {{ child.first_name }}. You can give your own views and any
information you want us to consider. We must send you the final plan, or tell you we will not issue one, by
{{ due.final_plan|govuk_date }}.

{{ council.name }}""",
    },
    "decision_to_assess_no": {
        "name": "We will not assess (refusal notice)",
        "subject": "Decision not to carry out an EHC needs assessment for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We have decided not to carry out an education, health and care needs assessment for {{ child.full_name }}.

Why: {{ decision.reasons }}
"""
        + _APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
    "advice_request": {
        "name": "Request for advice",
        "subject": "Request for advice: EHC needs assessment for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We are carrying out an education, health and care needs assessment for {{ child.full_name }}
(born {{ child.date_of_birth|govuk_date }}). Please give your advice ({{ advice.label }}) by {{ advice.due_on|govuk_date }},
which is 6 weeks from when you received this request (SEND Regulations 2014, regulation 8).

You can give your advice online through the highneeds portal.

{{ council.name }}""",
    },
    "advice_chaser": {
        "name": "Advice reminder",
        "subject": "Reminder: advice for {{ child.full_name }} is due on {{ advice.due_on|govuk_date }}",
        "body": """Dear {{ recipient }},

This is a reminder that your advice ({{ advice.label }}) for the EHC needs assessment of {{ child.full_name }} is due
on {{ advice.due_on|govuk_date }}. Please give it online through the highneeds portal.

{{ council.name }}""",
    },
    "decision_not_to_issue": {
        "name": "We will not issue a plan (notice)",
        "subject": "Decision not to issue an EHC plan for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We have finished the EHC needs assessment for {{ child.full_name }} and decided not to issue an EHC plan.

Why: {{ decision.reasons }}

We will send you the information and advice we gathered during the assessment, and tell {{ child.first_name }}'s
setting how they can meet {{ child.first_name }}'s needs from their own resources.
"""
        + _APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
    "draft_plan": {
        "name": "Draft plan",
        "subject": "Draft EHC plan for {{ child.full_name }}: tell us what you think by {{ last_representation_day|govuk_date }}",
        "body": """Dear {{ recipient }},

We have sent you a draft education, health and care plan for {{ child.full_name }}. Section I (the school or other
institution) is left blank in a draft.
{% if plan_url %}You can read the draft and comment on each section in the family portal: {{ plan_url }}
{% endif %}
You have until {{ last_representation_day|govuk_date }} (15 days, beginning with the day the draft was sent) to:
- tell us your views on the draft, and ask for changes
- ask for a particular school, college or other institution to be named in the plan
- ask to meet one of our officers to discuss the draft

Information about schools and colleges is in our Local Offer.

{{ council.name }}""",
    },
    "school_consultation": {
        "name": "Consultation with a school or college",
        "subject": "Consultation on naming your school or college for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We are consulting you about naming {{ establishment.name }} in the EHC plan for {{ child.full_name }}. Please reply
by {{ reply_by|govuk_date }} (15 days) saying whether you can meet {{ child.first_name }}'s needs.

{{ council.name }}""",
    },
    "final_plan": {
        "name": "Final plan issued",
        "subject": "Final EHC plan for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We have issued the final education, health and care plan for {{ child.full_name }}, naming
{{ establishment.name if establishment else 'the type of setting described in section I' }}.
"""
        + _APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
    "request_withdrawn": {
        "name": "Request withdrawn",
        "subject": "The request for an EHC needs assessment for {{ child.full_name }} has been withdrawn",
        "body": """Dear {{ recipient }},

The request for an EHC needs assessment for {{ child.full_name }} (reference {{ request.reference }}) was withdrawn
on {{ withdrawn_on|govuk_date }}. Reason: {{ reason }}

You can ask for an assessment again at any time.

{{ council.name }}""",
    },
}

APPEAL_RIGHTS = _APPEAL_RIGHTS  # for the other apps' notices of appealable decisions

# Each domain app ships its own letters in `highneeds/<app>/letter_templates.py` as `TEMPLATES`.
LETTER_APPS = ("plans", "reviews", "disputes")


def _add_app_templates() -> None:
    from importlib import import_module

    for app in LETTER_APPS:
        try:
            module = import_module(f"highneeds.{app}.letter_templates")
        except ModuleNotFoundError as missing:
            if missing.name != f"highneeds.{app}.letter_templates":
                raise
            continue
        clash = DEFAULT_TEMPLATES.keys() & module.TEMPLATES.keys()
        if clash:
            raise RuntimeError(f"letter codes defined twice: {sorted(clash)}")
        DEFAULT_TEMPLATES.update(module.TEMPLATES)


_add_app_templates()
