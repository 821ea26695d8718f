"""Funding frameworks (versioned configuration), children's bands, commitments, budgets, actuals and the DSG.

Nothing here is edited after it is written, except frameworks that are still drafts: a band change is a new
ChildBand row, a changed package a new Commitment version, a corrected import a new batch.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from highneeds.engine.funding.pricing import SETTING_LABELS, SETTING_TYPES

MONEY = {"max_digits": 12, "decimal_places": 2}
SETTING_CHOICES = [(s, SETTING_LABELS[s]) for s in SETTING_TYPES]


class Framework(models.Model):
    """One version of a banding framework. A council edits a copy: a new version with its own dates."""

    KINDS = [
        ("ranges", "Ranges of need (no prices)"),
        ("top_up", "Priced top-up bands"),
        ("designation", "Special school top-up by designation"),
        ("national", "National layers and tariffs"),
    ]
    code = models.SlugField(max_length=40)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=KINDS)
    description = models.TextField(blank=True)
    source = models.TextField(blank=True)
    is_example = models.BooleanField(default=False, help_text="shipped example data: check before relying on it")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_code_version")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def snapshot(self) -> dict:
        return {
            "code": self.code,
            "version": self.version,
            "name": self.name,
            "effective_from": self.effective_from,
            "effective_to": self.effective_to,
            "is_example": self.is_example,
        }


class AreaOfNeed(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="area_code_per_framework")]

    def __str__(self) -> str:
        return self.name


class Band(models.Model):
    """An ordered band: its descriptors of need, the provision expected and, optionally, its price: `top_up` (one
    amount a year) or `prices` by setting type. A priced framework's band with neither is bespoke (costed)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="bands")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    descriptors = models.TextField(blank=True)
    provision = models.TextField(blank=True)
    top_up = models.DecimalField(null=True, blank=True, **MONEY)
    prices = models.JSONField(default=dict, blank=True)  # {setting_type: "amount"}

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="band_code_per_framework")]

    def __str__(self) -> str:
        return self.name

    def price_for_engine(self):
        if self.prices:
            return {k: (None if v in (None, "") else Decimal(str(v))) for k, v in self.prices.items()}
        return self.top_up


class ChildBand(models.Model):
    """A child's band in one area of need from a date, with the evidence and who decided. Never edited: the
    band in force on a day is the latest row for that area whose `effective_from` is on or before it."""

    DECIDERS = [("panel", "Panel"), ("officer", "Officer")]
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="funding_bands")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(AreaOfNeed, on_delete=models.PROTECT, related_name="+")
    band = models.ForeignKey(Band, on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField()
    evidence = models.TextField()
    decided_by = models.CharField(max_length=8, choices=DECIDERS)
    decision_reference = models.CharField(max_length=200, blank=True, help_text="panel meeting or officer decision")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "area__order", "-effective_from", "-pk"]
        indexes = [models.Index(fields=["child", "framework", "effective_from"])]


class BudgetLine(models.Model):
    """A high needs line of the section 251 budget statement (codes are the council's to check each year)."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Commitment(models.Model):
    """One version of an agreed package. Versions of one package share `package`; a change is a new version
    from `effective_from`, and the earlier version stops the day before. Amounts are annual."""

    SOURCES = [
        ("plan", "EHC plan sections F and I"),
        ("panel", "Panel decision"),
        ("sen_support", "SEN support top-up"),
    ]
    package = models.UUIDField(db_index=True)
    version = models.PositiveIntegerField(default=1)
    # A child's record removed (erasure, or the demo replaced) takes its packages with it.
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="funding_commitments")
    establishment = models.ForeignKey(
        "establishments.Establishment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_commitments",
    )
    setting_type = models.CharField(max_length=24, choices=SETTING_CHOICES)
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="commitments")
    source = models.CharField(max_length=12, choices=SOURCES)
    source_reference = models.CharField(max_length=200, blank=True)
    # The placement panel's decision behind this version (funding/flows.py commit_panel_decision), carried forward
    # by later versions; the budget line's drill-down links to it.
    panel_item = models.ForeignKey(
        "panels.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    framework = models.ForeignKey(Framework, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    band = models.ForeignKey(Band, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    costed_provision = models.JSONField(default=list, blank=True)
    # The annual terms as the pricing engine worked them out when this version was made (docs/funding.md).
    place_annual = models.DecimalField(default=0, **MONEY)
    contribution_annual = models.DecimalField(default=0, **MONEY)
    top_up_annual = models.DecimalField(default=0, **MONEY)
    annual_fee = models.DecimalField(default=0, **MONEY)
    residential_annual = models.DecimalField(default=0, **MONEY)
    transport_annual = models.DecimalField(default=0, **MONEY)
    attendance = models.DecimalField(max_digits=5, decimal_places=4, default=1)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    effective_from = models.DateField()
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["package", "version"]
        constraints = [
            models.UniqueConstraint(fields=["package", "version"], name="commitment_package_version"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="commitment_dates"
            ),
        ]
        indexes = [models.Index(fields=["line", "start"]), models.Index(fields=["establishment", "start"])]

    def snapshot(self) -> dict:
        return {
            "package": str(self.package),
            "version": self.version,
            "child": self.child_id,
            "setting_type": self.setting_type,
            "line": self.line.code,
            "band": self.band.code if self.band else None,
            "start": self.start,
            "end": self.end,
            "effective_from": self.effective_from,
            "annual_fee": self.annual_fee,
            "residential_annual": self.residential_annual,
            "transport_annual": self.transport_annual,
            "attendance": self.attendance,
            "costed_provision": self.costed_provision,
            "source": self.source,
            "panel_item": self.panel_item_id,
        }


class Budget(models.Model):
    financial_year = models.PositiveSmallIntegerField()
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="budgets")
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["financial_year", "line"], name="budget_year_line")]


class ActualsBatch(models.Model):
    """One imported CSV of payments: whole or not at all, and only when its rows add up to its control total."""

    financial_year = models.PositiveSmallIntegerField()
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    control_total = models.DecimalField(**MONEY)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)


class Actual(models.Model):
    batch = models.ForeignKey(ActualsBatch, on_delete=models.CASCADE, related_name="payments")
    financial_year = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField(help_text="month of the financial year: 1 April ... 12 March")
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="actuals")
    setting_type = models.CharField(max_length=24, choices=SETTING_CHOICES, blank=True)
    establishment = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    child = models.ForeignKey("people.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    amount = models.DecimalField(**MONEY)
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["financial_year", "line", "period"])]


class DsgAllocation(models.Model):
    """The council's high needs block for a year (after deductions) and, when known, the cumulative DSG balance
    brought forward at 1 April (negative: a deficit)."""

    financial_year = models.PositiveSmallIntegerField(unique=True)
    high_needs_block = models.DecimalField(**MONEY)
    opening_balance = models.DecimalField(null=True, blank=True, **MONEY)
    source = models.CharField(max_length=300)


class TopUpApplication(models.Model):
    """A setting asks for a top-up for a child on SEN support (no EHC plan), as Leeds' Funding for Inclusion; a panel
    decides. Agreed, it becomes the child's band and a commitment on line 1.2.4, priced like any other package."""

    STATUSES = [("submitted", "Waiting for panel"), ("agreed", "Agreed"), ("refused", "Refused")]
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="top_up_applications")
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="top_up_applications"
    )
    area = models.ForeignKey(AreaOfNeed, on_delete=models.PROTECT, related_name="+")
    band = models.ForeignKey(Band, on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    evidence = models.TextField()
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=STATUSES, default="submitted")
    decision_reference = models.CharField(max_length=200, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    commitment = models.ForeignKey(Commitment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-applied_at", "-pk"]
