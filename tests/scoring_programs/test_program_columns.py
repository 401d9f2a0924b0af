"""A host's program's columns and direction wherever a pair's scores show (the submissions page and API,
the board's tie-break note, profile ranks), and its output nowhere a participant looks."""

import io
import textwrap

from django.urls import reverse

from community.models import Notification
from leaderboards.participation import joined_competitions
from leaderboards.queries import higher_is_better
from mail.models import OutgoingMail
from scoring import services
from submissions.services import create_submission
from tests.factories import UserFactory, joined, predictions
from tests.scoring_programs.test_rescoring import WRONG_COLUMNS, WRONG_SHARE

SECRET = "hidden-label-cat-dog-bird"


def test_the_submissions_page_shows_the_programs_columns(draft, scored, client, participant):
    client.force_login(participant)

    page = client.get(reverse("submissions:list", args=[draft.slug])).content.decode()

    assert '<th class="num" title="Errors, public split">Errors</th>' in page
    row = client.get(reverse("submissions:row", args=[draft.slug, scored.pk])).content.decode()
    assert '<td class="num sub-column" data-label="Errors">0</td>' in row


def test_the_submissions_api_shows_the_programs_columns(draft, scored, api_for, participant):
    listed = api_for(participant).get(reverse("api-competition-submissions", args=[draft.slug])).json()
    one = api_for(participant).get(reverse("api-submission", args=[scored.pk])).json()

    assert listed["results"][0]["public_columns"] == {"Errors": 0.0}
    assert one["public_columns"] == {"Errors": 0.0}


def test_the_boards_tie_break_note_names_the_programs_columns(draft, scored, client):
    page = client.get(reverse("leaderboards:leaderboard", args=[draft.slug])).content.decode()

    assert "Ties go to the better Errors, then the earlier submission." in page
    assert "with the host&#x27;s scoring program (higher is better)" in page


def test_a_lower_is_better_program_ranks_profiles_its_way(draft, host, with_program, participant):
    from competitions.services import publish_competition
    from tests.services import require_bubblewrap

    require_bubblewrap()
    with_program(WRONG_SHARE, columns=WRONG_COLUMNS)
    publish_competition(competition=draft, user=host)
    bob = UserFactory(username="bob")
    for user, labels in ((participant, {2: "dog"}), (bob, {2: "dog", 4: "bird", 5: "dog"})):
        joined(draft, user)
        submission, _ = create_submission(
            competition=draft, user=user, file_name="p.csv", stream=io.BytesIO(predictions(labels).encode())
        )
        assert services.score_submission(submission.pk) == "scored"

    assert higher_is_better(draft) is False  # no pair named: the deciding phase's default pair
    [bobs] = joined_competitions(bob)
    [alices] = joined_competitions(participant)
    assert (bobs.public.rank, alices.public.rank) == (1, 2)  # bob has the smaller share of wrong labels


# Prints the secret on both streams, scores the file, then fails the next one.
TALKATIVE = textwrap.dedent(
    f"""
    import json, os, sys
    print("{SECRET}")
    print("{SECRET}", file=sys.stderr)
    [name] = os.listdir(sys.argv[1] + "/res")
    if name == "broken.csv":
        sys.exit("{SECRET}")
    json.dump({{"accuracy": 0.5, "errors": 5}}, open(sys.argv[2] + "/scores.json", "w"))
    """
)


def test_a_programs_output_never_reaches_the_participant(
    draft, host, with_program, participant, client, api_for, django_capture_on_commit_callbacks
):
    from competitions.services import publish_competition
    from tests.services import require_bubblewrap

    require_bubblewrap()
    with_program(TALKATIVE)
    publish_competition(competition=draft, user=host)
    joined(draft, participant)
    submissions = []
    for name in ("good.csv", "broken.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            submission, _ = create_submission(
                competition=draft, user=participant, file_name=name, stream=io.BytesIO(predictions().encode())
            )
            services.score_submission(submission.pk)
        submissions.append(submission)
    submissions[1].refresh_from_db()
    assert submissions[1].status == "failed"
    assert SECRET in submissions[1].host_error_detail or SECRET in submissions[1].program_runs.get().stderr

    client.force_login(participant)
    api = api_for(participant)
    seen = [
        client.get(reverse("submissions:list", args=[draft.slug])).content.decode(),
        *(
            client.get(reverse("submissions:row", args=[draft.slug, s.pk])).content.decode()
            for s in submissions
        ),
        api.get(reverse("api-competition-submissions", args=[draft.slug])).content.decode(),
        *(api.get(reverse("api-submission", args=[s.pk])).content.decode() for s in submissions),
        client.get(reverse("leaderboards:leaderboard-csv", args=[draft.slug])).content.decode(),
        api.get(reverse("api-leaderboard-csv", args=[draft.slug])).content.decode(),
        client.get(reverse("leaderboards:leaderboard", args=[draft.slug])).content.decode(),
        str(list(OutgoingMail.objects.filter(recipient=participant).values())),
        str(list(Notification.objects.filter(recipient=participant).values())),
    ]
    assert "run " in seen[0]  # the failure's generic reason, with its run number, is there
    for text in seen:
        assert SECRET not in text


def test_the_host_page_lists_a_failed_run_and_its_logs(draft, host, with_program, participant, client):
    from competitions.services import publish_competition
    from tests.services import require_bubblewrap

    require_bubblewrap()
    with_program(TALKATIVE)
    publish_competition(competition=draft, user=host)
    joined(draft, participant)
    submission, _ = create_submission(
        competition=draft, user=participant, file_name="broken.csv", stream=io.BytesIO(predictions().encode())
    )
    assert services.score_submission(submission.pk) == "failed"
    run = submission.program_runs.get()
    client.force_login(host)

    page = client.get(reverse("scoring_programs:host", args=[draft.slug])).content.decode()
    logs = client.get(reverse("scoring_programs:run", args=[draft.slug, run.pk])).content.decode()

    assert f">{run.pk}</a></td><td>program.zip</td><td>#{submission.pk}</td><td>Failed</td>" in page
    assert "The scoring program exited with code 1" in page
    assert SECRET in logs
