"""A private competition is invisible to anyone its host has not admitted: every route Django knows that names
a competition (its slug, or something in it by id) answers an outsider exactly as it answers for a competition
that does not exist, and no answer holds a word of it.

The routes are read from Django's URL patterns, so a route added later is checked without anyone
remembering to: a route with a parameter this test does not know how to fill fails it until it is taught."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bundles.models import BundleImport
from community.models import Comment, WriteUp
from community.services import post_comment
from community.writeups import publish_writeup
from competitions import admission
from competitions.models import Competition
from competitions.services import update_competition
from organisations.services import create_organisation
from tests.factories import UserFactory, joined, make_competition, make_submission

pytestmark = pytest.mark.django_db

SECRET = "orchid"  # in the private competition's title, overview, comments and write-up; nowhere else
SLUG = "hush"
MISSING = 999_999_999


def route_patterns(patterns=None, prefix=""):
    """Every route as (regex-ish text of its full path, its parameter names), admin aside."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not text.startswith("admin/"):
                yield from route_patterns(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern):
            yield text, list(pattern.pattern.regex.groupindex)


def fill(route: str, values: dict[str, object]) -> str:
    """The route with its <converter:name> parts replaced by the values."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


@pytest.fixture
def private(host):
    competition = make_competition(host=host, title=f"The {SECRET.title()} Challenge", slug=SLUG)
    update_competition(
        competition=competition,
        user=host,
        changes={
            "visibility": Competition.Visibility.PRIVATE,
            "overview": f"Grow an {SECRET}.",
            "allows_writeups_while_running": True,
        },
    )
    competition.refresh_from_db()
    insider = UserFactory(username="insider", confirmed=True)
    admission.add_to_allow_list(competition=competition, user=host, entries=["insider@example.com"])
    team = joined(competition, insider)
    submission = make_submission(team, public_score=0.5)
    writeup = publish_writeup(
        author=insider, submission=submission, title=f"My {SECRET} method", body=f"How the {SECRET} grew."
    )
    on_competition = post_comment(author=insider, target=competition, body=f"Who else grows an {SECRET}?")
    on_writeup = post_comment(author=insider, target=writeup, body=f"Nice {SECRET}.")
    invitation = admission.create_invitation(competition=competition, user=host)
    entry = competition.allow_list.get()
    bundle_import = BundleImport.objects.create(
        host=host, competition=competition, file_name=f"{SECRET}.zip", version="2", plan={}, report=[]
    )
    return {
        "bundle_import": bundle_import,
        "competition": competition,
        "insider": insider,
        "team": team,
        "submission": submission,
        "writeup": writeup,
        "comments": [on_competition, on_writeup],
        "invitation": invitation,
        "entry": entry,
    }


def values_for(private: dict, *, exists: bool, route: str) -> dict[str, object]:
    competition = private["competition"]
    is_dataset_route = route.startswith(("datasets/", "api/v1/datasets/"))
    slug = competition.data_version.dataset.slug if is_dataset_route else SLUG
    return {
        "slug": slug if exists else "no-such-thing",
        "submission_id": private["submission"].pk if exists else MISSING,
        "writeup_id": private["writeup"].pk if exists else MISSING,
        "comment_id": private["comments"][0].pk if exists else MISSING,
        "team_id": private["team"].pk,
        "invitation_id": private["invitation"].pk,
        "request_id": 1,
        "entry_id": private["entry"].pk,
        "number": 1,
        "track": "main",  # the default track every competition has
        "name": "train.csv",
        "username": private["insider"].username,
        "code": "not-a-code",  # a wrong code: the right one admits whoever holds it, by design
        "token_id": 1,
        "import_id": private["bundle_import"].pk if exists else MISSING,
        "run_id": 1,  # a scoring program's run: the host's only, behind the competition's slug
    }


# Parameters that do not name anything of a competition (the outsider's own tokens, the password reset key,
# a mail's unsubscribe token). A paper is no competition's: tests/community/test_papers.py checks that its page
# and API show nothing of a private competition whose write-up cites it.
NOT_ABOUT_COMPETITIONS = {"token_id", "uidb36", "key_reset", "token", "paper_id"}
KNOWN = {
    "slug",
    "run_id",
    "submission_id",
    "writeup_id",
    "comment_id",
    "team_id",
    "invitation_id",
    "request_id",
    "entry_id",
    "number",
    "track",
    "name",
    "username",
    "code",
    "kind",
    "key",
    "import_id",
}


def urls_to_check(private: dict) -> list[tuple[str, str, str]]:
    """(route, URL for the private competition, URL for one that does not exist) for every route that
    reaches a competition or something in it."""
    checked = []
    for route, parameters in route_patterns():
        if not parameters or route.startswith("accounts/"):
            continue
        unknown = set(parameters) - KNOWN - NOT_ABOUT_COMPETITIONS
        assert not unknown, f"Teach this test how to fill {unknown} in the route {route}"
        if set(parameters) & NOT_ABOUT_COMPETITIONS:
            continue
        if "kind" in parameters:
            for kind, key in (("competition", SLUG), ("writeup", private["writeup"].pk)):
                missing_key = "no-such-thing" if kind == "competition" else MISSING
                secret_url = fill(route, {"kind": kind, "key": key})
                checked.append((route, secret_url, fill(route, {"kind": kind, "key": missing_key})))
            if route.startswith(("votes/", "api/v1/votes/", "community/votes/")):
                comment = private["comments"][1].pk
                checked.append(
                    (
                        route,
                        fill(route, {"kind": "comment", "key": comment}),
                        fill(route, {"kind": "comment", "key": MISSING}),
                    )
                )
            continue
        checked.append(
            (
                route,
                fill(route, values_for(private, exists=True, route=route)),
                fill(route, values_for(private, exists=False, route=route)),
            )
        )
    return checked


def answers(client, url: str) -> list[tuple[str, int, str]]:
    found = []
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        found.append((method, response.status_code, body.decode(errors="replace").lower()))
    return found


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_every_route_answers_an_outsider_as_if_the_private_competition_did_not_exist(client, private, who):
    if who == "outsider":
        client.force_login(UserFactory(username="outsider"))
    routes = urls_to_check(private)
    slug_routes = {route for route, _, _ in routes if "<slug:slug>" in route and "competitions/" in route}

    differences, leaks = [], []
    for _route, secret_url, missing_url in routes:
        for (method, status, body), (_, missing_status, _) in zip(
            answers(client, secret_url), answers(client, missing_url), strict=True
        ):
            if status != missing_status:
                differences.append(
                    f"{method.upper()} {secret_url}: {status}, but {missing_status} when missing"
                )
            if SECRET in body:
                leaks.append(f"{method.upper()} {secret_url} ({status}) shows '{SECRET}'")

    assert not differences, "\n".join(differences)
    assert not leaks, "\n".join(leaks)
    assert len(slug_routes) > 60  # the enumeration found the competition routes (there are about 80)


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_lists_search_home_and_profiles_never_mention_a_private_competition(client, private, who):
    """Profiles: the reader's own (and their API twin), and the page of the organisation that hosts it."""
    lab = create_organisation(user=private["competition"].host, name="Quiet Lab")
    Competition.objects.filter(pk=private["competition"].pk).update(organisation=lab)
    if who == "outsider":
        client.force_login(UserFactory(username="outsider"))
    pages = [
        "/",
        "/competitions/",
        f"/competitions/?q={SECRET}",
        "/api/v1/competitions/",
        f"/api/v1/competitions/?search={SECRET}",
        f"/search/?q={SECRET}",
        "/orgs/quiet-lab/",
        "/datasets/",
        "/api/v1/datasets/",
        "/notifications/",
        "/api/v1/me/notifications/",
        "/accounts/profile/",
        "/api/v1/me/",
    ]
    for url in pages:
        body = client.get(url).content.decode().lower()
        # the search box and "none match" repeat what was searched for
        body = body.replace(f'value="{SECRET}"', "").replace(f"match “{SECRET}”", "")
        assert SECRET not in body, url
        assert f"/competitions/{SLUG}/" not in body, url
        assert f'"{SLUG}"' not in body, url


def test_an_admitted_participant_and_the_host_see_it_everywhere(client, private, host):
    for user in (private["insider"], host):
        client.force_login(user)
        assert SECRET in client.get("/competitions/").content.decode().lower()
        assert client.get(f"/competitions/{SLUG}/").status_code == 200
        assert client.get(f"/api/v1/competitions/{SLUG}/croissant/").status_code == 200
        assert client.get(f"/competitions/{SLUG}/writeups/{private['writeup'].pk}/").status_code == 200
        assert client.get(f"/api/v1/comments/{private['comments'][0].pk}/").status_code == 200


def test_comments_and_write_ups_of_the_private_competition_exist(private):
    """The leak test above would pass vacuously without them."""
    assert WriteUp.objects.filter(competition=private["competition"]).count() == 1
    assert Comment.objects.count() == 2
