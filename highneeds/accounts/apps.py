from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "highneeds.accounts"
    label = "accounts"
