"""A dataset's licence is one of a few SPDX ids, or "other" with the address of its terms: the same on the form,
the page, the API and Croissant; licences written as free text before are mapped to their ids."""

import io
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from datasets.licences import spdx_id
from datasets.models import Dataset
from datasets.services import NewFile, create_dataset
from tests.datasets.test_datasets import named
from tests.factories import PASSWORD

ACCEPTED = "CC0-1.0, CC-BY-4.0, CC-BY-SA-4.0, ODbL-1.0, MIT, Apache-2.0, other"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CC BY 4.0", "CC-BY-4.0"),
        ("cc-by-4.0", "CC-BY-4.0"),
        ("Creative Commons Attribution 4.0 International", "CC-BY-4.0"),
        ("https://creativecommons.org/licenses/by/4.0/legalcode", "CC-BY-4.0"),
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ("CC0", "CC0-1.0"),
        ("cc0 1.0", "CC0-1.0"),
        ("ODbL", "ODbL-1.0"),
        ("Open Data Commons Open Database License v1.0", "ODbL-1.0"),
        ("MIT License", "MIT"),
        ("mit", "MIT"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("https://spdx.org/licenses/Apache-2.0.html", "Apache-2.0"),
    ],
)
def test_common_spellings_name_their_spdx_id(text, expected):
    assert spdx_id(text) == expected


@pytest.mark.parametrize(
    "text", ["CC BY 3.0", "CC BY", "GPL-3.0", "Apache 1.1", "Our own terms", "", "other"]
)
def test_other_licences_are_not_guessed(text):
    assert spdx_id(text) is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_free_text_licences_to_spdx_ids_and_keeps_the_rest_as_other(participant):
    executor = MigrationExecutor(connection)
    executor.migrate([("datasets", "0003_add_dataset_vote_count")])
    old_dataset = executor.loader.project_state([("datasets", "0003_add_dataset_vote_count")]).apps.get_model(
        "datasets", "Dataset"
    )
    texts = {
        "a": "CC BY 4.0",
        "b": "cc-by-sa-4.0",
        "c": "MIT License",
        "d": "CC0",
        "e": "Terms of the Met Office",
        "f": "https://example.org/terms",
    }
    for slug, text in texts.items():
        old_dataset.objects.create(owner_id=participant.pk, title=slug, slug=slug, license=text)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {d.slug: (d.license, d.license_url, d.license_name) for d in Dataset.objects.all()}
    assert rows == {
        "a": ("CC-BY-4.0", "", ""),
        "b": ("CC-BY-SA-4.0", "", ""),
        "c": ("MIT", "", ""),
        "d": ("CC0-1.0", "", ""),
        "e": ("other", "", "Terms of the Met Office"),
        "f": ("other", "https://example.org/terms", ""),
    }


def create(api, **fields):
    return api.post(
        "/api/v1/datasets/",
        {"title": "Rain", "files": [named("rain.csv", "day,mm\n1,3\n")], **fields},
        format="multipart",
    )


def test_the_api_takes_an_spdx_id_in_any_case_and_answers_its_name_and_address(api_for, participant):
    response = create(api_for(participant), license="cc-by-sa-4.0")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["license"] == "CC-BY-SA-4.0"
    assert body["license_name"] == "Creative Commons Attribution Share Alike 4.0 International (CC-BY-SA-4.0)"
    assert body["license_url"] == "https://spdx.org/licenses/CC-BY-SA-4.0.html"


def test_the_api_still_takes_the_old_default_spelling_and_an_empty_licence(api_for, participant):
    api = api_for(participant)
    assert create(api, license="CC BY 4.0").json()["license"] == "CC-BY-4.0"
    assert create(api, title="Snow").json()["license"] == "CC-BY-4.0"


def test_an_unknown_licence_is_refused_with_the_accepted_ids(api_for, participant):
    response = create(api_for(participant), license="GPL-3.0")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_license"
    assert body["message"] == (
        f"'GPL-3.0' is not one of the licences offered: use one of {ACCEPTED} "
        "(with other, give the address of the licence's terms)."
    )
    assert body["details"]["field"] == "license"
    assert not Dataset.objects.exists()


def test_other_needs_the_address_of_the_terms(api_for, participant):
    response = create(api_for(participant), license="other", license_name="Met Office terms")

    assert response.status_code == 400
    assert response.json()["code"] == "license_url_missing"
    assert (
        response.json()["message"]
        == "With the licence 'other', give the address (URL) of the licence's terms."
    )


@pytest.mark.parametrize(
    "url", ["example.org/terms", "ftp://example.org/terms", "https://", "javascript:alert(1)"]
)
def test_other_with_a_bad_address_is_refused(api_for, participant, url):
    response = create(api_for(participant), license="other", license_url=url)

    assert response.status_code == 400
    assert response.json()["code"] == "bad_license_url"
    assert (
        response.json()["message"]
        == f"'{url}' is not a web address: give the licence's URL, starting with https://."
    )


def test_a_licence_url_beside_an_spdx_id_is_refused(api_for, participant):
    response = create(api_for(participant), license="MIT", license_url="https://example.org/terms")

    assert response.status_code == 400
    assert response.json()["code"] == "license_url_not_expected"
    assert "MIT is at https://spdx.org/licenses/MIT.html" in response.json()["message"]


def test_other_with_an_address_is_kept_and_carried_into_croissant(api_for, participant):
    api = api_for(participant)
    response = create(api, license="other", license_url="https://example.org/terms", license_name="Met terms")

    assert response.status_code == 201, response.json()
    assert response.json()["license_name"] == "Met terms"
    assert response.json()["license_url"] == "https://example.org/terms"
    croissant = json.loads(api.get("/api/v1/datasets/rain/croissant/").content)
    assert croissant["license"] == "https://example.org/terms"


def test_a_licence_given_as_a_web_address_means_other_with_that_address(api_for, participant):
    response = create(api_for(participant), license="https://example.org/terms")

    assert response.status_code == 201, response.json()
    assert (response.json()["license"], response.json()["license_url"]) == (
        "other",
        "https://example.org/terms",
    )


def test_croissant_carries_the_spdx_address_of_an_offered_licence(api_for, participant):
    api = api_for(participant)
    create(api, license="ODbL-1.0")

    croissant = json.loads(api.get("/api/v1/datasets/rain/croissant/").content)

    assert croissant["license"] == "https://spdx.org/licenses/ODbL-1.0.html"


@pytest.mark.django_db
def test_a_migrated_licence_with_only_a_name_is_named_in_croissant_and_on_the_page(client, participant):
    dataset = create_dataset(owner=participant, title="Old", files=[NewFile("a.csv", io.BytesIO(b"a\n1\n"))])
    Dataset.objects.filter(pk=dataset.pk).update(license="other", license_name="Terms of the Met Office")

    page = client.get("/datasets/old/").content.decode()
    croissant = json.loads(client.get("/api/v1/datasets/old/croissant/").content)

    assert '<dd id="licence"><span class="licence">Terms of the Met Office</span></dd>' in page
    assert croissant["license"] == "Terms of the Met Office"


def test_the_form_offers_the_licences_by_name_and_id(client, participant):
    client.login(username="alice", password=PASSWORD)

    page = client.get("/datasets/new/").content.decode()

    assert (
        '<option value="CC-BY-4.0" selected>Creative Commons Attribution 4.0 International (CC-BY-4.0)</option>'
        in page
    )
    assert '<option value="other">Other (give a URL)</option>' in page
    assert "podium/licence-choice.js" in page


def post_new(client, **fields):
    client.login(username="alice", password=PASSWORD)
    data = {"title": "Tides", "visibility": "public", "files": [named("t.csv", "a\n1\n")], **fields}
    return client.post("/datasets/new/", data)


def test_the_form_says_other_needs_a_url_on_the_url_field(client, participant):
    response = post_new(client, license="other")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["license_url"] == [
        "With the licence 'other', give the address (URL) of the licence's terms."
    ]
    assert not Dataset.objects.exists()


def test_the_form_says_a_bad_licence_url_is_not_a_web_address(client, participant):
    response = post_new(client, license="other", license_url="tides.example/terms")

    assert response.context["form"].errors["license_url"] == [
        "'tides.example/terms' is not a web address: give the licence's URL, starting with https://."
    ]


def test_the_form_refuses_a_licence_it_does_not_offer(client, participant):
    response = post_new(client, license="GPL-3.0")

    assert response.context["form"].errors["license"] == [
        "Select a valid choice. GPL-3.0 is not one of the available choices."
    ]


def test_the_form_saves_other_with_its_address_and_the_page_links_it(client, participant):
    response = post_new(
        client, license="other", license_url="https://tides.example/terms", license_name="Tide terms"
    )

    assert response.status_code == 302
    page = client.get("/datasets/tides/").content.decode()
    assert (
        '<dd id="licence"><a href="https://tides.example/terms" class="licence" rel="license nofollow ugc noopener">'
        "Tide terms</a></dd>"
    ) in page
