"""The council running this instance: identity, branding and configurable rules."""

from __future__ import annotations

from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models

_CACHE_KEY = "highneeds:council-settings"


class CouncilSettings(models.Model):
    """A single row; `current()` returns it (cached, since every page reads the branding)."""

    name = models.CharField(max_length=120, default="Exampleshire County Council")
    service_name = models.CharField(max_length=120, default="SEND and high needs")
    old_la_code = models.CharField(
        "LA number", max_length=3, default="999", validators=[RegexValidator(r"^\d{3}$", "Enter a 3-digit LA number")]
    )
    new_la_code = models.CharField("ONS LA code", max_length=9, blank=True)
    brand_colour = models.CharField(
        max_length=7, default="#1d4f6e", validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour like #1d4f6e")]
    )
    contact_email = models.EmailField(default="send@example.gov.uk")
    privacy_url = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "council settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(_CACHE_KEY)

    @classmethod
    def current(cls) -> "CouncilSettings":
        found = cache.get(_CACHE_KEY)
        if found is None:
            found = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(_CACHE_KEY, found, 60)
        return found

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in self._meta.fields if f.name != "id"}
