from django import forms

from community.models import CommentFlag
from community.services import MAX_COMMENT_LENGTH
from config.rendering import markdown_field


class CommentForm(forms.Form):
    body = markdown_field(rows=4, label="Comment", max_length=MAX_COMMENT_LENGTH)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label="What is wrong with it?", choices=CommentFlag.Reason.choices)
    note = forms.CharField(
        label="Anything the moderators should know (optional)", max_length=500, required=False
    )


class WriteUpForm(forms.Form):
    """The write-up's fields on the site; the API takes the same names."""

    submission = forms.TypedChoiceField(label="The submission it describes", coerce=int)
    title = forms.CharField(max_length=200)
    method_name = forms.CharField(
        label="Method name",
        max_length=120,
        required=False,
        help_text="What a results table calls it, e.g. “LightGBM + target encoding”. The title if empty.",
    )
    body = markdown_field(rows=12, label="Write-up", help_text="What you did, what worked, what did not.")
    code_url = forms.URLField(
        label="Code repository", max_length=500, required=False, assume_scheme="https",
        help_text="A link to the code, e.g. https://github.com/you/solution.",
    )  # fmt: skip
    arxiv_id = forms.CharField(label="arXiv id", max_length=60, required=False, help_text="e.g. 2106.01345")
    paper_url = forms.URLField(
        label="Paper URL", max_length=500, required=False, assume_scheme="https",
        help_text="When the paper is not on arXiv.",
    )  # fmt: skip
    paper_title = forms.CharField(label="Paper title", max_length=300, required=False)
    paper_authors = forms.CharField(label="Paper authors", max_length=500, required=False)
    venue = forms.CharField(max_length=120, required=False, help_text="e.g. NeurIPS")
    year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    framework = forms.CharField(max_length=60, required=False, help_text="e.g. PyTorch, scikit-learn")
    uses_extra_data = forms.BooleanField(label="Uses data beyond the competition's", required=False)

    def __init__(self, *args, submissions=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["submission"]
        else:
            self.fields["submission"].choices = [
                (s.pk, f"#{s.pk} · public {s.public_score:.6g} · {s.created_at:%Y-%m-%d}"
                 + (f" · {s.description}" if s.description else ""))
                for s in submissions
            ]  # fmt: skip

    def writeup_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "submission"}
