"""The append-only audit log, chained by keyed hash (HMAC-SHA256) so that any edit or deletion is detectable.

The key is not in the database (audit/key.py): someone who can rewrite the table cannot recompute the chain."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models

from .key import audit_key


class AuditError(Exception):
    pass


class ChainHead(models.Model):
    """One row holding the end of the chain. Appends lock it as the last step of their transaction
    (audit/log.py), so the lock is held only from then until the commit."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # A plain id, not a foreign key: the log must outlive any erasure of the record itself.
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=80, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["child_id", "occurred_at"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditError("audit events are append-only")

    def payload(self) -> dict:
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "child_id": self.child_id,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hmac.new(audit_key(), canonical.encode(), hashlib.sha256).hexdigest()
