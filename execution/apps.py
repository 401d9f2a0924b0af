from django.apps import AppConfig
from django.conf import settings


class ExecutionConfig(AppConfig):
    name = "execution"
    verbose_name = "Sandbox runs"

    def ready(self) -> None:
        from execution import cgroups

        cgroups.configure(settings.PODIUM_SANDBOX_CGROUP)
