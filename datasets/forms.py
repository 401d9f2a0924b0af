from django import forms

from config.rendering import markdown_field
from datasets import licences
from datasets.models import Dataset
from organisations.models import Organisation
from organisations.queries import organisations_of


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


VISIBILITY_CHOICES = [
    (Dataset.Visibility.PUBLIC, "Public"),
    (Dataset.Visibility.PRIVATE, "Private (only you)"),
]


class DatasetDetailsForm(forms.Form):
    """What a dataset says about itself; the licence's address and name are asked only for "other"
    (licence-choice.js hides them otherwise). The service checks the licence and says what is wrong."""

    title = forms.CharField(max_length=200, error_messages={"required": "A dataset needs a title."})
    subtitle = forms.CharField(max_length=200, required=False, help_text="One line under the title.")
    description = markdown_field(rows=5, required=False)
    license = forms.ChoiceField(
        label="Licence",
        choices=licences.CHOICES,
        initial=licences.DEFAULT,
        widget=forms.Select(attrs={"data-licence-choice": ""}),
    )
    license_url = forms.CharField(
        label="Licence URL",
        max_length=500,
        required=False,
        help_text="For another licence: the address of its terms, starting with https://.",
        widget=forms.URLInput(attrs={"data-licence-other": "", "placeholder": "https://"}),
    )
    license_name = forms.CharField(
        label="Licence name",
        max_length=200,
        required=False,
        help_text="For another licence: its name (optional).",
        widget=forms.TextInput(attrs={"data-licence-other": ""}),
    )
    visibility = forms.ChoiceField(choices=VISIBILITY_CHOICES)


class DatasetForm(DatasetDetailsForm):
    slug = forms.SlugField(max_length=100, required=False, help_text="Left empty, it is made from the title.")
    files = MultipleFileField(label="Files")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Publish on behalf of",
        to_field_name="slug",
        empty_label="Yourself",
        help_text="An organisation you belong to is shown as the owner; its owners may change the dataset.",
    )

    field_order = ["title", "slug", "subtitle", "organisation", "description"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = organisations_of(user) if user is not None else Organisation.objects.none()
        if organisations.exists():
            self.fields["organisation"].queryset = organisations
        else:
            del self.fields["organisation"]


class DatasetVersionForm(forms.Form):
    """A new version: the latest version's files to keep, new files (one named like a kept file replaces
    it), and what changed."""

    keep = forms.MultipleChoiceField(
        label="Keep from the latest version",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a file to leave it out of the new version.",
    )
    files = MultipleFileField(
        label="New or replaced files", required=False, help_text="A file named like a kept one replaces it."
    )
    notes = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed in this version.",
        error_messages={"required": "Say what changed in this version."},
    )

    def __init__(self, *args, file_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(name, name) for name in file_names]
        self.fields["keep"].initial = file_names


class DatasetFilterForm(forms.Form):
    """The dataset list's search box and order; unknown values fall back to the defaults."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    ordering = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[("newest", "Newest"), ("votes", "Most votes"), ("rating", "Best rated"), ("title", "Title")],
    )

    def search(self) -> tuple[str, str]:
        """The search text and the ordering to pass to `search_datasets`."""
        data = self.cleaned_data if self.is_valid() else {}
        return (data.get("q") or "").strip(), data.get("ordering") or "newest"
