from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "highneeds.demo"
    label = "demo"
