import io
from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from competitions.models import Competition
from competitions.services import CompetitionDraft, create_competition, join_competition, publish_competition
from datasets.services import NewFile

PASSWORD = "a-Long-test-passw0rd"

# Ten test rows; Usage fixes the split: ids 1-4 public, 5-10 private.
LABEL_SOLUTION = (
    "id,label,Usage\n"
    "1,cat,Public\n2,dog,Public\n3,cat,Public\n4,bird,Public\n"
    "5,dog,Private\n6,cat,Private\n7,bird,Private\n8,dog,Private\n9,cat,Private\n10,dog,Private\n"
)
TEST_CSV = "id,feature\n" + "".join(f"{i},{i * 0.5}\n" for i in range(1, 11))
TRAIN_CSV = "id,feature,label\n101,1.0,cat\n102,2.0,dog\n103,3.0,bird\n"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    class Params:
        # The address was confirmed by its mailed link (allow-lists admit a confirmed address only).
        confirmed = factory.Trait(
            confirmed_email=factory.SelfAttribute("email"),
            email_confirmed_at=factory.LazyFunction(timezone.now),
        )


def predictions(labels: dict[int, str] | None = None, default: str = "cat") -> str:
    """A valid label submission for LABEL_SOLUTION, with chosen labels for some ids."""
    labels = labels or {}
    return "id,label\n" + "".join(f"{i},{labels.get(i, default)}\n" for i in range(1, 11))


def make_competition(
    *,
    host: User,
    title: str = "Animals",
    slug: str = "animals",
    metric: str = "accuracy",
    solution: str = LABEL_SOLUTION,
    target: str = "label",
    starts_in: timedelta = timedelta(days=-1),
    lasts: timedelta = timedelta(days=30),
    daily_limit: int = 5,
    publish: bool = True,
    score_columns: list | None = None,
):
    start = timezone.now() + starts_in
    end = start + lasts
    already_over = end <= timezone.now()  # hosts cannot create these; tests move the end afterwards
    draft = CompetitionDraft(
        title=title,
        slug=slug,
        start_at=start,
        end_at=timezone.now() + timedelta(days=1) if already_over else end,
        metric=metric,
        id_column="id",
        target_columns=[target],
        daily_submission_limit=daily_limit,
        rules="Play fair.",
        score_columns=score_columns or [],
    )
    competition = create_competition(
        host=host,
        draft=draft,
        solution=io.BytesIO(solution.encode()),
        data_files=[
            NewFile("train.csv", io.BytesIO(TRAIN_CSV.encode())),
            NewFile("test.csv", io.BytesIO(TEST_CSV.encode())),
        ],
    )
    if already_over:
        Competition.objects.filter(pk=competition.pk).update(end_at=end)
        competition.refresh_from_db()
    if publish:
        publish_competition(competition=competition, user=host)
    return competition


def joined(competition, user):
    """Join through the real service; for a competition whose entry deadline has passed, join as if it
    had happened while entry was open."""
    if timezone.now() < competition.entry_deadline:
        return join_competition(competition=competition, user=user)
    saved, competition.entry_deadline_at = competition.entry_deadline_at, timezone.now() + timedelta(days=1)
    try:
        return join_competition(competition=competition, user=user)
    finally:
        competition.entry_deadline_at = saved


def make_submission(
    team,
    *,
    user=None,
    public_score: float | None = None,
    status: str = "scored",
    counts_against_quota: bool = True,
    is_final: bool = False,
    created_at=None,
    phase_track=None,
):
    """A submission row as the scoring pipeline leaves it, without a file: for tests of the rules around it.
    By default in the competition's deciding phase, on its default track."""
    from competitions.phases import deciding_phase, default_track, pair_of
    from submissions.models import Submission
    from submissions.services import next_team_number

    competition = team.competition
    phase_track = phase_track or pair_of(competition, deciding_phase(competition), default_track(competition))
    user = user or team.memberships.get(is_leader=True).user
    submission = Submission.objects.create(
        competition=team.competition,
        phase_track=phase_track,
        team=team,
        submitted_by=user,
        team_number=next_team_number(team),
        file_name="predictions.csv",
        file_key=f"submissions/test/{team.pk}.csv",
        file_size=1,
        file_sha256="0" * 64,
        status=status,
        public_score=public_score,
        private_score=public_score,
        counts_against_quota=counts_against_quota,
        is_final=is_final,
    )
    if created_at is not None:
        Submission.objects.filter(pk=submission.pk).update(created_at=created_at)
        submission.refresh_from_db()
    return submission


def end_now(competition: Competition, *, sweep: bool = True) -> Competition:
    """Move the end a second into the past, then (unless told not to) run what the sweeper runs after an end,
    which builds the private board once nothing made before the end waits to be scored."""
    from leaderboards.private_board import finalize_ended_competitions

    Competition.objects.filter(pk=competition.pk).update(end_at=timezone.now() - timedelta(seconds=1))
    if sweep:
        finalize_ended_competitions()
    competition.refresh_from_db()
    return competition


def competition_form(**overrides) -> dict:
    """What a host posts to create a competition through the API (multipart), with LABEL_SOLUTION."""
    solution = io.BytesIO(LABEL_SOLUTION.encode())
    solution.name = "solution.csv"
    return {
        "title": "Fine",
        "start_at": "2030-01-01T00:00:00Z",
        "end_at": "2030-02-01T00:00:00Z",
        "metric": "accuracy",
        "id_column": "id",
        "target_columns": "label",
        "solution": solution,
        **overrides,
    }
