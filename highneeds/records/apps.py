from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "highneeds.records"
    label = "records"
