from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "highneeds.audit"
    label = "audit"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check)  # why: ready(): the app registry is loaded only now
