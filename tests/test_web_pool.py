"""Every answer names the pool of web processes that made it (PODIUM_WEB_POOL), so an operator (and
tests/integration/test_nginx.py) can see that nginx sent the boards' reads to the read pool."""

import pytest


@pytest.mark.django_db
def test_answers_name_the_main_pool_by_default(client):
    assert client.get("/").headers["X-Podium-Pool"] == "web"


@pytest.mark.django_db
def test_a_read_pool_names_itself_even_on_an_error_page(client, settings):
    settings.PODIUM_WEB_POOL = "read"

    assert client.get("/competitions/no-such-competition/leaderboard/").status_code == 404
    assert client.get("/competitions/no-such-competition/leaderboard/").headers["X-Podium-Pool"] == "read"
    assert (
        client.get("/api/v1/competitions/no-such-competition/leaderboard/").headers["X-Podium-Pool"] == "read"
    )
