"""The discussion pages: a competition's Discussion tab, comment forms that come back to the page they
were posted from, votes, flags and the reader's notifications."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from community import ratings, services
from community.forms import CommentForm, FlagForm
from community.queries import comment_url, notifications_for
from community.targets import comment_for, find_target, kind_of, votable_target
from competitions.queries import competition_for
from competitions.views import competition_context
from config.errors import DomainError
from config.ratings import prior_weight, site_mean

DRAFT_KEY = "comment_draft"
ANCHOR = re.compile(r"[a-z][a-z0-9-]{0,60}")


def discussion_page(request, slug):
    competition = competition_for(request.user, slug)
    return render(
        request, "community/discussion.html", competition_context(request, competition, "discussion")
    )


def back_to(request, fallback: str) -> str:
    """The page the form was posted from (when it is on this site), else the fallback."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def post_comment(request, kind, key):
    """Post a comment or reply. On a refusal the text comes back in the form with the reason, so nothing typed
    is lost."""
    target = find_target(request.user, kind, key)
    page = kind_of(target).page_url(target)
    parent_id = request.POST.get("parent") or None
    body = request.POST.get("body", "")
    try:
        parent = comment_for(request.user, parent_id) if parent_id else None
        comment = services.post_comment(author=request.user, target=target, body=body, parent=parent)
    except DomainError as refused:
        request.session[DRAFT_KEY] = {
            "kind": kind,
            "key": key,
            "parent": parent_id,
            "body": body,
            "error": refused.message,
        }
        anchor = f"#comment-{parent_id}" if parent_id else "#new-comment"
        return redirect(back_to(request, page).split("#")[0] + anchor)
    messages.success(request, "Your comment is posted.")
    return redirect(comment_url(comment))


@login_required
def edit_comment(request, comment_id):
    comment = comment_for(request.user, str(comment_id))
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(editor=request.user, comment=comment, body=form.cleaned_data["body"])
        except DomainError as refused:
            form.add_error("body", refused.message)
        else:
            messages.success(request, "Your comment is updated.")
            return redirect(comment_url(comment))
    return render(request, "community/comment_edit.html", {"form": form, "comment": comment})


@login_required
@require_POST
def delete_comment(request, comment_id):
    comment = comment_for(request.user, str(comment_id))
    services.delete_comment(user=request.user, comment=comment)
    messages.success(request, "Your comment is deleted.")
    return redirect(comment_url(comment))


@login_required
def flag_comment(request, comment_id):
    comment = comment_for(request.user, str(comment_id))
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_comment(user=request.user, comment=comment, **form.cleaned_data)
        except DomainError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "Thank you: the moderators will look at this comment.")
        return redirect(comment_url(comment))
    return render(request, "community/comment_flag.html", {"form": form, "comment": comment})


@login_required
@require_POST
def toggle_vote(request, kind, key):
    """Vote, or take the vote back when the form says so."""
    target = votable_target(request.user, kind, key)
    try:
        if request.POST.get("action") == "withdraw":
            services.withdraw_vote(user=request.user, target=target)
        else:
            services.cast_vote(user=request.user, target=target)
    except DomainError as refused:
        messages.error(request, refused.message)
    fallback = comment_url(target) if kind == "comment" else kind_of(target).page_url(target)
    return redirect(back_to(request, fallback))


@login_required
@require_POST
def rate(request, kind, key):
    """Give, change (`stars`) or take back (`action=remove`) one's rating, from the widget's plain form."""
    target = ratings.rated_target(request.user, kind, key)
    try:
        if request.POST.get("action") == "remove":
            ratings.unrate(user=request.user, target=target)
            messages.success(request, "Your rating is removed.")
        else:
            stars = ratings.rate(
                user=request.user, target=target, stars=ratings.as_whole_number(request.POST.get("stars", ""))
            ).stars
            messages.success(request, f"You rated this {stars} star{'s' if stars > 1 else ''}.")
    except DomainError as refused:
        messages.error(request, refused.message)
    anchor = request.POST.get("anchor", "")  # a compact widget names its row; the full one is #rating
    anchor = anchor if ANCHOR.fullmatch(anchor) else "rating"
    return redirect(back_to(request, ratings.ratable_kind(target).page_url(target)) + "#" + anchor)


def ratings_help(request):
    """How ratings work and how lists rank by them, with the numbers this site uses today."""
    weight = prior_weight()
    kinds = [{"label": kind.label, "mean": site_mean(kind.model)} for kind in ratings.RATABLE.values()]
    return render(request, "community/ratings_help.html", {"weight": weight, "kinds": kinds})


@login_required
def notifications_page(request):
    """The newest notifications; opening the page marks them read (they stay listed)."""
    notifications = list(notifications_for(request.user).prefetch_related("comment__target")[:100])
    unread_ids = [item.pk for item in notifications if item.read_at is None]
    if request.method == "POST":
        services.mark_notifications_read(user=request.user)
        return redirect("community:notifications")
    response = render(
        request,
        "community/notifications.html",
        {"notifications": notifications, "unread_ids": set(unread_ids)},
    )
    services.mark_notifications_read(user=request.user, ids=unread_ids)
    return response
