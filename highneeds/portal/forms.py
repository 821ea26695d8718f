"""Portal forms. Every text field has a length limit; the child's details are checked by the same
`clean_child` the caseworker form, the API and the CSV import use."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from highneeds.casework.services import ADVICE_MAX
from highneeds.engine import filetypes, schoolyear
from highneeds.establishments.queries import find_establishment
from highneeds.people.validation import clean_child
from highneeds.records.attachments import AttachmentsField
from highneeds.web.forms import GovukDateField, GovukForm, NamedLengthsForm

REASON_MAX = 5000
VIEWS_MAX = 10000

PARENT, YOUNG_PERSON = "parent", "young_person"


def clean_child_fields(form: forms.Form, data: dict) -> dict | None:
    """The child's details from fields named child_<name>, through `clean_child` (as every other way in); each
    problem is shown beside its field. None when any is wrong."""
    child = {
        "first_name": data.get("child_first_name", ""),
        "last_name": data.get("child_last_name", ""),
        "date_of_birth": data.get("child_date_of_birth"),
        "sex": data.get("child_sex", ""),
        "postcode": data.get("child_postcode", ""),
    }
    try:
        cleaned = clean_child({**child, "responsible_la": "000"})
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            field = f"child_{name}"
            if field in form.fields and field not in form.errors:
                form.add_error(field, messages[0])
        return None
    return {k: v for k, v in cleaned.items() if k != "responsible_la"}


class RequestForm(NamedLengthsForm):
    """A request for an EHC needs assessment from a parent or carer, or a young person aged 16 to 25."""

    who = forms.ChoiceField(
        label="Who is making the request?",
        choices=[
            (PARENT, "I am the child's parent or carer"),
            (YOUNG_PERSON, "I am the young person (aged 16 to 25) and I am asking for myself"),
        ],
        error_messages={"required": "Select who is making the request"},
    )
    child_first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child or young person's first name"}
    )
    child_last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child or young person's last name"}
    )
    child_date_of_birth = GovukDateField(
        label="Date of birth", error_messages={"required": "Enter the child or young person's date of birth"}
    )
    child_sex = forms.ChoiceField(
        label="Sex",
        choices=[("F", "Female"), ("M", "Male"), ("U", "Prefer not to say")],
        error_messages={"required": "Select the child or young person's sex, or prefer not to say"},
    )
    child_postcode = forms.CharField(label="Home postcode (optional)", max_length=10, required=False)
    child_setting = forms.CharField(label="School, nursery or college (optional)", max_length=200, required=False)
    first_name = forms.CharField(label="Your first name", max_length=100, required=False)
    last_name = forms.CharField(label="Your last name", max_length=100, required=False)
    relationship = forms.CharField(label="Your relationship to the child", max_length=60, required=False)
    email = forms.EmailField(label="Email address", max_length=254, required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    reason = forms.CharField(
        label="Why are you asking for an assessment?",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={"required": "Enter why you are asking for an assessment"},
    )
    attachments = AttachmentsField(label="Reports or letters that support your request (optional)")
    confirm = forms.BooleanField(
        label="I confirm the information is correct, and that I have parental responsibility "
        "for the child or am the young person",
        error_messages={"required": "Select to confirm the information is correct and who you are"},
    )

    def clean(self):
        data = super().clean()
        who = data.get("who")
        if who == PARENT:
            for name, message in (
                ("first_name", "Enter your first name"),
                ("last_name", "Enter your last name"),
                ("relationship", "Enter your relationship to the child, for example mother"),
            ):
                if not data.get(name, "").strip() and name not in self.errors:
                    self.add_error(name, message)
        if not (data.get("email") or data.get("phone", "").strip()) and "email" not in self.errors:
            self.add_error("email", "Enter an email address or a phone number so we can contact you")
        self.child_data = clean_child_fields(self, data)
        if self.child_data:
            born = self.child_data["date_of_birth"]
            if who == YOUNG_PERSON and schoolyear.age_on(born, date.today()) < 16:
                self.add_error(
                    "who",
                    "A young person can ask for themselves from age 16. A parent or carer can ask for a younger child",
                )
        return data

    def service_arguments(self) -> dict:
        """The keyword arguments for `casework.services.submit_portal_request`."""
        d = self.cleaned_data
        young_person = d["who"] == YOUNG_PERSON
        contact = {"email": d.get("email") or "", "phone": d.get("phone", "").strip()}
        if young_person:
            # The young person's own contact details, kept with the record as a contact without parental
            # responsibility, since the service records the requester as a parent or carer.
            parent = {
                "first_name": self.child_data["first_name"],
                "last_name": self.child_data["last_name"],
                "relationship": "Young person (themself)",
                "parental_responsibility": False,
                **contact,
            }
        else:
            parent = {
                "first_name": d["first_name"].strip(),
                "last_name": d["last_name"].strip(),
                "relationship": d["relationship"].strip()[:60],
                **contact,
            }
        reason = d["reason"].strip()
        if d.get("child_setting", "").strip():
            reason += f"\n\nSchool, nursery or college: {d['child_setting'].strip()}"
        return {
            "child_data": dict(self.child_data),
            "parent_data": parent,
            "reason": reason,
            "requester_relationship": "Young person" if young_person else parent["relationship"],
            "attachments": d.get("attachments") or [],
        }


class RepresentationForm(GovukForm):
    text = forms.CharField(
        label="What do you think of the draft plan?", max_length=VIEWS_MAX, required=False, widget=forms.Textarea
    )
    school = forms.CharField(
        label="School or college you would like named in the plan (optional)", max_length=200, required=False
    )
    meeting = forms.BooleanField(
        label="I would like a meeting with an officer to talk about the draft plan", required=False
    )

    def clean_school(self):
        text = self.cleaned_data.get("school", "").strip()
        return find_establishment(text) if text else None

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text", "").strip() or data.get("school") or data.get("meeting")):
            self.add_error(
                "text", "Tell us your views, the school or college you would like, or that you want a meeting"
            )
        return data


class AdviceForm(NamedLengthsForm):
    """Advice by the plan's sections, so each part can go where it belongs (B, E, F, C/D)."""

    text = forms.CharField(label="Summary of your advice", max_length=ADVICE_MAX, widget=forms.Textarea, required=False)
    needs = forms.CharField(
        label="Needs: what the child or young person's special educational needs are",
        max_length=ADVICE_MAX,
        widget=forms.Textarea,
        required=False,
    )
    outcomes = forms.CharField(
        label="Outcomes: what they should achieve, and by when",
        max_length=ADVICE_MAX,
        widget=forms.Textarea,
        required=False,
    )
    provision = forms.CharField(
        label="Provision: what support is needed, who gives it, how often and for how long",
        max_length=ADVICE_MAX,
        widget=forms.Textarea,
        required=False,
    )
    health_social_care = forms.CharField(
        label="Health and social care needs and provision", max_length=ADVICE_MAX, widget=forms.Textarea, required=False
    )

    report = forms.FileField(
        label="Attach your report (optional)", required=False, error_messages={"empty": "The selected file is empty"}
    )

    PARTS = ("needs", "outcomes", "provision", "health_social_care")

    def __init__(self, *args, submitting: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting  # a draft may be empty; advice that is sent may not

    def clean_report(self):
        report = self.cleaned_data.get("report")
        limit = getattr(settings, "HIGHNEEDS_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
        if report and report.size > limit:  # before reading it into memory
            raise ValidationError(f"The selected file must be smaller than {filetypes.human_size(limit)}")
        return report

    def clean(self):
        data = super().clean()
        if self.submitting and not self.errors and not any((data.get(k) or "").strip() for k in ("text", *self.PARTS)):
            self.add_error("text", "Enter your advice")
        return data

    def parts(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k) or "" for k in ("text", *self.PARTS)}

    def report_upload(self) -> tuple[str, bytes] | None:
        report = self.cleaned_data.get("report")
        return (report.name, report.read()) if report else None
