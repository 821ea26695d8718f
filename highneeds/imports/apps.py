from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "highneeds.imports"
    label = "imports"
