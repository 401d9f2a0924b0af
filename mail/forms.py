from django import forms

from mail.kinds import KINDS


class MailPreferencesForm(forms.Form):
    """One checkbox per kind of mail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in KINDS.items():
            self.fields[name] = forms.BooleanField(label=kind.label, required=False)
