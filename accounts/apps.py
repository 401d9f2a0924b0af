from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # drf-spectacular finds its extensions by subclass registration: importing the module registers it.
        from accounts import schema  # noqa: F401
