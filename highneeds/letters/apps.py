from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "highneeds.letters"
    label = "letters"
