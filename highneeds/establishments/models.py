"""Schools, colleges and providers, with their specialist places."""

from __future__ import annotations

from django.db import models

from highneeds.engine import codes


class Establishment(models.Model):
    urn = models.PositiveIntegerField("URN", null=True, blank=True, unique=True)
    ukprn = models.PositiveIntegerField("UKPRN", null=True, blank=True, db_index=True)
    name = models.CharField(max_length=200, db_index=True)
    establishment_type = models.CharField(max_length=20, choices=codes.choices(codes.ESTABLISHMENT_TYPES))
    phase = models.CharField(max_length=12, choices=codes.choices(codes.PHASES), default="NA")
    age_low = models.PositiveSmallIntegerField(null=True, blank=True)
    age_high = models.PositiveSmallIntegerField(null=True, blank=True)
    la_code = models.CharField("LA number", max_length=3, blank=True, db_index=True)
    la_name = models.CharField("Local authority", max_length=100, blank=True)
    street = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    is_open = models.BooleanField(default=True)
    has_sen_unit = models.BooleanField("SEN unit", default=False)
    sen_unit_places = models.PositiveIntegerField(null=True, blank=True)
    has_resourced_provision = models.BooleanField("Resourced provision", default=False)
    resourced_provision_places = models.PositiveIntegerField(null=True, blank=True)
    designated_needs = models.JSONField("Designated needs", default=list, blank=True)
    s41_approved = models.BooleanField("Approved under section 41", default=False)
    s41_approved_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def type_label(self) -> str:
        return codes.ESTABLISHMENT_TYPES.get(self.establishment_type, self.establishment_type)

    def in_area(self, council_la_code: str) -> bool:
        return self.la_code == council_la_code

    def snapshot(self) -> dict:
        return {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields if f.name != "updated_at"}
