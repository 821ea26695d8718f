"""Generate letters and notices from editable templates and keep them on the record."""

from __future__ import annotations

from highneeds.audit import log
from highneeds.audit.service import require, service

from .models import Letter, LetterTemplate
from .rendering import check_syntax, render, template_for


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
    check_syntax(subject, "subject")
    check_syntax(body, "body")
    template.subject, template.body = subject, body
    template.updated_by = actor if getattr(actor, "pk", None) else None
    template.save()
    log.record(actor=actor, action="letter.template.update", obj=template, before=before,
               after={"subject": subject, "body": body})
    return template
