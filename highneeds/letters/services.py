"""Generate letters and notices from editable templates and keep them on the record.

A letter is stored as it was filled in (subject and body) and never filled in again: changing a
template changes new letters only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.records.printing import file_after_commit

from . import context as letter_context
from .defaults import DEFAULT_TEMPLATES
from .models import Letter, LetterTemplate, LetterTemplateVersion
from .recipients import family_recipients
from .rendering import render, template_for, trial_fill


@service
def generate_letter(
    *, actor, code: str, child, request=None, recipient: str, context: dict, family_can_see: bool = True
) -> Letter:
    """`context` is the plain dictionary of the template's fields (see letters.fields), built by the caller.
    A council's saved text that no longer fills in (saved before these checks, or planted in the database)
    does not stop the statutory step: the letter goes out in the text as supplied, and that is audited and
    shown on the Letters page until someone fixes the template."""
    require(actor, "people.view_child", child)  # whoever writes about a child must be able to see the record
    try:
        subject, body = render(code, context)
    except ValidationError as problem:
        subject, body = render(code, context, supplied=True)
        log.record(
            actor=actor,
            action="letter.template.fallback",
            child=child,
            after={"template": code, "problem": "; ".join(problem.messages)},
        )
    letter = Letter.objects.create(
        child=child,
        request=request,
        template_code=code,
        subject=subject,
        body=body,
        recipient=recipient,
        created_by=actor if getattr(actor, "pk", None) else None,
        family_can_see=family_can_see,
    )
    log.record(
        actor=actor, action="letter.generate", obj=letter, child=child, after={"template": code, "recipient": recipient}
    )
    file_after_commit(letter)  # records files the PDF copy once this commits
    return letter


@service
def letters_to_family(*, actor, code: str, child, request=None, fields: dict) -> list[Letter]:
    """One letter to each family recipient (letters.recipients, the one rule). `fields` are the letter's own
    plain fields (letters.fields); the child, council and addressee are added."""
    return [
        generate_letter(
            actor=actor,
            code=code,
            child=child,
            request=request,
            recipient=name,
            context={**letter_context.base(child, name), **fields},
        )
        for name in family_recipients(child).names
    ]


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _store(actor, code: str, subject: str, body: str, action: str, restored_from=None) -> LetterTemplate:
    trial_fill(code, subject, body)  # refuses misspelt fields, runaway loops and anything not allowed
    template = template_for(code)
    before = {"subject": template.subject, "body": template.body}
    template.subject, template.body, template.updated_by = subject, body, _user(actor)
    template.save()
    version = LetterTemplateVersion.objects.create(
        code=code, subject=subject, body=body, saved_by=_user(actor), restored_from=restored_from
    )
    log.record(
        actor=actor,
        action=action,
        obj=template,
        before=before,
        after={
            "subject": subject,
            "body": body,
            "version": version.pk,
            "restored_from": getattr(restored_from, "pk", None),
        },
    )
    return template


@service
def save_template(*, actor, code: str, subject: str, body: str) -> LetterTemplate:
    require(actor, "letters.edit_templates")
    return _store(actor, code, subject, body, "letter.template.update")


@service
def restore_version(*, actor, code: str, version_id: int | None) -> LetterTemplate:
    """Make an earlier saved text (or, with no version, the text as supplied) the one in use.
    It is checked again, since the fields a letter may use can have changed since it was saved."""
    require(actor, "letters.edit_templates")
    if version_id is None:
        supplied = DEFAULT_TEMPLATES[code]
        return _store(actor, code, supplied["subject"], supplied["body"], "letter.template.restore")
    version = LetterTemplateVersion.objects.get(code=code, pk=version_id)
    return _store(actor, code, version.subject, version.body, "letter.template.restore", restored_from=version)


@service
def preview_template(*, actor, code: str, subject: str, body: str) -> tuple[str, str]:
    """Fill in a (possibly unsaved) template with the synthetic child. Audited: who tried what text."""
    require(actor, "letters.edit_templates")
    log.record(
        actor=actor, action="letter.template.preview", after={"template": code, "subject": subject, "body": body}
    )
    return trial_fill(code, subject, body)
