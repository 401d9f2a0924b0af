"""Template tags that put a discussion, a vote button or a rating widget on any page, so the pages of datasets and
competitions show them without their apps importing this one."""

from django import template

from community import ratings
from community.forms import CommentForm
from community.queries import comment_count, comment_url, discussion, has_voted, notification_url
from community.services import is_own_work
from community.targets import kind_of
from community.views import DRAFT_KEY
from community.writeups import writeups_by_team
from config import ratings as formula

register = template.Library()


@register.inclusion_tag("community/_discussion.html", takes_context=True)
def discussion_for(context, target):
    """The target's threads and the form for a new one; a refused draft comes back with its reason."""
    request = context["request"]
    kind = kind_of(target)
    key = kind.key(target)
    draft = request.session.get(DRAFT_KEY) if hasattr(request, "session") else None
    if draft and (draft["kind"], draft["key"]) == (kind.name, key):
        del request.session[DRAFT_KEY]
    else:
        draft = None
    nodes = discussion(request.user, target)
    new_draft = draft if draft and not draft["parent"] else None
    return {
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "kind": kind.name,
        "key": key,
        "label": kind.label,
        "nodes": nodes,
        "count": comment_count(nodes),
        "form": CommentForm(initial={"body": new_draft["body"]} if new_draft else None),
        "draft": draft,
        "next": request.get_full_path(),
    }


@register.inclusion_tag("community/_vote.html", takes_context=True)
def vote_button(context, target, kind: str = ""):
    """An up-vote toggle with the count; a plain count for a reader who is not logged in, or for the author,
    who may not vote for their own work (so it is not offered)."""
    request = context["request"]
    kind_name = kind or kind_of(target).name
    key = str(target.pk) if kind_name in ("comment", "writeup") else target.slug
    return {
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "kind": kind_name,
        "key": key,
        "count": target.vote_count,
        "voted": has_voted(request.user, target),
        "own": is_own_work(request.user, target),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("community/_rating.html", takes_context=True)
def rating_widget(context, target):
    """The item's average and count, and for a logged-in reader who is not its author five star buttons
    (a plain form: no script needed) to rate, change or remove their rating."""
    request = context["request"]
    kind = ratings.ratable_kind(target)
    shown = ratings.summary(request.user, target)
    return {
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "kind": kind.name,
        "key": kind.key(target),
        "label": kind.label,
        "count": shown.count,
        "average": shown.average,
        "yours": shown.yours,
        "own": ratings.is_author(request.user, target),
        "stars": ratings.STARS,
        "next": request.get_full_path(),
    }


@register.inclusion_tag("community/_rating_compact.html", takes_context=True)
def rating_compact(context, target):
    """A one-line rating control for a row of a list (several on a page): the average and count from the row's
    own totals, and the reader's stars as five small buttons. It has no element ids of its own; rating returns
    to the row whose id is "{kind}-{key}" (e.g. implementation-3), which the page gives the row."""
    request = context["request"]
    kind = ratings.ratable_kind(target)
    given = request.__dict__.setdefault("podium_stars_given", {})  # once per kind and request, not per row
    if kind.name not in given:
        given[kind.name] = ratings.stars_given(request.user, kind.model)
    return {
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "kind": kind.name,
        "key": kind.key(target),
        "label": kind.label,
        "count": target.rating_count,
        "average": target.rating_average,
        "yours": given[kind.name].get(target.pk),
        "own": ratings.is_author(request.user, target),
        "stars": ratings.STARS,
        "next": request.get_full_path(),
        "anchor": f"{kind.name}-{kind.key(target)}",
    }


@register.filter
def notification_link(notification) -> str:
    """Where a notification leads (community.queries.notification_url)."""
    return notification_url(notification)


@register.filter
def comment_link(comment) -> str:
    """Where a comment is read: its target's page, at the comment."""
    return comment_url(comment)


@register.simple_tag
def writeup_links(competition, rows):
    """Each row's team's write-up (paper and code links), in one query for the page."""
    return writeups_by_team(competition, [row.team_id for row in rows])


@register.filter
def for_team(links: dict, team_id: int):
    return links.get(team_id)


@register.filter
def without_final_stop(text: str) -> str:
    """A sentence put inside another one: `Spam.` reads `Spam`, so the full stop is not doubled."""
    return (text or "").rstrip().rstrip(".")


@register.inclusion_tag("community/_best_rated_formula.html")
def best_rated_formula() -> dict:
    """The damped average's formula, said where a list or table is ordered by it (the issue's "say the formula
    on the page's help"); /ratings/ explains it with the site's numbers."""
    return {"weight": formula.prior_weight()}
