from accounts.models import ApiToken, User, hash_token
from tests.factories import PASSWORD


def test_signup_creates_the_account_and_logs_in(client, db):
    response = client.post(
        "/accounts/signup/",
        {"username": "carol", "email": "carol@example.com", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )

    assert User.objects.filter(username="carol").exists()
    assert response.context["user"].username == "carol"


def test_signup_refuses_an_email_already_used(client, participant):
    response = client.post(
        "/accounts/signup/",
        {"username": "carol", "email": "ALICE@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert "An account with this email already exists." in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


def test_a_new_token_is_shown_once_and_stored_hashed(client, participant):
    client.login(username="alice", password=PASSWORD)

    page = client.post("/accounts/profile/", {"name": "laptop"}, follow=True).content.decode()

    token = ApiToken.objects.get(user=participant)
    raw = page.split('<pre class="token" id="new-token">')[1].split("</pre>")[0]
    assert token.key_hash == hash_token(raw)
    assert raw not in client.get("/accounts/profile/").content.decode()


def test_bearer_token_authenticates_and_revoking_it_locks_it_out(client, api_for, participant):
    api = api_for(participant)
    assert api.get("/api/v1/me/").json()["username"] == "alice"
    client.login(username="alice", password=PASSWORD)

    client.post(f"/accounts/profile/tokens/{ApiToken.objects.get().pk}/revoke/")

    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid or revoked API token."


def test_signup_never_redirects_off_site(client, db):
    response = client.post(
        "/accounts/signup/?next=https://evil.example/phish",
        {"username": "dave", "email": "dave@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/competitions/"


def test_signup_returns_to_the_page_it_came_from(client, db):
    response = client.post(
        "/accounts/signup/?next=/competitions/animals/rules/",
        {"username": "erin", "email": "erin@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response["Location"] == "/competitions/animals/rules/"


def test_reloading_the_profile_after_creating_a_token_does_not_create_another(client, participant):
    client.login(username="alice", password=PASSWORD)

    created = client.post("/accounts/profile/", {"name": "laptop"})
    client.get("/accounts/profile/")
    client.get("/accounts/profile/")

    assert created.status_code == 302
    assert ApiToken.objects.filter(user=participant).count() == 1


def test_tokens_are_listed_without_their_values_and_revoked_through_the_api(api_for, participant):
    from accounts.services import create_api_token

    other, _ = create_api_token(user=participant, name="training box")
    client = api_for(participant)

    listed = client.get("/api/v1/me/tokens/").json()
    revoked = client.delete(f"/api/v1/me/tokens/{other.pk}/")
    again = client.delete(f"/api/v1/me/tokens/{other.pk}/")

    assert {token["name"] for token in listed} == {"tests", "training box"}
    assert all("token" not in token and "key_hash" not in token for token in listed)
    assert revoked.status_code == 204
    assert again.status_code == 404
    assert again.json()["message"] == f"You have no token {other.pk}."


def test_a_session_creates_a_token_shown_once_with_its_podium_json(client, participant):
    client.force_login(participant)
    response = client.post("/api/v1/me/tokens/", {"name": "laptop"}, content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("pod_")
    assert body["podium_json"] == {"url": "http://testserver", "username": "alice", "token": body["token"]}
    listed = client.get("/api/v1/me/tokens/").json()
    assert [token["name"] for token in listed] == ["laptop"]
    assert "token" not in listed[0]


def test_a_token_cannot_mint_more_tokens(api_for, participant):
    response = api_for(participant).post("/api/v1/me/tokens/", {"name": "sneaky"}, format="json")
    assert response.status_code == 403
    assert "not with a token" in response.json()["message"]


def test_a_token_needs_a_name(client, participant):
    client.force_login(participant)
    response = client.post("/api/v1/me/tokens/", {}, content_type="application/json")
    assert response.status_code == 400
    assert "name" in response.json()["details"]["fields"]


def test_production_hashes_passwords_with_pbkdf2_while_tests_use_a_fast_hasher(settings):
    """The test settings swap the hasher for speed only; the site itself keeps Django's strong default."""
    from django.conf import global_settings

    import config.settings as production

    production_hashers = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)

    assert production_hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_me_gives_null_for_an_account_without_email_as_its_schema_says(api_for, db):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nomail", email="")

    assert api_for(nobody).get("/api/v1/me/").json() == {
        "username": "nomail",
        "email": None,
        "is_staff": False,
        "email_confirmed": False,
    }
