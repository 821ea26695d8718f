"""Letters and notices generated from editable templates, and kept on the child's record."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LetterTemplate(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Jinja2 text; the fields you can use are listed beside the editor")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class Letter(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="letters")
    request = models.ForeignKey(
        "casework.AssessmentRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="letters"
    )
    template_code = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    recipient = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Shown to the family in the portal (a refusal notice is; an internal chaser is not).
    family_can_see = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class LetterTemplateVersion(models.Model):
    """Every saved text of a template, so a council can see what changed and restore an earlier one."""

    code = models.SlugField(max_length=60, db_index=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restored_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-saved_at", "-id"]
