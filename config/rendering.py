"""Markdown written by users (comments, write-ups, a competition's overview, evaluation and rules, a
dataset's description), rendered to HTML that is safe to put in a page.

Python-Markdown turns the text into HTML (raw HTML in the text passes through it), then nh3 keeps only an
allow-list of tags, attributes and URL schemes. Every link gets rel="nofollow ugc noopener", so a link in a
comment lends no search ranking to a spammer's site."""

import html
from functools import lru_cache

import markdown
import nh3
from django import forms, template
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
MARKDOWN_HELP = (
    "Markdown: **bold**, _italic_, `code`, [links](https://...), lists and tables. Preview shows it."
)
EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


register = template.Library()


@lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    """The text's HTML, sanitised: no script, style, image, iframe, event handler or javascript: URL."""
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=LINK_REL,
    )


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """`{{ competition.overview|markdown }}`: the text as sanitised HTML (a builtin of every template)."""
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - nh3 has sanitised it


@register.filter(name="markdown_excerpt")
def markdown_excerpt_filter(text: str | None, length: int = 160) -> str:
    """`{{ dataset.description|markdown_excerpt:160 }}`: the text as a card shows it, without its Markdown
    marks or tags (`**four**` reads "four"), cut to `length` characters on a word."""
    words = html.unescape(nh3.clean(render_markdown(text or ""), tags=set())).split()
    plain = " ".join(words)
    if len(plain) <= length:
        return plain
    return plain[: length - 1].rsplit(" ", 1)[0] + "…"


def markdown_field(*, rows: int, help_text: str = "", **options) -> forms.CharField:
    """A form's text field written in Markdown: says so, and gets a Preview button (markdown-preview.js)."""
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": rows, "data-markdown": ""}),
        help_text=f"{help_text} {MARKDOWN_HELP}".strip(),
        **options,
    )
