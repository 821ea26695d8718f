from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "highneeds.people"
    label = "people"
