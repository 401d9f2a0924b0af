from django import forms

from config.rendering import markdown_field
from datasets.models import Dataset


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        if not data:
            if self.required:
                raise forms.ValidationError("Choose at least one file.")
            return []
        return [super().clean(data, initial)]


class DatasetForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, required=False, help_text="Left empty, it is made from the title.")
    description = markdown_field(rows=5, required=False)
    license = forms.CharField(max_length=100, initial="CC BY 4.0")
    visibility = forms.ChoiceField(
        choices=[(Dataset.Visibility.PUBLIC, "Public"), (Dataset.Visibility.PRIVATE, "Private (only you)")]
    )
    files = MultipleFileField(label="Files")


class DatasetFilterForm(forms.Form):
    """The dataset list's search box and order; unknown values fall back to the defaults."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    ordering = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[("newest", "Newest"), ("votes", "Most votes"), ("title", "Title")],
    )

    def search(self) -> tuple[str, str]:
        """The search text and the ordering to pass to `search_datasets`."""
        data = self.cleaned_data if self.is_valid() else {}
        return (data.get("q") or "").strip(), data.get("ordering") or "newest"
