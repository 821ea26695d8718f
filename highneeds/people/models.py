"""Children and young people (0-25), their families, needs, statuses, flags and placements."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from highneeds.engine import codes, schoolyear


class Child(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=codes.choices(codes.SEX))
    ethnicity = models.CharField(max_length=4, choices=codes.choices(codes.ETHNICITY), default="NOBT")
    postcode = models.CharField(max_length=8, blank=True)
    upn = models.CharField("UPN", max_length=13, null=True, blank=True, unique=True)
    uln = models.CharField("ULN", max_length=10, null=True, blank=True, unique=True)
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True, unique=True)
    responsible_la = models.CharField("Responsible LA number", max_length=3)
    preferred_language = models.CharField(max_length=60, default="English")
    preferred_contact = models.CharField(max_length=5, choices=codes.choices(codes.PREFERRED_CONTACT), default="EMAIL")
    ncy_override = models.SmallIntegerField("Year group taught in", null=True, blank=True)
    ncy_override_reason = models.CharField(max_length=200, blank=True)
    # Current SEN status, kept by the services alongside the dated history in SenStatusPeriod,
    # because search, queues and every aggregate filter on it.
    sen_status = models.CharField(max_length=1, choices=codes.choices(codes.SEN_STATUS), default="N", db_index=True)
    lead_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="lead_for"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, on: date | None = None) -> int:
        return schoolyear.age_on(self.date_of_birth, on or date.today())

    def year_group(self, on: date | None = None) -> int:
        if self.ncy_override is not None:
            return self.ncy_override
        return schoolyear.national_curriculum_year(self.date_of_birth, on or date.today())

    def year_group_label(self, on: date | None = None) -> str:
        return schoolyear.describe_year(self.year_group(on))

    def snapshot(self) -> dict:
        """Field values for the audit log's before/after."""
        return {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.name not in ("created_at", "updated_at")
        }


class ParentCarer(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="parents")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    relationship = models.CharField(max_length=60, default="Parent")
    parental_responsibility = models.BooleanField(default=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.CharField(max_length=250, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    preferred_contact = models.CharField(max_length=5, choices=codes.choices(codes.PREFERRED_CONTACT), default="EMAIL")
    preferred_language = models.CharField(max_length=60, default="English")
    # The portal account, when the parent has one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="parent_links"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SenStatusPeriod(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="sen_periods")
    status = models.CharField(max_length=1, choices=[("K", "SEN support"), ("E", "Education, health and care plan")])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="sen_period_dates"
            )
        ]


class ChildNeed(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="needs")
    code = models.CharField(max_length=4, choices=codes.choices(codes.NEED_CODES))
    rank = models.PositiveSmallIntegerField()
    recorded_on = models.DateField(default=date.today)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["child", "rank"], name="need_rank_unique"),
            models.UniqueConstraint(fields=["child", "code"], name="need_code_unique"),
        ]

    @property
    def label(self) -> str:
        return codes.NEED_CODES[self.code]


# Circumstances that say a child is at risk or in care: shown only to those who need to know (accounts/rules.py).
SAFEGUARDING_FLAGS = frozenset({"CPP", "CIN", "LAC", "YJ"})


class CohortFlag(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="flags")
    flag = models.CharField(max_length=16, choices=codes.choices(codes.COHORT_FLAGS))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    responsible_la = models.CharField("Responsible LA number (looked after)", max_length=3, blank=True)
    note = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["-start_date"]

    @property
    def label(self) -> str:
        return codes.COHORT_FLAGS[self.flag]


class Placement(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.PROTECT, related_name="placements"
    )
    placement_type = models.CharField(max_length=10, choices=codes.choices(codes.PLACEMENT_TYPES), default="ON_ROLL")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["establishment", "end_date"])]


class CaseAccess(models.Model):
    """An invitation for a professional or panel member to see one child's record."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_access")
    reason = models.CharField(max_length=200)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "child"])]
