"""Saved forecast scenarios: the inputs of one run of the forecast engine, never a named child.

A scenario is calibrated either from the council's own casework (counts taken from the database
at the January of the base year) or from public aggregates for any LA in England, then projected
with its levers (`highneeds.engine.forecast.council.Levers`, stored as `Levers.to_dict()`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

BASES = [("casework", "This council's casework"), ("public", "Published figures for a local authority")]


class Scenario(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    base = models.CharField(max_length=10, choices=BASES, default="casework")
    # For a public base: the LA's 3-digit old code or 9-character new code (blank: this council).
    la_code = models.CharField("LA code", max_length=9, blank=True)
    base_year = models.PositiveSmallIntegerField(help_text="January of the base snapshot")
    years = models.PositiveSmallIntegerField(default=10)
    levers = models.JSONField(default=dict, blank=True)
    # Setting -> £ a year per plan, replacing the engine's default for that setting.
    unit_costs = models.JSONField(default=dict, blank=True)
    hnb_allocation = models.DecimalField(
        "High needs block allocation", max_digits=14, decimal_places=0, null=True, blank=True
    )
    opening_balance = models.DecimalField(
        "Cumulative DSG balance brought forward", max_digits=14, decimal_places=0, null=True, blank=True
    )
    allocation_growth = models.FloatField(default=0.0)
    population_growth = models.FloatField(default=0.0)
    is_baseline = models.BooleanField("Council's baseline", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_baseline", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["is_baseline"], condition=Q(is_baseline=True), name="one_baseline_scenario")
        ]

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict:
        """Field values for the audit log's before/after."""
        return {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.name not in ("created_at", "updated_at")
        }
