from django import forms

from community.models import CommentFlag
from community.services import MAX_COMMENT_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: **bold**, _italic_, `code`, [links](https://...), lists and tables.",
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label="What is wrong with it?", choices=CommentFlag.Reason.choices)
    note = forms.CharField(
        label="Anything the moderators should know (optional)", max_length=500, required=False
    )
