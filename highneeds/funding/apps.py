from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "highneeds.funding"
    label = "funding"
    verbose_name = "Funding: bands, commitments and the high needs budget"
    default_auto_field = "django.db.models.BigAutoField"
