"""A competition's logo: which images are taken (by their bytes), the host setting and removing it on the
Host tab and through the API, and every page and answer that shows it."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competitions.co_hosts import add_co_host
from competitions.logos import LogoError, check_logo, set_competition_logo
from competitions.models import Competition, CompetitionHost
from config.errors import NotAllowed
from organisations.services import create_organisation
from tests.conftest import api_client_for
from tests.images import SVG, gif, jpeg, png, webp_lossless


def logo_upload(content: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def stored(key: str) -> bool:
    return storages["public_data"].exists(key)


def with_logo(competition, host, content: bytes | None = None) -> Competition:
    return set_competition_logo(competition=competition, user=host, content=content or png())


@pytest.mark.parametrize(
    ("content", "kind", "size"),
    [
        (png(3, 2), "png", (3, 2)),
        (jpeg(40, 30), "jpg", (40, 30)),
        (gif(9, 4), "gif", (9, 4)),
        (webp_lossless(5, 7), "webp", (5, 7)),
    ],
)
def test_each_accepted_kind_is_read_from_its_bytes(content, kind, size):
    image = check_logo(content)
    assert (image.kind, (image.width, image.height)) == (kind, size)


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"", "logo_empty", "The logo file is empty: choose a PNG, JPEG, GIF or WebP image."),
        (
            b"%PDF-1.7 not an image",
            "logo_not_image",
            "The logo is not an image Podium takes: it must be a PNG, JPEG, GIF or WebP file (read from its "
            "content, whatever its name).",
        ),
        (png()[:20], "logo_not_image", "The logo is not an image Podium takes"),
        (
            SVG,
            "logo_svg_refused",
            "SVG logos are refused: an SVG file is a document that can carry script. Export it as PNG or WebP.",
        ),
        (
            png(5000, 10),
            "logo_bad_dimensions",
            "The logo is 5000×10 pixels; each side must be between 1 and 4096 pixels.",
        ),
        (png(0, 10), "logo_bad_dimensions", "The logo is 0×10 pixels"),
    ],
)
def test_a_logo_podium_cannot_show_is_refused_naming_why(content, code, message):
    with pytest.raises(LogoError) as refused:
        check_logo(content)
    assert (refused.value.code, refused.value.details) == (code, {"field": "logo"})
    assert refused.value.message.startswith(message)


def test_a_logo_over_the_limit_is_refused(settings):
    settings.PODIUM_LOGO_MAX_KB = 1
    check_logo(png(padding=900))
    with pytest.raises(LogoError) as refused:
        check_logo(png(padding=1100))
    assert refused.value.code == "logo_too_large"
    assert refused.value.message.startswith("The logo is larger than 1 KB, the most Podium takes.")


# The API.


def test_the_host_sets_a_logo_through_the_api_and_every_answer_gives_its_address(competition, host):
    api = api_client_for(host)

    answer = api.put(
        reverse("api-competition-logo", args=[competition.slug]),
        {"logo": logo_upload(png())},
        format="multipart",
    )

    assert answer.status_code == 200, answer.json()
    saved = Competition.objects.get(pk=competition.pk)
    url = f"/competitions/animals/logo/{saved.logo_key.rsplit('/', 1)[-1]}"
    assert answer.json()["logo_url"] == url
    assert saved.logo_key.endswith(".png")
    assert stored(saved.logo_key)
    assert api_client_for().get(reverse("api-competition", args=["animals"])).json()["logo_url"] == url
    [listed] = api_client_for().get(reverse("api-competitions")).json()["results"]
    assert listed["logo_url"] == url


def test_a_competition_without_a_logo_answers_null(competition):
    assert api_client_for().get(reverse("api-competition", args=["animals"])).json()["logo_url"] is None
    [listed] = api_client_for().get(reverse("api-competitions")).json()["results"]
    assert listed["logo_url"] is None


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "logo_empty"),
        (b"GIF89", "logo_not_image"),
        (SVG, "logo_svg_refused"),
        (png(9000, 1), "logo_bad_dimensions"),
        (png(padding=3000), "logo_too_large"),
    ],
)
def test_the_api_refuses_a_bad_logo_with_its_code_naming_the_field(
    competition, host, settings, content, code
):
    settings.PODIUM_LOGO_MAX_KB = 2
    answer = api_client_for(host).put(
        reverse("api-competition-logo", args=[competition.slug]),
        {"logo": logo_upload(content, "logo.svg" if content == SVG else "logo.png")},
        format="multipart",
    )

    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["details"]["field"]) == (code, "logo")
    assert Competition.objects.get(pk=competition.pk).logo_key == ""
    assert not storages["public_data"].exists("logos") or not storages["public_data"].listdir("logos")[1]


def test_the_api_asks_for_the_file(competition, host):
    answer = api_client_for(host).put(
        reverse("api-competition-logo", args=[competition.slug]), {"image": "logo.png"}, format="multipart"
    )
    assert answer.status_code == 400, answer.json()
    assert "logo" in answer.json()["details"]["fields"], answer.json()


def test_the_host_removes_the_logo_through_the_api_and_its_file_goes(
    competition, host, django_capture_on_commit_callbacks
):
    key = with_logo(competition, host).logo_key
    api = api_client_for(host)

    with django_capture_on_commit_callbacks(execute=True):
        answer = api.delete(reverse("api-competition-logo", args=[competition.slug]))

    assert answer.status_code == 204
    assert Competition.objects.get(pk=competition.pk).logo_key == ""
    assert not stored(key)
    assert api.get(reverse("api-competition", args=["animals"])).json()["logo_url"] is None
    again = api.delete(reverse("api-competition-logo", args=[competition.slug]))
    assert (again.status_code, again.json()["code"]) == (400, "no_logo")


def test_a_new_logo_replaces_the_old_one_and_its_file(competition, host, django_capture_on_commit_callbacks):
    first = with_logo(competition, host).logo_key
    with django_capture_on_commit_callbacks(execute=True):
        second = with_logo(competition, host, gif()).logo_key
    assert second.endswith(".gif")
    assert stored(second)
    assert not stored(first)


def test_someone_who_does_not_manage_the_competition_cannot_change_its_logo(competition, host, participant):
    add_co_host(
        competition=competition, actor=host, username=participant.username, role=CompetitionHost.Role.REVIEWER
    )
    api = api_client_for(participant)
    url = reverse("api-competition-logo", args=[competition.slug])

    put = api.put(url, {"logo": logo_upload(png())}, format="multipart")
    with_logo(competition, host)
    delete = api.delete(url)

    assert (put.status_code, put.json()["code"]) == (403, "not_host")
    assert (delete.status_code, delete.json()["code"]) == (403, "not_host")
    assert Competition.objects.get(pk=competition.pk).logo_key != ""
    with pytest.raises(NotAllowed):
        set_competition_logo(competition=competition, user=participant, content=png())


def test_a_co_host_may_set_the_logo(competition, host, participant):
    add_co_host(
        competition=competition, actor=host, username=participant.username, role=CompetitionHost.Role.CO_HOST
    )
    answer = api_client_for(participant).put(
        reverse("api-competition-logo", args=[competition.slug]),
        {"logo": logo_upload(png())},
        format="multipart",
    )
    assert answer.status_code == 200


# The image itself.


def test_the_logo_is_served_with_the_type_its_bytes_show(client, competition, host):
    competition = with_logo(competition, host, webp_lossless())

    answer = client.get(competition.logo_url)

    assert answer.status_code == 200
    assert answer.content == webp_lossless()
    assert answer["Content-Type"] == "image/webp"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_old_logo_address_is_not_found(client, competition, host):
    old_url = with_logo(competition, host).logo_url
    with_logo(competition, host)
    assert client.get(old_url).status_code == 404


def test_a_private_competitions_logo_is_hidden_from_those_it_does_not_admit(client, competition, host):
    competition = with_logo(competition, host)
    Competition.objects.filter(pk=competition.pk).update(visibility=Competition.Visibility.PRIVATE)

    assert client.get(competition.logo_url).status_code == 404
    client.force_login(host)
    answer = client.get(competition.logo_url)
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, max-age=86400"


# Pages.


def logo_img(competition) -> str:
    return f'src="{competition.logo_url}" alt="{competition.title}"'


def test_the_host_uploads_a_logo_on_the_host_tab(client, competition, host):
    client.force_login(host)

    answer = client.post(
        reverse("competitions:host-logo", args=[competition.slug]), {"logo": logo_upload(png())}, follow=True
    )

    saved = Competition.objects.get(pk=competition.pk)
    assert saved.logo_key
    assert "The logo is saved." in answer.content.decode()
    assert 'id="current-logo"' in answer.content.decode()
    assert logo_img(saved) in answer.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The logo file is empty"),
        (b"plain text", "The logo is not an image Podium takes"),
        (SVG, "SVG logos are refused: an SVG file is a document that can carry script."),
        (png(padding=3000), "The logo is larger than 2 KB, the most Podium takes."),
        (png(1, 5000), "The logo is 1×5000 pixels"),
    ],
)
def test_the_host_tab_shows_why_a_logo_is_refused(client, competition, host, settings, content, message):
    settings.PODIUM_LOGO_MAX_KB = 2
    client.force_login(host)

    answer = client.post(
        reverse("competitions:host-logo", args=[competition.slug]), {"logo": logo_upload(content)}
    )

    assert answer.status_code == 200
    page = answer.content.decode()
    assert message in page
    assert 'id="id_logo_error"' in page
    assert Competition.objects.get(pk=competition.pk).logo_key == ""


def test_the_host_removes_the_logo_on_the_host_tab(
    client, competition, host, django_capture_on_commit_callbacks
):
    key = with_logo(competition, host).logo_key
    client.force_login(host)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("competitions:host-logo-remove", args=[competition.slug]), follow=True)

    assert "The logo is removed." in answer.content.decode()
    assert 'id="no-logo"' in answer.content.decode()
    assert Competition.objects.get(pk=competition.pk).logo_key == ""
    assert not stored(key)


def test_a_participant_cannot_post_the_host_tabs_logo_form(client, competition, host, participant):
    client.force_login(participant)
    answer = client.post(
        reverse("competitions:host-logo", args=[competition.slug]), {"logo": logo_upload(png())}
    )
    assert answer.status_code == 403
    with_logo(competition, host)
    assert client.post(reverse("competitions:host-logo-remove", args=[competition.slug])).status_code == 403
    assert Competition.objects.get(pk=competition.pk).logo_key != ""


def test_the_competition_page_and_the_lists_show_the_logo(client, competition, host):
    lab = create_organisation(user=host, name="Vision Lab")
    Competition.objects.filter(pk=competition.pk).update(organisation=lab)
    competition = with_logo(competition, host)

    for url in (
        reverse("competitions:overview", args=[competition.slug]),
        reverse("competitions:home"),
        reverse("competitions:list"),
        reverse("organisations:detail", args=[lab.slug]),
    ):
        page = client.get(url).content.decode()
        assert logo_img(competition) in page, url


def test_pages_show_no_logo_image_without_one(client, competition):
    page = client.get(reverse("competitions:overview", args=[competition.slug])).content.decode()
    assert "competition-logo" not in page
