from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "highneeds.returns"
    label = "returns"
    verbose_name = "Statutory returns (SEN2)"
