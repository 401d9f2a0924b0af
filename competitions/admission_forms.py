"""The host's forms for letting participants in (competitions.admission), and the requester's: they render
the fields; the rules and their messages are the service's, for the page and the API alike."""

from django import forms

from competitions import rules


class InvitationForm(forms.Form):
    label = forms.CharField(
        max_length=100,
        required=False,
        label="Link label",
        help_text="For you: who the link is for, e.g. 'Class of 2026'.",
    )
    expires_at = forms.DateTimeField(
        required=False, widget=rules.DATETIME_INPUT, label="Expires (UTC)", help_text="Empty: never."
    )
    max_uses = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=1_000_000,
        label="Use limit",
        help_text="People it may admit. Empty: no limit.",
    )


class AllowListForm(forms.Form):
    entries = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Addresses and domains",
        help_text="One per line or separated by commas: ada@example.edu, or @example.edu for a whole domain.",
    )


def entries_in(text: str) -> list[str]:
    """The allow-list entries a host typed, one per line or separated by commas (the service checks each)."""
    return text.replace(",", "\n").splitlines()


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        label="Message to the host",
        help_text="Optional: who you are and why you want to join.",
    )
