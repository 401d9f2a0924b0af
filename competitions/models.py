from django.conf import settings
from django.db import models
from django.utils import timezone

from competitions.rules import LIMITS_BY_NAME, check_constraints
from datasets.models import DatasetVersion

SAMPLE_SUBMISSION_NAME = "sample_submission.csv"  # generated from the solution into the public data


class Competition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Phase(models.TextChoices):
        DRAFT = "draft", "Draft"
        UPCOMING = "upcoming", "Upcoming"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_competitions"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    subtitle = models.CharField(max_length=300, blank=True)
    overview = models.TextField(blank=True)
    evaluation = models.TextField(blank=True)
    rules = models.TextField(blank=True)
    rules_version = models.PositiveIntegerField(default=1)
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    entry_deadline_at = models.DateTimeField(
        null=True, blank=True, help_text="After it no one new joins or accepts the rules (empty: the end)."
    )
    merger_deadline_at = models.DateTimeField(
        null=True, blank=True, help_text="After it teams can no longer merge (empty: the end)."
    )
    previous_end_at = models.DateTimeField(
        null=True, blank=True, help_text="The end before the host last extended it, shown to participants."
    )
    open_after_end = models.BooleanField(
        default=False,
        help_text="Kept open as a benchmark: newcomers may still join and submit after the end; their "
        "files are scored on both splits and never enter the frozen boards.",
    )
    daily_submission_limit = models.PositiveIntegerField(
        default=LIMITS_BY_NAME["daily_submission_limit"].default
    )
    total_submission_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Submissions a team may make in the whole competition (empty: no cap).",
    )
    max_in_flight = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Submissions a team may have waiting or scoring at once (empty: no cap).",
    )
    failed_submissions_count = models.BooleanField(
        default=False, help_text="Whether files refused by validation use up a daily submission."
    )
    max_team_size = models.PositiveIntegerField(default=LIMITS_BY_NAME["max_team_size"].default)
    final_selection_limit = models.PositiveIntegerField(
        default=LIMITS_BY_NAME["final_selection_limit"].default,
        help_text="Submissions a team may select for the private leaderboard.",
    )
    private_leaderboard_built_at = models.DateTimeField(null=True, blank=True)
    metric = models.CharField(max_length=50)
    metric_params = models.JSONField(default=dict, blank=True)
    score_columns = models.JSONField(
        default=list,
        blank=True,
        help_text="Secondary score columns, in tie-break order (competitions.score_columns): each a metric "
        "with its parameters, a label, a direction, a display precision and whether participants see it.",
    )
    id_column = models.CharField(max_length=100)
    target_columns = models.JSONField(default=list)
    submission_columns = models.JSONField(
        default=list, help_text="The header a submission must have, id first (from the engine at creation)."
    )
    public_fraction = models.FloatField(default=0.3)
    split_seed = models.BigIntegerField(default=0)
    solution_key = models.CharField(
        max_length=500, help_text="Canonical solution (with Usage) in private storage."
    )
    solution_sha256 = models.CharField(max_length=64)
    public_rows = models.PositiveIntegerField(default=0)
    private_rows = models.PositiveIntegerField(default=0)
    data_version = models.ForeignKey(
        DatasetVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="competitions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    allows_writeups_while_running = models.BooleanField(
        default=False,
        help_text="Whether teams may publish write-ups before the end (always allowed after it).",
    )
    vote_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set by the moderators: hidden from all but its host and staff, closed to submissions, "
        "joins and team changes.",
    )
    suspension_reason = models.TextField(blank=True, help_text="Shown to the host.")
    featured = models.BooleanField(default=False, db_index=True, help_text="Chosen by the moderators.")

    class Meta:
        ordering = ["-start_at"]
        indexes = [models.Index(fields=["status", "end_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_at__gt=models.F("start_at")), name="competition_ends_after_start"
            ),
            *(
                models.CheckConstraint(condition=condition, name=name)
                for name, condition in check_constraints()
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def phase_at(self, moment) -> str:
        if self.status == self.Status.DRAFT:
            return self.Phase.DRAFT
        if moment < self.start_at:
            return self.Phase.UPCOMING
        if moment >= self.end_at:
            return self.Phase.FINISHED
        return self.Phase.RUNNING

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def entry_deadline(self):
        return self.entry_deadline_at or self.end_at

    @property
    def takes_newcomers(self) -> bool:
        """Whether someone who has not joined may join now: before the entry deadline, or at any time once
        the competition is kept open as a benchmark."""
        if self.status != self.Status.PUBLISHED or self.is_suspended:
            return False
        kept_open = self.open_after_end and self.phase == self.Phase.FINISHED
        return kept_open or timezone.now() < self.entry_deadline

    @property
    def merger_deadline(self):
        return self.merger_deadline_at or self.end_at


class RulesAcceptance(models.Model):
    """A participant's acceptance of a competition's rules, at the version they read."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rules_acceptances"
    )
    rules_version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["competition", "user"], name="one_acceptance_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.competition} v{self.rules_version}"


class Team(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    disqualified_at = models.DateTimeField(null=True, blank=True)
    disqualification_reason = models.TextField(blank=True, help_text="Shown to the team.")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams")

    class Meta:
        ordering = ["competition", "name"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="unique_team_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_disqualified(self) -> bool:
        return self.disqualified_at is not None


class TeamMembership(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    is_leader = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="one_team_per_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class AnswerStatus(models.TextChoices):
    """Where an invitation or a merge request stands."""

    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class TeamRequest(models.Model):
    """What an invitation and a merge request share: a pending answer, then who said what and when."""

    Status = AnswerStatus

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class TeamInvitation(TeamRequest):
    """A team leader's invitation to a participant, answered by the invitee."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_invitations"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta(TeamRequest.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["team", "invitee"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_team_and_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} invites {self.invitee} ({self.status})"


class TeamMergeRequest(TeamRequest):
    """One team asks to merge into another; the other team's leader accepts or declines."""

    requester = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="merge_requests_sent")
    target = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="merge_requests_received")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta(TeamRequest.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "target"],
                condition=models.Q(status="pending"),
                name="one_pending_merge_request_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester} -> {self.target} ({self.status})"
