from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from projects import discussion, ratings, search  # noqa: F401 - registers projects with community
