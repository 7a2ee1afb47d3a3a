from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minjian.accounts"
    label = "accounts"
