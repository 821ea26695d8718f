from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import Role


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.CHOICES)
    # A SENCO's setting; their view of children is limited to it.
    establishment = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    # A young person's own record.
    child = models.OneToOneField(
        "people.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="own_account"
    )
    agency = models.CharField(max_length=80, blank=True, help_text="Organisation of a professional or panel member")

    @property
    def role_label(self) -> str:
        return Role.LABELS.get(self.role, self.role)

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


class ApiToken(models.Model):
    """A bearer token for integrations. Only a hash is stored; the secret is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return "hn_" + secrets.token_urlsafe(32)


class OneTimeLink(models.Model):
    """A link sent by email that works once, before it expires: an invitation to set a password, a password
    reset, or a family's invitation to the portal for one child. Only a hash of the secret is stored."""

    INVITE, RESET, FAMILY = "invite", "reset", "family"
    PURPOSES = [
        (INVITE, "Invitation to set a password"),
        (RESET, "Password reset"),
        (FAMILY, "Invitation to the family portal"),
    ]

    purpose = models.CharField(max_length=10, choices=PURPOSES)
    token_hash = models.CharField(max_length=64, unique=True)
    # invite and reset: the account; family: filled in when the invitation is accepted
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="one_time_links"
    )
    # family: the child, and the parent on the child's record (none: the young person themselves)
    child = models.ForeignKey("people.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey("people.ParentCarer", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def family_role(self) -> str:
        return Role.PARENT if self.parent_id else Role.YOUNG_PERSON


class AccessReview(models.Model):
    """The decision recorded when a young person reaches 16: what happens to their parents' portal access."""

    KEEP, END = "keep", "end"
    DECISIONS = [
        (KEEP, "Parents keep access (the young person agrees, or lacks capacity to decide)"),
        (END, "Parents' access ends (the young person makes their own decisions)"),
    ]

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="access_reviews")
    decision = models.CharField(max_length=4, choices=DECISIONS)
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
