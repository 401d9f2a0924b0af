from django import forms

from config.rendering import markdown_field
from datasets import licences
from datasets.forms import MultipleFileField
from organisations.models import Organisation
from organisations.queries import organisations_of
from projects.models import Project


def words(text: str) -> list[str]:
    return [word for word in text.replace(",", " ").split() if word]


class ProjectForm(forms.Form):
    """A new project and its first files; the services check the licence, links and files."""

    title = forms.CharField(max_length=200, error_messages={"required": "A project needs a title."})
    slug = forms.SlugField(max_length=100, required=False, help_text="Empty: made from the title.")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Publish on behalf of",
        to_field_name="slug",
        empty_label="Yourself",
        help_text="An organisation you belong to is shown as the owner; its members may add versions, its "
        "owners may change the details.",
    )
    subtitle = forms.CharField(max_length=200, required=False, help_text="One line under the title.")
    description = markdown_field(rows=6, required=False)
    license = forms.ChoiceField(
        label="Licence",
        choices=licences.CHOICES,
        initial=licences.DEFAULT,
        error_messages={  # the words of the API's refusal (datasets.services.choose_licence)
            "invalid_choice": f"'%(value)s' is not one of the licences offered: use one of {licences.ACCEPTED} "
            "(with other, give the address of the licence's terms)."
        },
    )
    license_url = forms.CharField(
        label="Licence URL", max_length=500, required=False, help_text="For another licence."
    )
    tags = forms.CharField(max_length=500, required=False, help_text="Words separated by spaces or commas.")
    visibility = forms.ChoiceField(choices=Project.Visibility.choices, initial=Project.Visibility.PUBLIC)
    shared_with = forms.CharField(
        max_length=1000,
        required=False,
        label="Share with",
        help_text="Usernames who may see it while private.",
    )
    datasets = forms.CharField(max_length=1000, required=False, help_text="Slugs of the datasets it uses.")
    competitions = forms.CharField(
        max_length=1000, required=False, help_text="Slugs of the competitions it belongs to."
    )
    papers = forms.CharField(
        max_length=1000,
        required=False,
        help_text="Ids of the papers it implements (the number in a paper's address).",
    )
    files = MultipleFileField(help_text="Notebooks, scripts, model files, small outputs.")
    notes = forms.CharField(max_length=5000, required=False, label="Version note")

    def __init__(self, *args, user=None, current: Organisation | None = None, **kwargs):
        """`user` may publish for the organisations they belong to; `current` is the one the project has."""
        super().__init__(*args, **kwargs)
        mine = organisations_of(user).values("pk") if user is not None else Organisation.objects.none()
        choices = Organisation.objects.filter(pk__in=mine)
        if current is not None:
            choices |= Organisation.objects.filter(pk=current.pk)
        if choices.exists():
            self.fields["organisation"].queryset = choices
        else:
            del self.fields["organisation"]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("tags", "shared_with", "datasets", "competitions", "papers"):
            data[name] = words(data[name])
        if "organisation" in data:
            data["organisation"] = data["organisation"].slug if data["organisation"] else ""
        return data


class VersionForm(forms.Form):
    notes = forms.CharField(
        max_length=5000,
        label="What changed",
        error_messages={"required": "Say what changed in this version."},
    )
    files = MultipleFileField(help_text="The new version holds exactly these files.")


class ProjectEditForm(ProjectForm):
    """The details of an existing project: the creation form without the slug and the files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("slug", "files", "notes"):
            del self.fields[name]

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            "title": project.title,
            "subtitle": project.subtitle,
            "description": project.description,
            "license": project.license,
            "license_url": project.license_url,
            "tags": " ".join(project.tags),
            "visibility": project.visibility,
            "shared_with": " ".join(project.shared_with.values_list("username", flat=True)),
            "datasets": " ".join(project.datasets.values_list("slug", flat=True)),
            "competitions": " ".join(project.competitions.values_list("slug", flat=True)),
            "papers": " ".join(str(pk) for pk in project.papers.values_list("pk", flat=True)),
            "organisation": project.organisation.slug if project.organisation else "",
        }
