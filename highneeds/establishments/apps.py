from django.apps import AppConfig


class EstablishmentsConfig(AppConfig):
    name = "highneeds.establishments"
    label = "establishments"
