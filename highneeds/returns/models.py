"""Kept SEN2 returns, with the progress of their build, and the one SEN2 item casework has nowhere else to keep."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class KeptReturn(models.Model):
    """One build of a year's return. Progress is stored on the row so the page (and later a task queue worker)
    can follow the build; the XML, its summary, validation issues and casework gaps are kept with it."""

    STATES = [
        ("queued", "Waiting to start"),
        ("building", "Building"),
        ("built", "Built"),
        ("failed", "Failed"),
        ("submitted", "Submitted to DfE"),
    ]
    year = models.PositiveSmallIntegerField(db_index=True)
    la = models.CharField("LA number", max_length=3)
    state = models.CharField(max_length=10, choices=STATES, default="queued", db_index=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    xml = models.BinaryField(null=True, blank=True, editable=False)
    summary = models.JSONField(default=dict, blank=True)
    issues = models.JSONField(default=list, blank=True)
    gaps = models.JSONField(default=list, blank=True)
    errors = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-created_at", "-id"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.state == "built" else 0)

    @property
    def filename(self) -> str:
        return f"SEN2_{self.year}_{self.la}_{self.pk}.xml"


class TransferIn(models.Model):
    """A plan another English LA made and this council took on (SEN2 TransferLA): casework's plan has no LA."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="transfer_in")
    from_la = models.CharField("Transferred from (LA number)", max_length=3)
    recorded_on = models.DateField(null=True, blank=True)
