"""Filling in letter templates: sandboxed, because staff edit them, and strict about misspelt fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .defaults import DEFAULT_TEMPLATES
from .models import LetterTemplate

ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
ENV.filters["govuk_date"] = lambda value: value.strftime("%-d %B %Y") if value else ""


def template_for(code: str) -> LetterTemplate:
    """The council's edited template, or the one supplied (unsaved) if it has not been edited."""
    found = LetterTemplate.objects.filter(code=code).first()
    if found:
        return found
    default = DEFAULT_TEMPLATES[code]
    return LetterTemplate(code=code, name=default["name"], subject=default["subject"], body=default["body"])


def render(code: str, context: dict) -> tuple[str, str]:
    template = template_for(code)
    try:
        return ENV.from_string(template.subject).render(context), ENV.from_string(template.body).render(context)
    except TemplateError as exc:
        raise ValidationError({"body": f"The '{template.name}' template could not be filled in: {exc}"}) from None


def render_subject(code: str, **context) -> str:
    """Just the subject line, as the letter would have it."""
    try:
        return ENV.from_string(template_for(code).subject).render(context)
    except TemplateError:
        return DEFAULT_TEMPLATES[code]["name"]


def check_syntax(text: str, field: str) -> None:
    try:
        ENV.parse(text)
    except TemplateError as exc:
        raise ValidationError({field: f"Check the template: {exc}"}) from None
