"""The plans app's letters (merged into the letters app's templates by letters/defaults.py).

The draft sent during an assessment uses the casework letter `draft_plan`; these cover a draft sent outside an
assessment, proposed amendments (reg 22(2): 15 days to comment, the right to ask for a school and to meet) and
issued plans, which are appealable decisions and so carry the appeal and mediation rights.
"""

from highneeds.letters.defaults import APPEAL_RIGHTS

TEMPLATES = {
    "plan_draft_sent": {
        "name": "Draft plan sent (outside an assessment)",
        "subject": "Draft EHC plan for {{ child.full_name }}: tell us what you think by {{ last_day|govuk_date }}",
        "body": """Dear {{ recipient }},

We have sent you a draft education, health and care plan for {{ child.full_name }}. Section I (the school or other
institution) is left blank in a draft. You can read it, write section A in your own words and comment on each
section in the family portal: {{ plan_url }}

You have until {{ last_day|govuk_date }} (15 days, beginning with the day the draft was sent) to:
- tell us your views on the draft, and ask for changes
- ask for a particular school, college or other institution to be named in the plan
- ask to meet one of our officers to discuss the draft

{{ council.name }}""",
    },
    "plan_proposed_amendments": {
        "name": "Proposed amendments to a plan",
        "subject": "Proposed changes to {{ child.full_name }}'s EHC plan: tell us what you think by "
        "{{ last_day|govuk_date }}",
        "body": """Dear {{ recipient }},

We propose to amend {{ child.full_name }}'s education, health and care plan. A copy of the plan with the proposed
changes, and the evidence for them, is in the family portal: {{ plan_url }}
The portal shows each change beside the plan as it stands.

You have until {{ last_day|govuk_date }} (15 days, beginning with the day this notice was sent) to:
- tell us your views on the proposed changes, section by section
- ask for a particular school, college or other institution to be named in the plan
- ask to meet one of our officers to discuss the changes

We will send you the final amended plan, or tell you we have decided not to amend it and why, within 8 weeks of
this notice.

{{ council.name }}""",
    },
    "plan_final_issued": {
        "name": "Final plan issued (outside an assessment)",
        "subject": "Final EHC plan for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We have issued the final education, health and care plan for {{ child.full_name }}, naming
{{ establishment.name if establishment else 'the type of setting described in section I' }}. You can read it in the
family portal: {{ plan_url }}
"""
        + APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
    "plan_amended_final": {
        "name": "Amended plan issued",
        "subject": "Amended EHC plan for {{ child.full_name }}",
        "body": """Dear {{ recipient }},

We have issued {{ child.full_name }}'s amended education, health and care plan, naming
{{ establishment.name if establishment else (version.sections.I.name or 'the type of setting described in section I') }}.
The family portal shows the plan and what changed from the previous version: {{ plan_url }}

You can appeal against the description of special educational needs (section B), the provision (section F) and the
school or other institution named, or the type named (section I).
"""
        + APPEAL_RIGHTS
        + """
{{ council.name }}""",
    },
}
