from django import forms


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(
        label="Codabench bundle",
        help_text="The competition bundle zip, with competition.yaml at its top (version 2, or 1.5).",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )
    check_only = forms.BooleanField(
        required=False,
        label="Only check it",
        help_text="Show what would be imported, and what would be dropped, without creating anything.",
    )
