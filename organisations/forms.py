from django import forms

from config.rendering import markdown_field
from organisations.models import OrganisationMembership


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "An organisation needs a name."})
    slug = forms.CharField(
        max_length=100,
        required=False,
        help_text="Its page's address, /orgs/<slug>/; left empty, made from the name.",
    )
    description = markdown_field(rows=5, required=False)


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=OrganisationMembership.Role.choices, initial="member")
