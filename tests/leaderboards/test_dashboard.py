"""The host dashboard: its figures from real scored and failed submissions, who may see it, and its SVG
charts (well-formed, accessible, escaping what participants typed)."""

import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.models import Team
from datasets.storage import private_storage
from leaderboards import charts
from leaderboards.dashboard import host_dashboard
from scoring import services
from submissions.models import Submission
from submissions.services import create_submission
from tests.factories import PASSWORD, UserFactory, end_now, joined, make_competition, predictions

SVG = "{http://www.w3.org/2000/svg}"
URL = "/competitions/animals/host/dashboard/"
# LABEL_SOLUTION: public ids 1-4, private ids 5-10; these labels get every public row right.
PUBLIC_ALL_RIGHT = {1: "cat", 2: "dog", 3: "cat", 4: "bird"}
PRIVATE_ALL_RIGHT = {5: "dog", 6: "cat", 7: "bird", 8: "dog", 9: "cat", 10: "dog"}
HOSTILE = '<script>alert("x")</script> & co'


def submit(competition, user, content: str) -> Submission:
    submission, _ = create_submission(
        competition=competition, user=user, file_name="p.csv", stream=io.BytesIO(content.encode())
    )
    return submission


def scored(competition, user, labels: dict[int, str]) -> Submission:
    submission = submit(competition, user, predictions(labels, default="bird"))
    assert services.score_submission(submission.pk) == "scored"
    return submission


def failed(competition, user) -> Submission:
    """A file with one row of ten: refused by validation, with a message for the team."""
    submission = submit(competition, user, "id,label\n1,cat\n")
    assert services.score_submission(submission.pk) == "failed"
    return submission


def failed_with_host_detail(competition, user) -> Submission:
    """A stored file that vanished before scoring: an internal error whose detail only the host sees."""
    submission = submit(competition, user, predictions())
    private_storage().delete(submission.file_key)
    assert services.score_submission(submission.pk) == "failed"
    submission.refresh_from_db()
    return submission


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def svgs(html: str) -> list[ET.Element]:
    """Every inline <svg> of a page, parsed as XML: a malformed one raises."""
    found, start = [], html.find("<svg")
    while start != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = html.find("<svg", end)
    return found


@pytest.fixture
def busy(competition, participant, other_participant):
    """Alice: two scored and one refused file; Bob: one scored, one internal failure, one still queued."""
    joined(competition, participant)
    joined(competition, other_participant)
    scored(competition, participant, {**PUBLIC_ALL_RIGHT, **PRIVATE_ALL_RIGHT})
    scored(competition, participant, {1: "cat"})
    failed(competition, participant)
    scored(competition, other_participant, PUBLIC_ALL_RIGHT)
    broken = failed_with_host_detail(competition, other_participant)
    submit(competition, other_participant, predictions())
    return broken


def test_the_figures_count_participants_teams_and_submissions_by_outcome(competition, busy):
    figures = host_dashboard(competition)

    assert (figures.participants, figures.teams) == (2, 2)
    assert (figures.submissions, figures.scored, figures.failed) == (6, 3, 2)
    assert (figures.in_flight, figures.late) == (1, 0)
    assert figures.failure_rate == pytest.approx(40.0)
    assert figures.failure_codes == [("internal_error", 1), ("missing_ids", 1)]


def test_the_series_run_per_utc_day_from_the_start_to_today(competition, busy):
    figures = host_dashboard(competition)

    today = timezone.now().date()
    assert figures.days == [today - timedelta(days=1), today]  # the competition started a day ago
    assert figures.participants_by_day == [0, 2]
    assert figures.teams_by_day == [0, 2]
    assert figures.scored_by_day == [0, 3]
    assert figures.failed_by_day == [0, 2]


def test_the_host_sees_the_figures_the_failures_with_their_detail_and_both_boards(
    client, host, competition, busy
):
    response = logged_in(client, host).get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="figure-participants">2<' in html
    assert 'id="figure-submissions">6<' in html
    assert 'id="figure-failure-rate">40.0%<' in html
    assert 'id="figure-in-flight">1<' in html
    assert "FileNotFoundError" in busy.host_error_detail
    assert busy.host_error_detail.replace("'", "&#x27;") in html
    assert busy.error_message in html
    assert "Private leaderboard if the competition ended now" in html
    public_top = html[html.index('id="public-top-table"') : html.index('id="private-top"')]
    private_top = html[html.index('id="private-top-table"') :]
    assert public_top.index("alice") < public_top.index("bob")
    assert (
        '<td>alice</td><td class="num">1.000000</td>' in private_top
    )  # only alice got the private rows right


def test_after_the_end_the_private_top_is_the_built_board(client, host, competition, participant):
    joined(competition, participant)
    scored(competition, participant, PUBLIC_ALL_RIGHT)
    end_now(competition)

    html = logged_in(client, host).get(URL).content.decode()

    assert "Private leaderboard, top 10" in html
    assert "if the competition ended now" not in html
    assert "<td>alice</td>" in html[html.index('id="private-top-table"') :]


def test_the_charts_are_well_formed_accessible_svg(client, host, competition, busy):
    html = logged_in(client, host).get(URL).content.decode()

    people, submissions = svgs(html)
    for chart in (people, submissions):
        assert chart.get("role") == "img"
        assert chart.get("aria-label")
        assert chart.find(f"{SVG}title").text == chart.get("aria-label")
        assert chart.find(f"{SVG}desc").text
    assert "2 participants and 2 teams" in people.find(f"{SVG}desc").text
    assert len(people.findall(f"{SVG}circle")) == 4  # two days, two lines
    assert len(submissions.findall(f"{SVG}rect[@class='bar']")) == 2  # today: scored and failed
    assert "Show the numbers" in html


def test_a_hostile_team_name_is_escaped_everywhere_on_the_page(client, host, competition, participant):
    team = joined(competition, participant)
    Team.objects.filter(pk=team.pk).update(name=HOSTILE)
    scored(competition, participant, PUBLIC_ALL_RIGHT)
    failed(competition, participant)

    html = logged_in(client, host).get(URL).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert len(svgs(html)) == 2


def test_a_participant_is_refused_with_a_message_and_sees_no_host_detail(
    client, competition, participant, busy
):
    response = logged_in(client, participant).get(URL)

    assert response.status_code == 403
    assert (
        "Only the competition&#x27;s host, co-hosts and reviewers can see its dashboard."
        in response.content.decode()
    )
    assert "FileNotFoundError" not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client, competition):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_staff_see_the_dashboard(client, competition):
    staff = UserFactory(username="admin", is_staff=True)

    assert logged_in(client, staff).get(URL).status_code == 200


def test_a_brand_new_competition_renders_its_empty_states(client, host):
    make_competition(host=host, starts_in=timedelta(days=3))

    response = logged_in(client, host).get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="figure-failure-rate">–<' in html
    assert "No submission has failed yet." in html
    assert "No scored submissions yet." in html
    assert "No team stands on it yet." in html
    _people, submissions = svgs(html)
    assert submissions.findall(f"{SVG}rect[@class='bar']") == []


def test_the_dashboard_reads_in_a_fixed_number_of_queries(
    client, host, competition, busy, django_assert_max_num_queries
):
    logged_in(client, host)
    for number in range(5):
        user = UserFactory(username=f"extra{number}")
        joined(competition, user)
        scored(competition, user, {1: "cat"})
        failed(competition, user)

    with django_assert_max_num_queries(
        22
    ):  # 20 today (with the unread count and the vote button), whatever the number of teams or failures
        assert client.get(URL).status_code == 200


def test_the_host_settings_page_links_to_the_dashboard(client, host, competition):
    html = logged_in(client, host).get("/competitions/animals/host/").content.decode()

    assert f'href="{URL}"' in html


# charts.py on its own: no database


def test_a_line_chart_draws_one_point_per_value_and_leaves_gaps():
    chart = charts.line_chart(
        [charts.Series("Score", [0.5, None, 0.75]), charts.Series("Best", [0.5, 0.6, 0.75])],
        ["a", "b", "c"],
        title="Score over time",
        description="Two lines.",
        y_from_zero=False,
    )

    root = ET.fromstring(str(chart))
    assert len(root.findall(f"{SVG}circle")) == 5
    assert len(root.findall(f"{SVG}polyline")) == 3  # the gap splits the first line in two
    assert root.get("aria-label") == "Score over time"


def test_a_bar_chart_stacks_its_series_and_skips_zero_segments():
    chart = charts.bar_chart(
        [charts.Series("Scored", [1, 0, 2]), charts.Series("Failed", [0, 1, 1])],
        ["d1", "d2", "d3"],
        title="Per day",
        description="Three days.",
    )

    bars = ET.fromstring(str(chart)).findall(f"{SVG}rect[@class='bar']")
    assert len(bars) == 4
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[0] == pytest.approx(heights[1], abs=0.2) == pytest.approx(heights[3], abs=0.2)
    assert heights[2] == pytest.approx(2 * heights[0], abs=0.2)  # d3's scored segment is two units high


def test_chart_labels_and_names_are_escaped():
    chart = charts.line_chart(
        [charts.Series(HOSTILE, [1, 2])], [HOSTILE, "b"], title=HOSTILE, description=HOSTILE
    )

    root = ET.fromstring(str(chart))
    assert "<script>" not in str(chart)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert HOSTILE in [text.text for text in root.iter(f"{SVG}text")]


def test_an_empty_or_flat_series_still_draws_axes():
    empty = ET.fromstring(str(charts.bar_chart([], [], title="Nothing", description="No data.")))
    flat = ET.fromstring(
        str(charts.line_chart([charts.Series("Zero", [0, 0])], ["a", "b"], title="Flat", description="."))
    )

    assert empty.findall(f"{SVG}line[@class='axis']")
    assert flat.findall(f"{SVG}circle")


def test_the_numbers_table_escapes_and_lists_every_label():
    table = str(
        charts.data_table(
            [charts.Series(HOSTILE, [1, None])], ["a", "b"], caption="Numbers", label_heading="Day"
        )
    )

    assert "<script>" not in table
    assert table.count("<tr>") == 3
    assert "–" in table


def test_long_series_label_only_some_days_always_the_first_and_last():
    days = [f"2026-01-{day:02d}" for day in range(1, 32)]
    chart = charts.bar_chart([charts.Series("Scored", [1] * 31)], days, title="January", description=".")

    shown = [text.text for text in ET.fromstring(str(chart)).iter(f"{SVG}text") if text.text in days]
    assert 2 < len(shown) < 8
    assert shown[0] == days[0]
    assert shown[-1] == days[-1]
