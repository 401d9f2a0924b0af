from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from competitions.money import amount_text, totals_by_currency, totals_text
from competitions.rules import LIMITS_BY_NAME, PHASE_LIMITS, check_constraints
from datasets.models import DatasetVersion
from organisations.models import Organisation

SAMPLE_SUBMISSION_NAME = "sample_submission.csv"  # generated from the solution into the public data


class Competition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: listed, and anyone may join"
        UNLISTED = "unlisted", "Unlisted: reachable by its link, not listed; admitted participants join"
        PRIVATE = "private", "Private: invisible to anyone its host has not admitted"

    class Phase(models.TextChoices):
        DRAFT = "draft", "Draft"
        UPCOMING = "upcoming", "Upcoming"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_competitions"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competitions",
        help_text="Hosting on behalf of this organisation: shown as the host; its owners act as co-hosts and "
        "its members as reviewers.",
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
    logo_key = models.CharField(
        max_length=500,
        blank=True,
        help_text="Its logo (PNG, JPEG, GIF or WebP, checked by competitions.logos) in the public storage; "
        "empty: none. Moderators remove one with the admin's action.",
    )
    sandbox_runtime = models.CharField(
        max_length=50,
        default="default",
        help_text="The sandbox runtime its scoring programs and code submissions run in (docs/sandbox.md).",
    )
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
    # Who can see and join (competitions.admission); kept apart from the per-phase settings.
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    accepts_join_requests = models.BooleanField(
        default=False,
        help_text="Unlisted only: whoever has the link may ask to join, and the host approves or refuses.",
    )
    quotas_shared_across_tracks = models.BooleanField(
        default=False,
        help_text="With several tracks: one quota for all of them (otherwise each track has its own).",
    )

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
    def logo_url(self) -> str | None:
        """Where pages and the API show its logo: a path on this server (a new one for each new logo)."""
        if not self.logo_key:
            return None
        return reverse("competitions:logo", args=[self.slug, self.logo_key.rsplit("/", 1)[-1]])

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

    @property
    def prize_total_text(self) -> str:
        """'25,000 USD + 3,000 EUR' (per currency, never converted), or '' without money prizes; reads the
        prizes the lists prefetch."""
        return totals_text(totals_by_currency((prize.amount, prize.currency) for prize in self.prizes.all()))


class Phase(models.Model):
    """A period of a competition with its own quotas and boards (competitions.phases). Phases follow each
    other without overlapping; the first starts at the competition's start and the last ends at its end.
    A plain competition has one, made with it."""

    class CarryOver(models.TextChoices):
        NONE = "none", "Nothing"
        FINALS = "finals", "Each team's final selections in the previous phase"
        LAST = "last", "Each team's last K scored submissions in the previous phase"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(help_text="1, 2, 3... in the order the phases run.")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, help_text="Markdown.")
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    has_own_quotas = models.BooleanField(
        default=False,
        help_text="Whether the limits below apply (otherwise the competition's rules do).",
    )
    daily_submission_limit = models.PositiveIntegerField(
        default=LIMITS_BY_NAME["daily_submission_limit"].default
    )
    total_submission_limit = models.PositiveIntegerField(null=True, blank=True)
    max_in_flight = models.PositiveIntegerField(null=True, blank=True)
    final_selection_limit = models.PositiveIntegerField(
        default=LIMITS_BY_NAME["final_selection_limit"].default
    )
    board_hidden_until_end = models.BooleanField(
        default=False, help_text="Participants see this phase's board only once the phase has ended."
    )
    carry_over = models.CharField(max_length=10, choices=CarryOver.choices, default=CarryOver.NONE)
    carry_over_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="K, for 'last K scored submissions'."
    )
    carried_over_at = models.DateTimeField(
        null=True, blank=True, help_text="When the submissions of the previous phase were carried over."
    )
    decides = models.BooleanField(
        default=False,
        help_text="The phase whose private board, medals, prizes and final selection decide the competition.",
    )
    data_version = models.ForeignKey(
        DatasetVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="phases",
        help_text="The public data participants download during this phase, a version of the competition's "
        "data; empty: the competition's.",
    )

    class Meta:
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="one_phase_per_number"),
            models.UniqueConstraint(
                fields=["competition"], condition=models.Q(decides=True), name="one_deciding_phase"
            ),
            models.CheckConstraint(
                condition=models.Q(end_at__gt=models.F("start_at")), name="phase_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(carry_over="last") | models.Q(carry_over_count__gte=1),
                name="phase_carry_over_last_has_count",
            ),
            *(
                models.CheckConstraint(condition=condition, name=name)
                for name, condition in check_constraints("phase", PHASE_LIMITS)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition}: {self.name}"


class Track(models.Model):
    """A task of a competition with its own solution, metric and board in every phase (Codabench's tasks).
    A plain competition has one, its default track."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="tracks")
    number = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, help_text="Markdown.")
    is_default = models.BooleanField(default=False, help_text="Where a submission naming no track goes.")

    class Meta:
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="one_track_per_number"),
            models.UniqueConstraint(fields=["competition", "slug"], name="one_track_per_slug"),
            models.UniqueConstraint(
                fields=["competition"], condition=models.Q(is_default=True), name="one_default_track"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition}: {self.name}"


class PhaseTrack(models.Model):
    """One track in one phase: what scores its submissions and owns its boards. Every field left empty
    (blank or null) is the competition's, so a plain competition keeps its one setup on Competition;
    competitions.phases.scoring_setup resolves them."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="phase_tracks")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="phase_tracks")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="phase_tracks")
    metric = models.CharField(max_length=50, blank=True)
    metric_params = models.JSONField(null=True, blank=True)
    score_columns = models.JSONField(null=True, blank=True)
    id_column = models.CharField(max_length=100, blank=True)
    target_columns = models.JSONField(null=True, blank=True)
    submission_columns = models.JSONField(null=True, blank=True)
    public_fraction = models.FloatField(null=True, blank=True)
    split_seed = models.BigIntegerField(null=True, blank=True)
    solution_key = models.CharField(max_length=500, blank=True)
    solution_sha256 = models.CharField(max_length=64, blank=True)
    public_rows = models.PositiveIntegerField(null=True, blank=True)
    private_rows = models.PositiveIntegerField(null=True, blank=True)
    # Set by scoring_programs while a host's program scores this pair (docs/scoring-programs.md): which
    # version of it (a rescore-style requeue when it changes mid-scoring) and its primary column's direction,
    # read here so the boards rank without asking another table.
    program_fingerprint = models.CharField(max_length=64, blank=True)
    program_higher_is_better = models.BooleanField(null=True, blank=True)

    class Accepts(models.TextChoices):
        FILES = "files", "Result files"
        CODE = "code", "Code"
        BOTH = "both", "Result files or code"

    accepts = models.CharField(
        max_length=10,
        choices=Accepts.choices,
        default=Accepts.FILES,
        help_text="What participants upload: prediction files, code that makes them, or either.",
    )
    # Code submissions (docs/code-submissions.md): the inputs the participant's code predicts on, in private
    # storage like the solution. The hidden ones are scored; the sample ones are small and public, and the
    # run on them is the one whose logs the participant sees.
    code_inputs_key = models.CharField(max_length=500, blank=True)
    code_inputs_sha256 = models.CharField(max_length=64, blank=True)
    sample_inputs_key = models.CharField(max_length=500, blank=True)
    sample_inputs_sha256 = models.CharField(max_length=64, blank=True)
    # The host's own ingestion program (a zip whose metadata.yaml names a `command`), run instead of Podium's
    # default one; empty: the default.
    ingestion_program_key = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["phase__number", "track__number"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "track"], name="one_pair_per_phase_and_track"),
            models.CheckConstraint(
                condition=models.Q(solution_key="") | ~models.Q(solution_sha256=""),
                name="phase_track_solution_has_checksum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phase.name} / {self.track.name}"

    @property
    def has_own_solution(self) -> bool:
        return bool(self.solution_key)

    @property
    def takes_code(self) -> bool:
        return self.accepts in (self.Accepts.CODE, self.Accepts.BOTH)

    @property
    def takes_files(self) -> bool:
        return self.accepts in (self.Accepts.FILES, self.Accepts.BOTH)


class CompetitionHost(models.Model):
    """Someone the host added to help run the competition: a co-host manages it, a reviewer reads it.

    The host (`Competition.host`) is not a row here: they are the owner, and alone manage these rows."""

    class Role(models.TextChoices):
        CO_HOST = "co_host", "Co-host"
        REVIEWER = "reviewer", "Reviewer"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="co_hosts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="co_hosted_competitions"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CO_HOST)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "user__username"]
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="one_host_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.competition}"


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
    prize_ineligible_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by the host: the team still ranks, but wins no prize."
    )
    prize_ineligibility_reason = models.TextField(blank=True, help_text="Shown to the team and the host.")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams")

    class Meta:
        ordering = ["competition", "name"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="unique_team_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_disqualified(self) -> bool:
        return self.disqualified_at is not None

    @property
    def is_prize_eligible(self) -> bool:
        return self.prize_ineligible_at is None


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


class Prize(models.Model):
    """What the team in one final place wins: an amount of money in an ISO 4217 currency, or only a
    description (a non-monetary prize). competitions.prizes holds the rules a host's prizes follow."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="prizes")
    place = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=15, decimal_places=3, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, with an amount.")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["competition", "place"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "place"], name="one_prize_per_place"),
            models.CheckConstraint(condition=models.Q(place__gte=1), name="prize_place_from_one"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0), name="prize_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True, currency="")
                | (models.Q(amount__isnull=False) & ~models.Q(currency="")),
                name="prize_amount_has_currency",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=False) | ~models.Q(description=""),
                name="prize_says_what_it_is",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition}: place {self.place}"

    @property
    def amount_text(self) -> str:
        return amount_text(self.amount, self.currency) if self.amount is not None else ""

    @property
    def text(self) -> str:
        """What the prize is, in one line: '25,000 USD', '5,000 EUR (and a conference trip)', 'A GPU'."""
        if self.amount is None:
            return self.description
        return f"{self.amount_text} ({self.description})" if self.description else self.amount_text


# Admission to unlisted and private competitions (competitions.admission): an invitation code, the
# allow-list of addresses and domains, or a join request the host approved.


class Admission(models.Model):
    """A user let into an unlisted or private competition: they may see it and join it."""

    class Via(models.TextChoices):
        INVITATION = "invitation", "Invitation link"
        REQUEST = "request", "Approved join request"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="admissions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competition_admissions"
    )
    via = models.CharField(max_length=20, choices=Via.choices)
    invitation = models.ForeignKey(
        "InvitationCode", on_delete=models.SET_NULL, null=True, blank=True, related_name="admissions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="one_admission_per_user")]

    def __str__(self) -> str:
        return f"{self.user} admitted to {self.competition} ({self.via})"


class InvitationCode(models.Model):
    """The code of an invitation link; the host may revoke it, and give it an expiry and a use limit."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="invitation_codes")
    code = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=100, blank=True, help_text="For the host: who the link is for.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: it never expires.")
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    use_count = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.competition} invitation {self.label or self.pk}"

    @property
    def is_used_up(self) -> bool:
        return self.max_uses is not None and self.use_count >= self.max_uses

    def is_expired_at(self, moment) -> bool:
        return self.expires_at is not None and moment >= self.expires_at


class AllowListEntry(models.Model):
    """An e-mail address (ada@example.edu) or a whole domain (@example.edu) the host admits."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="allow_list")
    entry = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "entry"], name="one_allow_list_entry_per_value")
        ]

    def __str__(self) -> str:
        return self.entry


class JoinRequest(models.Model):
    """Someone with an unlisted competition's link asks to join; the host approves or refuses, with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(
        blank=True, max_length=1000, help_text="Why it was refused, shown to the requester."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.competition} ({self.status})"
