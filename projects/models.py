"""A project: code, notebooks, model artefacts and small outputs published together, in versions."""

from django.conf import settings
from django.db import models

from community.models import Paper
from competitions.models import Competition
from config import ratings
from datasets import licences
from datasets.models import Dataset
from organisations.models import Organisation
from submissions.models import Submission


class Project(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private (you and the people you share it with)"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text="Who created it; for an organisation's project, the member who published it.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        help_text="Published on behalf of this organisation: shown as the owner; its members may add versions.",
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    subtitle = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="Markdown, sanitised when shown.")
    license = models.CharField(max_length=100, choices=licences.CHOICES, default=licences.DEFAULT)
    license_url = models.URLField(max_length=500, blank=True)
    license_name = models.CharField(max_length=200, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="Lower-case words, at most 10.")
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="shared_projects",
        help_text="May see it when private.",
    )
    datasets = models.ManyToManyField(Dataset, blank=True, related_name="projects")
    competitions = models.ManyToManyField(Competition, blank=True, related_name="projects")
    papers = models.ManyToManyField(
        Paper, blank=True, related_name="projects", help_text="The papers whose method it implements."
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text="The team's submission this project produced (its owner is on that team).",
    )
    forked_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="forks"
    )
    fork_count = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0, help_text="Kept by community.ratings.")
    rating_sum = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["visibility", "-created_at"], name="project_visible_newest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(license__in=[value for value, _ in licences.CHOICES]),
                name="project_license_is_offered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rating_average(self) -> float | None:
        return ratings.average(self.rating_sum, self.rating_count)

    @property
    def license_label(self) -> str:
        return licences.licence_label(self.license, self.license_name)

    @property
    def license_link(self) -> str:
        return licences.licence_url(self.license, self.license_url)


class ProjectVersion(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_project_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.project.slug} v{self.number}"


class ProjectFile(models.Model):
    class Kind(models.TextChoices):
        NOTEBOOK = "notebook", "Notebook"
        CODE = "code", "Code or text"
        IMAGE = "image", "Image"
        MODEL = "model", "Model artefact"
        OTHER = "other", "Other file"

    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    storage_key = models.CharField(max_length=500, help_text="In private storage.")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    framework = models.CharField(max_length=50, blank=True, help_text="For a model artefact.")
    rendered_html = models.TextField(
        blank=True, help_text="Sanitised HTML made once when the version was saved (notebooks, code)."
    )
    render_note = models.CharField(
        max_length=500, blank=True, help_text="Why the file is listed and not shown (a bad notebook...)."
    )

    class Meta:
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="unique_project_file_name_per_version")
        ]

    def __str__(self) -> str:
        return self.name
