"""The admin shows a competition's phases and tracks, and every phase and track's scoring setup; only
what cannot break the rules of competitions.phase_setup (names and descriptions) changes there."""

from html.parser import HTMLParser

import pytest

from competitions.co_hosts import add_co_host
from competitions.models import Phase, PhaseTrack, Track
from competitions.phase_setup import TrackPlan, development_then_final, set_phases, set_tracks
from tests.factories import UserFactory

CHANGE = "/admin/competitions/competition/{}/change/"
PAIRS = "/admin/competitions/phasetrack/"


class FormFields(HTMLParser):
    """The values a browser would post from the admin's change form (the first option of a select with
    none selected, checked boxes only)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.names: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            self.names.add(name)
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            if attrs.get("type") in ("submit", "button"):
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self.names.add(name)
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = [attrs.get("value") or ""]
        elif tag == "textarea" and name:
            self.names.add(name)
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_of(page) -> FormFields:
    fields = FormFields()
    fields.feed(page.content.decode())
    return fields


@pytest.fixture
def challenge(competition, host):
    set_phases(
        competition=competition,
        user=host,
        plans=development_then_final(competition.start_at, competition.end_at),
    )
    set_tracks(
        competition=competition,
        user=host,
        plans=[TrackPlan(slug="main", name="Main"), TrackPlan(slug="hard", name="Hard cases")],
    )
    return competition


def test_the_competition_page_lists_its_phases_and_tracks(admin_client, challenge):
    page = admin_client.get(CHANGE.format(challenge.pk))

    text = page.content.decode()
    assert page.status_code == 200
    for shown in ('value="Development"', 'value="Final"', 'value="Hard cases"', "<p>hard</p>"):
        assert shown in text
    assert f"{PAIRS}?track__id__exact={Track.objects.get(competition=challenge, slug='hard').pk}" in text


def test_only_names_and_descriptions_of_phases_and_tracks_can_be_edited_there(admin_client, challenge):
    fields = form_of(admin_client.get(CHANGE.format(challenge.pk)))

    editable = {
        name.split("-", 2)[2]
        for name in fields.names
        if name.startswith(("phases-", "tracks-")) and name.count("-") == 2 and "__prefix__" not in name
    }
    assert {"name", "description"} <= editable
    assert not editable & {"start_at", "end_at", "decides", "slug", "is_default", "carry_over", "DELETE"}
    # No row can be added: the two phases and two tracks there are are all the forms.
    for prefix in ("phases", "tracks"):
        assert (fields.data[f"{prefix}-TOTAL_FORMS"], fields.data[f"{prefix}-MAX_NUM_FORMS"]) == (
            ["2"],
            ["0"],
        )


def test_renaming_a_phase_and_a_track_in_the_admin_keeps_their_dates_and_slug(admin_client, challenge):
    url = CHANGE.format(challenge.pk)
    before = list(Phase.objects.filter(competition=challenge).values_list("start_at", "end_at", "decides"))
    fields = form_of(admin_client.get(url))
    data = dict(fields.data)
    data["phases-1-name"] = ["Final round"]
    data["tracks-1-name"] = ["Hardest cases"]
    data["_save"] = ["Save"]

    saved = admin_client.post(url, data)

    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert list(Phase.objects.filter(competition=challenge).values_list("name", flat=True)) == [
        "Development",
        "Final round",
    ]
    assert list(Phase.objects.filter(competition=challenge).values_list("start_at", "end_at", "decides")) == (
        before
    )
    assert Track.objects.get(competition=challenge, slug="hard").name == "Hardest cases"


def test_a_pair_shows_the_setup_it_uses_and_cannot_be_changed_added_or_deleted(admin_client, challenge):
    pair = PhaseTrack.objects.get(competition=challenge, phase__number=2, track__slug="hard")

    listing = admin_client.get(PAIRS, {"competition__id__exact": challenge.pk})
    detail = admin_client.get(f"{PAIRS}{pair.pk}/change/")
    posted = admin_client.post(f"{PAIRS}{pair.pk}/change/", {"metric": "rmse"})

    listing_text, detail_text = listing.content.decode(), detail.content.decode()
    assert listing.status_code == 200
    assert listing_text.count("accuracy (the competition&#x27;s)") == 4
    assert "Final / Hard cases" in detail_text
    assert "metric accuracy with no parameters; id column id; targets label" in detail_text
    assert posted.status_code == 403
    assert admin_client.get(f"{PAIRS}add/").status_code == 403
    pair.refresh_from_db()
    assert pair.metric == ""


def test_the_competition_page_shows_its_co_hosts_and_reviewers_with_their_roles(
    admin_client, competition, host
):
    UserFactory(username="carla")
    UserFactory(username="rex")
    add_co_host(competition=competition, actor=host, username="carla", role="co_host")
    add_co_host(competition=competition, actor=host, username="rex", role="reviewer")

    page = admin_client.get(CHANGE.format(competition.pk)).content.decode()
    fields = FormFields()
    fields.feed(page)

    roles = {
        fields.data[f"co_hosts-{index}-role"][0]
        for index in range(2)
        if f"co_hosts-{index}-role" in fields.data
    }
    assert roles == {"co_host", "reviewer"}
    assert "carla" in page
    assert "rex" in page
