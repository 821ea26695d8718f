from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "highneeds.audit"
    label = "audit"
