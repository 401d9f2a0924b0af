from django.conf import settings
from django.db import models

from config import ratings
from datasets import licences
from organisations.models import Organisation


class Dataset(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private (owner only)"
        COMPETITION = "competition", "Competition data (through its competition only)"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="datasets")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
        help_text="Published on behalf of this organisation: shown as the owner.",
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    subtitle = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    license = models.CharField(max_length=100, choices=licences.CHOICES, default=licences.DEFAULT)
    license_url = models.URLField(
        max_length=500, blank=True, help_text="For another licence: the address of its terms."
    )
    license_name = models.CharField(max_length=200, blank=True, help_text="For another licence: its name.")
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    created_at = models.DateTimeField(auto_now_add=True)
    vote_count = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0, help_text="Kept current by community.ratings.")
    rating_sum = models.PositiveIntegerField(default=0, help_text="The stars of every rating, added up.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(license__in=[value for value, _ in licences.CHOICES]),
                name="dataset_license_is_offered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def license_label(self) -> str:
        return licences.licence_label(self.license, self.license_name)

    @property
    def license_link(self) -> str:
        return licences.licence_url(self.license, self.license_url)

    @property
    def rating_average(self) -> float | None:
        return ratings.average(self.rating_sum, self.rating_count)

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()


class DatasetVersion(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    notes = models.TextField(blank=True)
    zip_key = models.CharField(
        max_length=500, blank=True, help_text="All files as one zip, in public storage."
    )
    zip_size = models.BigIntegerField(default=0)
    zip_sha256 = models.CharField(
        max_length=64, blank=True, help_text="Empty for zips built before it was kept."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="unique_dataset_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.dataset.slug} v{self.number}"


class DatasetFile(models.Model):
    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    storage_key = models.CharField(max_length=500)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    columns = models.JSONField(
        default=list,
        blank=True,
        help_text='A CSV file\'s columns as {"name", "type"}, read when it was stored.',
    )

    class Meta:
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="unique_file_name_per_version")
        ]

    def __str__(self) -> str:
        return self.name
