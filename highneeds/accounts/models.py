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
