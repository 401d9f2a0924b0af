"""What can be commented on and voted for, and how each kind is found, seen and owned.

A target is named in URLs and in the API as `<kind>/<key>`: a competition or a dataset by its slug, a
write-up or a comment by its id. Finding a target goes through the owning app's own visibility query, so
nobody reads or writes comments on a competition, dataset or write-up they may not see."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from accounts.models import User
from community.models import Comment, Paper, WriteUp
from community.papers import paper_for
from competitions.models import Competition
from competitions.queries import competition_for
from config.errors import DomainError, NotFound
from datasets.models import Dataset
from datasets.queries import dataset_for


class TargetClosed(DomainError):
    code = "target_closed"
    http_status = 403


@dataclass(frozen=True)
class TargetKind:
    name: str
    label: str
    model: type[models.Model]
    find: Callable[[User, str], models.Model]
    key: Callable[[models.Model], str]
    page_url: Callable[[models.Model], str]
    owners: Callable[[models.Model], Iterable[User]]
    competition: Callable[[models.Model], Competition | None]
    votable: bool = True  # its model counts votes (a vote_count field)


def writeup_for(user: User, key: str) -> WriteUp:
    """A write-up, seen by whoever may see its competition."""
    writeup = WriteUp.objects.select_related("competition", "team", "author").filter(pk=as_id(key)).first()
    if writeup is None:
        raise NotFound(f"No write-up {key} exists.", code="writeup_not_found")
    competition_for(user, writeup.competition.slug)
    return writeup


def comment_for(user: User, key: str) -> Comment:
    """A comment its reader may see: on a target they may see, not hidden unless theirs or they are staff."""
    comment = Comment.objects.select_related("author", "content_type").filter(pk=as_id(key)).first()
    if comment is None or not can_see_comment(user, comment):
        raise NotFound(f"No comment {key} exists, or you may not see it.", code="comment_not_found")
    kind_of(comment.target).find(user, kind_of(comment.target).key(comment.target))
    return comment


def can_see_comment(user: User, comment: Comment) -> bool:
    if not comment.is_hidden:
        return True
    return user.is_authenticated and (user.is_staff or user.pk == comment.author_id)


def as_id(key: str) -> int:
    try:
        return int(key)
    except (TypeError, ValueError):
        raise NotFound(f"'{key}' is not an id.") from None


def writeup_owners(writeup: WriteUp) -> Iterable[User]:
    return User.objects.filter(team_memberships__team=writeup.team_id)


KINDS = {
    kind.name: kind
    for kind in (
        TargetKind(
            name="competition",
            label="competition",
            model=Competition,
            find=competition_for,
            key=lambda competition: competition.slug,
            page_url=lambda competition: reverse("community:discussion", args=[competition.slug]),
            owners=lambda competition: [competition.host],
            competition=lambda competition: competition,
        ),
        TargetKind(
            name="dataset",
            label="dataset",
            model=Dataset,
            find=dataset_for,
            key=lambda dataset: dataset.slug,
            page_url=lambda dataset: reverse("datasets:detail", args=[dataset.slug]),
            owners=lambda dataset: [dataset.owner],
            competition=lambda dataset: None,
        ),
        TargetKind(
            name="writeup",
            label="write-up",
            model=WriteUp,
            find=writeup_for,
            key=lambda writeup: str(writeup.pk),
            page_url=lambda writeup: reverse(
                "community:writeup", args=[writeup.competition.slug, writeup.pk]
            ),
            owners=writeup_owners,
            competition=lambda writeup: writeup.competition,
        ),
    )
}


def paper_found(user: User, key: str) -> Paper:
    return paper_for(as_id(key))


register_kind = KINDS.setdefault  # another app adds its kind from its AppConfig.ready (projects do)
register_kind(
    "paper",
    TargetKind(
        name="paper",
        label="paper",
        model=Paper,
        find=paper_found,
        key=lambda paper: str(paper.pk),
        page_url=lambda paper: reverse("community:paper", args=[paper.pk]),
        owners=lambda paper: [],
        competition=lambda paper: None,
        votable=False,
    ),
)


def commentable() -> tuple[str, ...]:
    """The kinds comments are on, those registered by other apps included."""
    return tuple(KINDS)


def votable() -> tuple[str, ...]:
    return (*(name for name, kind in KINDS.items() if kind.votable), "comment")


def kind_of(target: models.Model) -> TargetKind:
    for kind in KINDS.values():
        if isinstance(target, kind.model):
            return kind
    raise TypeError(f"{type(target).__name__} cannot be commented on")


def find_target(user: User, kind: str, key: str) -> models.Model:
    """The commentable object `kind`/`key` if the user may see it."""
    if kind not in KINDS:
        raise NotFound(f"Comments are on {', '.join(commentable())}; '{kind}' is none of these.")
    return KINDS[kind].find(user, key)


def votable_target(user: User, kind: str, key: str) -> models.Model:
    """What a vote is for: a commentable object, or a comment, if the user may see it."""
    if kind == "comment":
        return comment_for(user, key)
    if kind not in KINDS or not KINDS[kind].votable:
        raise NotFound(f"Votes are for {', '.join(votable())}; '{kind}' is none of these.")
    return KINDS[kind].find(user, key)


def can_see_target(user: User, target: models.Model) -> bool:
    """Whether the user may see the target now: a competition turned private since someone commented on it
    is no longer theirs to hear about."""
    kind = kind_of(target)
    try:
        kind.find(user, kind.key(target))
    except NotFound:
        return False
    return True


def require_open(target: models.Model) -> None:
    """A suspended competition (and what belongs to it) takes no new comments or votes."""
    if isinstance(target, Comment):
        target = target.target
    competition = kind_of(target).competition(target)
    if competition is not None and competition.is_suspended:
        raise TargetClosed(
            "This competition has been suspended by the moderators; its discussion is closed until it is restored."
        )
