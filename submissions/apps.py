from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"

    def ready(self):
        # drf-spectacular finds its extensions by subclass registration: importing the module registers it.
        from submissions import schema  # noqa: F401
