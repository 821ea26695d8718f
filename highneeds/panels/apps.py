from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "highneeds.panels"
    label = "panels"
