from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "highneeds.planning"
    label = "planning"
    verbose_name = "Planning and forecasts"
    default_auto_field = "django.db.models.BigAutoField"
