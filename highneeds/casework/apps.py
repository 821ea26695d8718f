from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "highneeds.casework"
    label = "casework"
