from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "highneeds.web"
    label = "web"
