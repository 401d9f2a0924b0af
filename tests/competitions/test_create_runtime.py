"""Creating a competition in a sandbox runtime: the wizard offers the choice only when the operator offers
more than `default`, and the API takes `sandbox_runtime` too."""

import pytest

from competitions.models import Competition
from tests.competitions.test_api import create_payload
from tests.competitions.test_create_steps import create_fields, names_in, step_html

pytestmark = pytest.mark.django_db


def test_the_wizard_asks_nothing_when_default_is_the_only_runtime(client, host, settings):
    settings.PODIUM_SANDBOX_RUNTIMES = []
    client.force_login(host)

    html = client.get("/competitions/new/").content.decode()

    assert "sandbox_runtime" not in names_in(step_html(html, "evaluation"))
    assert client.post("/competitions/new/", create_fields()).status_code == 302
    assert Competition.objects.get().sandbox_runtime == "default"


def test_the_wizard_offers_the_operators_runtimes_in_the_evaluation_step(client, host, settings):
    settings.PODIUM_SANDBOX_RUNTIMES = ["torch-cpu"]
    client.force_login(host)

    evaluation = step_html(client.get("/competitions/new/").content.decode(), "evaluation")

    assert "sandbox_runtime" in names_in(evaluation)
    assert '<option value="default">default</option>' in evaluation
    assert '<option value="torch-cpu">torch-cpu</option>' in evaluation
    created = client.post("/competitions/new/", create_fields(sandbox_runtime="torch-cpu"))
    assert created.status_code == 302
    assert Competition.objects.get().sandbox_runtime == "torch-cpu"


def test_the_wizard_refuses_a_runtime_not_offered_on_its_field(client, host, settings):
    settings.PODIUM_SANDBOX_RUNTIMES = ["torch-cpu"]
    client.force_login(host)

    refused = client.post("/competitions/new/", create_fields(sandbox_runtime="gpu"))

    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["sandbox_runtime"]
    assert not Competition.objects.exists()


def test_the_api_creates_a_competition_in_an_offered_runtime(api_for, host, settings):
    settings.PODIUM_SANDBOX_RUNTIMES = ["torch-cpu"]

    answer = api_for(host).post(
        "/api/v1/competitions/", create_payload(sandbox_runtime="torch-cpu"), format="multipart"
    )

    assert answer.status_code == 201, answer.content
    assert Competition.objects.get().sandbox_runtime == "torch-cpu"


def test_the_api_refuses_a_runtime_the_server_does_not_offer(api_for, host, settings):
    settings.PODIUM_SANDBOX_RUNTIMES = ["torch-cpu"]

    answer = api_for(host).post(
        "/api/v1/competitions/", create_payload(sandbox_runtime="gpu"), format="multipart"
    )

    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["details"]["field"]) == ("unknown_runtime", "sandbox_runtime")
    assert body["message"] == "'gpu' is not a runtime this server offers; choose one of: default, torch-cpu."
    assert not Competition.objects.exists()
