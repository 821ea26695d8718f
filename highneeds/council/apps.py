from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "highneeds.council"
    label = "council"
