from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Pages for families and advisers: a request without an account, progress, advice."""

    name = "highneeds.portal"
    label = "portal"
