from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "highneeds.web"
    label = "web"

    def ready(self):
        from . import checks  # noqa: F401  (registers the scale-out deploy check)  # why: ready(): the app registry is loaded only now
