"""Comments, votes, flags and notifications around competitions, datasets and write-ups; papers, their
implementations, and the tasks that group benchmarks.

A comment or a vote points at its target through a content type and an id, so one table serves every kind
of target; `community.targets` says which kinds exist and who may see them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from config import ratings as rating_formula


class Comment(models.Model):
    """One comment in a thread. Replies point at their parent and at the thread's first comment, so a whole
    thread is one indexed query. The Markdown is rendered and sanitised once, when it is written."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="target type")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread_comments",
        help_text="The thread's first comment; empty on that first comment itself.",
    )
    body = models.TextField(help_text="Markdown, as the author wrote it.")
    body_html = models.TextField(help_text="The Markdown rendered and sanitised.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Deleted by its author: the text is gone, replies stay."
    )
    hidden_at = models.DateTimeField(
        null=True, blank=True, help_text="Hidden by a moderator: only its author and staff still see it."
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.TextField(blank=True)
    vote_count = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="comment_target")]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author}"

    @property
    def root_id(self) -> int:
        return self.thread_id or self.pk

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentFlag(models.Model):
    """A reader's report that a comment breaks the rules; one per reader per comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Rude or abusive"
        OFF_TOPIC = "off_topic", "Off topic"
        LEAK = "leak", "Shares private data or leaks the test labels"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "flagged_by"], name="one_flag_per_reader_per_comment")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.flagged_by})"


class Vote(models.Model):
    """One up-vote; the count lives on the voted object as `vote_count`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="one_vote_per_user_per_object"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="vote_target")]

    def __str__(self) -> str:
        return f"{self.user} on {self.content_type.model} {self.object_id}"


class Rating(models.Model):
    """One reader's 1-5 stars for something ratable (community.ratings says which kinds are); the item's
    totals (`rating_count`, `rating_sum`) live on it and move in the same transaction."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="target type")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    stars = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="one_rating_per_user_per_object"
            ),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="rating_stars_from_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="rating_target")]

    def __str__(self) -> str:
        return f"{self.stars} stars by {self.user} on {self.content_type.model} {self.object_id}"


class Notification(models.Model):
    """Something said in a thread the recipient takes part in (or on something the recipient owns), or
    something that happened to the recipient's team (an invitation, a merge request, their answers)."""

    class Kind(models.TextChoices):
        REPLY = "reply", "replied to your comment"
        THREAD = "thread", "commented in a thread you follow"
        NEW_COMMENT = "new_comment", "commented on something of yours"
        TEAM = "team", "about your team"
        ADMISSION = "admission", "about joining a competition"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    competition = models.ForeignKey(
        "competitions.Competition",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text="For a team notification: the competition whose Team tab it links to.",
    )
    text = models.CharField(
        max_length=500, blank=True, help_text="For a team notification: the sentence, as it was then."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        if self.comment is None:
            return self.text
        return f"{self.comment.author} {self.get_kind_display()}"


class WriteUp(models.Model):
    """The paper and the code behind one of a team's submissions, as Papers With Code tied them to a
    leaderboard row."""

    competition = models.ForeignKey(
        "competitions.Competition", on_delete=models.CASCADE, related_name="writeups"
    )
    team = models.ForeignKey("competitions.Team", on_delete=models.CASCADE, related_name="writeups")
    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="writeup"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="writeups")
    method_name = models.CharField(
        max_length=120, help_text="The name a results table shows, e.g. 'ResNet-50 + TTA'."
    )
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField()
    code_url = models.URLField(max_length=500, blank=True)
    paper_url = models.URLField(max_length=500, blank=True)
    arxiv_id = models.CharField(max_length=30, blank=True)
    paper_title = models.CharField(max_length=300, blank=True)
    paper_authors = models.CharField(max_length=500, blank=True)
    venue = models.CharField(max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    framework = models.CharField(max_length=60, blank=True)
    uses_extra_data = models.BooleanField(default=False)
    paper = models.ForeignKey(
        "Paper",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="writeups",
        help_text="The paper record its arXiv id, DOI or paper URL names (found or created when it is saved).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def paper_link(self) -> str:
        """Where the paper is read: its arXiv page when it has an id, else the URL the team gave."""
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else self.paper_url

    @property
    def has_paper(self) -> bool:
        return bool(self.arxiv_id or self.paper_url)


class Task(models.Model):
    """What a model is asked to do ("Image classification", "Tabular regression"); it groups benchmarks."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Paper(models.Model):
    """A paper, once: write-ups that cite it, its code repositories and its results all point here. The
    arXiv id (without its version: a paper is all its versions) and the DOI are each unique when present."""

    title = models.CharField(max_length=500)
    authors = models.JSONField(default=list, help_text="The authors' names, in the paper's order.")
    abstract = models.TextField(blank=True)
    published_on = models.DateField(null=True, blank=True)
    venue = models.CharField(
        max_length=200, blank=True, help_text="Proceedings or journal, e.g. 'NeurIPS 2021'."
    )
    arxiv_id = models.CharField(max_length=30, blank=True, help_text="e.g. 2106.01345")
    doi = models.CharField(max_length=200, blank=True, help_text="Lower case, without https://doi.org/.")
    url = models.URLField(max_length=500, blank=True, help_text="Where to read it when it has no arXiv id.")
    pwc_url = models.CharField(
        max_length=500, blank=True, help_text="Its Papers With Code address, kept to match re-imports."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["arxiv_id"], condition=~models.Q(arxiv_id=""), name="one_paper_per_arxiv_id"
            ),
            models.UniqueConstraint(fields=["doi"], condition=~models.Q(doi=""), name="one_paper_per_doi"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def link(self) -> str:
        """Where the paper is read: arXiv, else its DOI, else the URL it came with."""
        if self.arxiv_id:
            return f"https://arxiv.org/abs/{self.arxiv_id}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url


class PaperImplementation(models.Model):
    """Code that implements a paper: an external repository today. A project of Podium's own (the projects
    app) is meant to hang here too, as a nullable link beside repository_url, so one list shows both."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="implementations")
    repository_url = models.URLField(max_length=500)
    framework = models.CharField(max_length=60, blank=True, help_text="e.g. pytorch, tf, jax")
    is_official = models.BooleanField(default=False, help_text="Written by the paper's authors.")
    mentioned_in_paper = models.BooleanField(default=False)
    mentioned_in_github = models.BooleanField(default=False)
    rating_count = models.PositiveIntegerField(default=0, help_text="Kept by community.ratings.")
    rating_sum = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_official", "repository_url", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "repository_url"], name="one_row_per_paper_repository")
        ]

    def __str__(self) -> str:
        return self.repository_url

    @property
    def rating_average(self) -> float | None:
        return rating_formula.average(self.rating_sum, self.rating_count)


class Benchmark(models.Model):
    """A finished competition kept open as a benchmark: later submissions are scored on both splits, and a
    results table ranks entries by their private score (the private leaderboard stays as it was at the end)."""

    competition = models.OneToOneField(
        "competitions.Competition", on_delete=models.CASCADE, related_name="benchmark"
    )
    task = models.ForeignKey(
        "Task",
        on_delete=models.PROTECT,
        related_name="benchmarks",
        help_text="The task it measures, as Papers With Code names it, e.g. 'Image Classification'.",
    )
    dataset_name = models.CharField(max_length=200, help_text="The dataset's name in exported tables.")
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.task} on {self.dataset_name}"


class ImportedResult(models.Model):
    """A published result copied into a benchmark from a results table: not scored by Podium, and marked so."""

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="imported_results")
    paper = models.ForeignKey(
        Paper,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_results",
        help_text="The paper its paper_url names, once Podium knows it.",
    )
    method_name = models.CharField(max_length=200)
    score = models.FloatField(help_text="In the competition's metric, as the source reported it.")
    metrics = models.JSONField(default=dict, help_text="Every metric of the row, as the source gave them.")
    paper_title = models.CharField(max_length=500, blank=True)
    paper_url = models.URLField(max_length=500, blank=True)
    paper_date = models.DateField(null=True, blank=True)
    code_links = models.JSONField(default=list, help_text="[{title, url}, ...]")
    model_links = models.JSONField(default=list, help_text="[{title, url}, ...]")
    uses_additional_data = models.BooleanField(default=False)
    source_name = models.CharField(max_length=255, help_text="The file it was imported from.")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paper_date", "pk"]

    def __str__(self) -> str:
        return self.method_name
