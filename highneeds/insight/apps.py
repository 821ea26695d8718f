from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "highneeds.insight"
    label = "insight"
