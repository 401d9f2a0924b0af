from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # drf-spectacular finds its extensions by subclass registration (schema), and the adapter module
        # connects the receiver that lifts the login throttle after a password reset: importing registers them.
        from accounts import adapter, schema  # noqa: F401
