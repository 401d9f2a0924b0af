from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from projects import ratings, search  # noqa: F401 - registers projects as ratable and searchable
