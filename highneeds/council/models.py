"""The council running this instance: identity, branding and configurable rules."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from highneeds.engine.calendar import ENGLAND_AND_WALES, with_years
from highneeds.engine.clock import ClockRules

_CACHE_KEY = "highneeds:council-settings"


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio between white text and a background colour like #1d4f6e."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


class CouncilSettings(models.Model):
    """A single row; `current()` returns it (cached, since every page reads the branding)."""

    name = models.CharField(max_length=120, default="Exampleshire County Council")
    service_name = models.CharField(max_length=120, default="SEND and high needs")
    old_la_code = models.CharField(
        "LA number", max_length=3, default="999", validators=[RegexValidator(r"^\d{3}$", "Enter a 3-digit LA number")]
    )
    new_la_code = models.CharField("ONS LA code", max_length=9, blank=True)
    brand_colour = models.CharField(
        max_length=7,
        default="#1d4f6e",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour like #1d4f6e")],
    )
    contact_email = models.EmailField(default="send@example.gov.uk")
    privacy_url = models.CharField(max_length=200, blank=True)
    # Statutory clock settings where the law leaves a choice (highneeds.engine.clock.ClockRules).
    clock_rules = models.JSONField(default=dict, blank=True)
    # Whole years of England and Wales bank holidays added by `highneeds bank-holidays import`
    # ({"2031": [["2031-01-01", "New Year's Day"], ...]}); each replaces the built-in list's year.
    bank_holidays = models.JSONField(default=dict, blank=True)
    # Where families get impartial information, advice and support, and mediation (printed on notices).
    iass_contact = models.CharField(
        "SENDIASS contact", max_length=250, default="Exampleshire SENDIASS, 01234 567890, sendiass@example.org.uk"
    )
    mediation_contact = models.CharField(
        "Mediation adviser contact",
        max_length=250,
        default="Example Mediation Service, 01234 567891, mediation@example.org.uk",
    )

    # Disclosure control for readers who may not open records (highneeds/engine/disclosure.py): counts from 1 to
    # threshold-1 are hidden, and shown counts are rounded to the nearest multiple of disclosure_rounding.
    disclosure_threshold = models.PositiveSmallIntegerField(
        "Hide counts smaller than", default=5, validators=[MinValueValidator(2), MaxValueValidator(50)]
    )
    disclosure_rounding = models.PositiveSmallIntegerField(
        "Round counts to the nearest", default=5, choices=[(1, "1 (no rounding)"), (5, "5"), (10, "10")]
    )

    class Meta:
        verbose_name_plural = "council settings"

    def rules(self):
        return ClockRules.from_mapping(self.clock_rules or {})

    def calendar(self):
        """The built-in England and Wales bank holidays with the years this council imported."""
        return with_years(ENGLAND_AND_WALES, self.bank_holidays or {})

    def clean(self):
        if self.brand_colour and contrast_with_white(self.brand_colour) < 4.5:
            raise ValidationError(
                {
                    "brand_colour": "White text on this colour would be hard to read: choose a darker colour "
                    "(contrast must be at least 4.5 to 1)"
                }
            )
        try:
            self.rules()
        except (TypeError, ValueError) as exc:
            raise ValidationError({"clock_rules": str(exc)}) from None

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(_CACHE_KEY)

    @classmethod
    def current(cls) -> CouncilSettings:
        found = cache.get(_CACHE_KEY)
        if found is None:
            found = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(_CACHE_KEY, found, 60)
        return found

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in self._meta.fields if f.name != "id"}
