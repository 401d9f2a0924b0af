from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from projects import (  # noqa: F401 - registers projects with community
            discussion,
            paper_links,
            ratings,
            search,
        )
