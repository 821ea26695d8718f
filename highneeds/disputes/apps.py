from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "highneeds.disputes"
    label = "disputes"
    verbose_name = "Cessation, mediation, appeals and complaints"
    default_auto_field = "django.db.models.BigAutoField"
