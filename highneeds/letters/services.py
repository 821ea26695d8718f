"""Generate letters and notices from editable templates and keep them on the record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from highneeds.audit import log
from highneeds.audit.service import require, service

from .defaults import DEFAULT_TEMPLATES
from .models import Letter, LetterTemplate

# Templates are edited by staff, so they run sandboxed and fail loudly on a misspelt field.
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
_ENV.filters["govuk_date"] = lambda value: value.strftime("%-d %B %Y") if value else ""


def template_for(code: str) -> LetterTemplate:
    found = LetterTemplate.objects.filter(code=code).first()
    if found:
        return found
    default = DEFAULT_TEMPLATES[code]
    return LetterTemplate(code=code, name=default["name"], subject=default["subject"], body=default["body"])


def render(code: str, context: dict) -> tuple[str, str]:
    template = template_for(code)
    try:
        return _ENV.from_string(template.subject).render(context), _ENV.from_string(template.body).render(context)
    except TemplateError as exc:
        raise ValidationError({"body": f"The '{template.name}' template could not be filled in: {exc}"}) from None


@service
def generate_letter(*, actor, code: str, child, request=None, recipient: str, context: dict,
                    family_can_see: bool = True) -> Letter:
    subject, body = render(code, context)
    letter = Letter.objects.create(child=child, request=request, template_code=code, subject=subject, body=body,
                                   recipient=recipient, created_by=actor if getattr(actor, "pk", None) else None,
                                   family_can_see=family_can_see)
    log.record(actor=actor, action="letter.generate", obj=letter, child=child,
               after={"template": code, "recipient": recipient})
    return letter


@service
def save_template(*, actor, code: str, subject: str, body: str) -> LetterTemplate:
    require(actor, "letters.edit_templates")
    template = template_for(code)
    before = {"subject": template.subject, "body": template.body}
    for text, field in ((subject, "subject"), (body, "body")):
        try:
            _ENV.parse(text)
        except TemplateError as exc:
            raise ValidationError({field: f"Check the template: {exc}"}) from None
    template.subject, template.body = subject, body
    template.updated_by = actor if getattr(actor, "pk", None) else None
    template.save()
    log.record(actor=actor, action="letter.template.update", obj=template, before=before,
               after={"subject": subject, "body": body})
    return template
