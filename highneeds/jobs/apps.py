from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "highneeds.jobs"
    label = "jobs"
    verbose_name = "Background work (tasks)"
