"""Ratings: 1 to 5 stars, one per reader per item, changeable and removable, never on one's own work; the
item's average and count kept on it; lists ranked by the damped average; moderators remove abuse."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.db import IntegrityError, transaction

from community import ratings
from community.models import Rating
from community.services import forget_target
from config.errors import NotAllowed
from datasets.models import Dataset
from datasets.services import NewFile, create_dataset
from moderation.models import AuditLogEntry
from moderation.services import ModerationRefused, remove_rating
from organisations.models import Organisation, OrganisationMembership
from tests.community.conftest import old_account
from tests.factories import UserFactory
from tests.moderation.conftest import messages_of, run_action

pytestmark = pytest.mark.django_db

URL = "/api/v1/ratings/dataset/coastal-weather/"


@pytest.fixture
def published(host):
    """The dataset with a version, as its page needs."""
    return create_dataset(
        owner=host,
        title="Coastal weather",
        slug="coastal-weather",
        files=[NewFile("weather.csv", io.BytesIO(b"day,rain\n1,0.5\n"))],
    )


def put(api_for, user, stars, url=URL, **options):
    return api_for(user).put(url, {"stars": stars}, format=options.pop("format", "json"), **options)


def test_a_reader_rates_changes_and_removes_a_rating_and_the_totals_follow(api_for, dataset, carol, dave):
    first = put(api_for, carol, 4)
    assert first.status_code == 200
    assert first.json() == {
        "kind": "dataset",
        "target": "coastal-weather",
        "rating_count": 1,
        "rating_average": 4.0,
        "your_stars": 4,
    }

    assert put(api_for, carol, 2).json()["rating_average"] == 2.0
    both = put(api_for, dave, 5).json()
    assert (both["rating_count"], both["rating_average"], both["your_stars"]) == (2, 3.5, 5)
    assert Rating.objects.count() == 2

    removed = api_for(carol).delete(URL)
    assert removed.status_code == 200
    assert (removed.json()["rating_count"], removed.json()["rating_average"]) == (1, 5.0)
    assert removed.json()["your_stars"] is None
    dataset.refresh_from_db()
    assert (dataset.rating_count, dataset.rating_sum) == (1, 5)


def test_removing_a_rating_one_never_gave_changes_nothing(api_for, dataset, carol):
    answer = api_for(carol).delete(URL)
    assert answer.status_code == 200
    assert answer.json()["rating_count"] == 0


def test_anyone_who_may_see_the_dataset_reads_its_rating(api_for, dataset, carol):
    put(api_for, carol, 3)
    answer = api_for(None).get(URL)
    assert answer.status_code == 200
    assert (answer.json()["rating_count"], answer.json()["your_stars"]) == (1, None)
    assert api_for(carol).get(URL).json()["your_stars"] == 3


def test_the_dataset_api_gives_the_average_and_count(api_for, dataset, carol, dave):
    put(api_for, carol, 4)
    put(api_for, dave, 1)
    detail = api_for(None).get("/api/v1/datasets/coastal-weather/").json()
    assert (detail["rating_count"], detail["rating_average"]) == (2, 2.5)
    listed = api_for(None).get("/api/v1/datasets/").json()["results"]
    assert [(row["slug"], row["rating_count"], row["rating_average"]) for row in listed] == [
        ("coastal-weather", 2, 2.5)
    ]


@pytest.mark.parametrize("stars", [0, 6, -1, 100])
def test_stars_outside_one_to_five_are_refused(api_for, dataset, carol, stars):
    answer = put(api_for, carol, stars)
    assert answer.status_code == 400
    assert answer.json()["code"] == "rating_out_of_range"
    assert answer.json()["message"] == f"stars: a rating is from 1 to 5 stars; {stars} is outside that."
    assert answer.json()["details"] == {"field": "stars"}
    assert Rating.objects.count() == 0


@pytest.mark.parametrize("stars", [4.5, 4.0, "4", "four", True, [4]])
def test_stars_that_are_not_a_whole_number_are_refused(api_for, dataset, carol, stars):
    answer = put(api_for, carol, stars)
    assert answer.status_code == 400
    assert answer.json()["code"] == "rating_not_integer"
    assert answer.json()["message"].startswith("stars: give a whole number of stars from 1 to 5, not ")
    assert Rating.objects.count() == 0


def test_a_form_body_carries_the_stars_as_text(api_for, dataset, carol):
    answer = put(api_for, carol, "5", format="multipart")
    assert answer.status_code == 200
    assert answer.json()["your_stars"] == 5


def test_a_rating_without_stars_names_the_field(api_for, dataset, carol):
    answer = api_for(carol).put(URL, {}, format="json")
    assert answer.status_code == 400
    assert answer.json()["details"] == {"fields": {"stars": ["This field is required."]}}


def test_the_owner_cannot_rate_their_own_dataset(api_for, dataset, host):
    answer = put(api_for, host, 5)
    assert answer.status_code == 403
    assert answer.json()["code"] == "own_work"
    assert answer.json()["message"] == (
        "You cannot rate your own work: this dataset is yours (or your organisation's)."
    )
    assert Rating.objects.count() == 0


def test_members_of_the_publishing_organisation_cannot_rate_its_dataset(api_for, dataset, carol, dave):
    lab = Organisation.objects.create(name="Lab", slug="lab")
    OrganisationMembership.objects.create(organisation=lab, user=carol)
    Dataset.objects.filter(pk=dataset.pk).update(organisation=lab)

    assert put(api_for, carol, 5).json()["code"] == "own_work"
    assert put(api_for, dave, 5).status_code == 200


def test_new_accounts_are_braked_as_in_comments(api_for, host, settings):
    settings.PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR = 2
    newcomer = UserFactory(username="newcomer")
    for n in range(3):
        Dataset.objects.create(owner=host, title=f"Data {n}", slug=f"data-{n}")
    for n in range(2):
        assert put(api_for, newcomer, 4, url=f"/api/v1/ratings/dataset/data-{n}/").status_code == 200

    answer = put(api_for, newcomer, 4, url="/api/v1/ratings/dataset/data-2/")

    assert answer.status_code == 429
    assert answer.json()["code"] == "rating_rate_limited"
    assert answer.json()["message"].startswith("Accounts younger than 3 days may give 2 ratings an hour")
    assert 3500 <= int(answer["Retry-After"]) <= 3601
    assert Rating.objects.count() == 2


def test_a_new_account_with_no_allowance_is_told_when_it_may_rate(api_for, dataset, settings):
    settings.PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR = 0
    answer = put(api_for, UserFactory(username="newcomer"), 4)
    assert answer.status_code == 429
    assert answer.json()["message"].startswith("Accounts younger than 3 days cannot rate yet; you can from ")


def test_rating_needs_a_login(api_for, dataset):
    answer = put(api_for, None, 4)
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


def test_an_unknown_item_or_kind_is_a_404(api_for, dataset, carol, host):
    missing = put(api_for, carol, 4, url="/api/v1/ratings/dataset/no-such-data/")
    assert missing.status_code == 404
    assert missing.json()["message"] == "No dataset 'no-such-data' exists, or you may not see it."

    unknown_kind = put(api_for, carol, 4, url="/api/v1/ratings/competition/animals/")
    assert unknown_kind.status_code == 404
    assert unknown_kind.json()["code"] == "not_ratable"
    assert (
        unknown_kind.json()["message"]
        == "Ratings are for dataset, implementation, project; 'competition' is none of these."
    )

    Dataset.objects.create(owner=host, title="Secret", slug="secret", visibility=Dataset.Visibility.PRIVATE)
    private = put(api_for, carol, 4, url="/api/v1/ratings/dataset/secret/")
    assert private.status_code == 404
    assert private.json()["message"] == "No dataset 'secret' exists, or you may not see it."


def test_the_database_keeps_one_rating_per_reader_and_stars_from_one_to_five(dataset, carol):
    ratings.rate(user=carol, target=dataset, stars=3)
    fields = {"user": carol, "content_type": Rating.objects.get().content_type, "object_id": dataset.pk}
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(stars=4, **fields)
    Rating.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(stars=6, **fields)


def rated_by_many(dataset: Dataset, stars: list[int]) -> None:
    """Many readers' ratings at once (the service is tested above; this is about ranking them)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    base = User.objects.count()
    users = User.objects.bulk_create(User(username=f"reader{base + n}") for n in range(len(stars)))
    content_type = Rating(target=dataset).content_type
    Rating.objects.bulk_create(
        Rating(user=user, content_type=content_type, object_id=dataset.pk, stars=given)
        for user, given in zip(users, stars, strict=True)
    )
    with transaction.atomic():
        ratings.hold_totals(dataset)
        ratings.refresh_totals(dataset)


def test_one_five_star_rating_does_not_top_a_hundred_four_star_ones(api_for, host, dataset):
    """The damped average (C*m + sum) / (C + n), C = 5, on a site whose ratings average 3.51 stars: the
    hundred four-star ratings rank 3.98, the one five-star rating 3.76, an unrated dataset sits at the mean
    and a hundred three-star ratings rank 3.02."""
    single = Dataset.objects.create(owner=host, title="One fan", slug="one-fan")
    hundred = Dataset.objects.create(owner=host, title="Many fans", slug="many-fans")
    plain = Dataset.objects.create(owner=host, title="Plain", slug="plain")
    rated_by_many(single, [5])
    rated_by_many(hundred, [4] * 100)
    rated_by_many(plain, [3] * 100)

    listed = api_for(None).get("/api/v1/datasets/?ordering=rating").json()["results"]

    assert [(row["slug"], row["rating_average"]) for row in listed] == [
        ("many-fans", 4.0),
        ("one-fan", 5.0),
        ("coastal-weather", None),
        ("plain", 3.0),
    ]


def test_the_prior_weight_is_a_setting(api_for, host, settings):
    """With no prior weight the plain average ranks, and the single five-star rating comes first."""
    settings.PODIUM_RATING_PRIOR_WEIGHT = 0
    single = Dataset.objects.create(owner=host, title="One fan", slug="one-fan")
    hundred = Dataset.objects.create(owner=host, title="Many fans", slug="many-fans")
    rated_by_many(single, [5])
    rated_by_many(hundred, [4] * 100)

    listed = api_for(None).get("/api/v1/datasets/?ordering=rating").json()["results"]

    assert [row["slug"] for row in listed] == ["one-fan", "many-fans"]


def test_the_dataset_list_page_sorts_by_rating_and_shows_it(client, host, dataset):
    best = Dataset.objects.create(owner=host, title="Best", slug="best")
    rated_by_many(best, [5, 5, 4])
    rated_by_many(dataset, [1, 2])

    page = client.get("/datasets/?ordering=rating").content.decode()

    assert '<option value="rating" selected>Best rated</option>' in page
    assert page.index(">Best</a>") < page.index(">Coastal weather</a>")
    assert "★ 4.7 (3)" in page
    assert "★ 1.5 (2)" in page


def test_the_dataset_page_offers_five_star_buttons_that_work_without_script(client, published, carol):
    client.force_login(carol)
    page = client.get("/datasets/coastal-weather/").content.decode()
    assert page.count('name="stars"') == 5
    assert "No ratings yet" in page
    assert 'href="/ratings/"' in page

    rated = client.post(
        "/community/ratings/dataset/coastal-weather/",
        {"stars": "4", "next": "/datasets/coastal-weather/"},
        follow=True,
    )
    assert rated.redirect_chain[-1][0] == "/datasets/coastal-weather/#rating"
    assert "You rated this 4 stars." in messages_of(rated)
    assert "Your rating: 4 stars. Change it:" in rated.content.decode()
    assert "out of 5 from" in rated.content.decode()

    removed = client.post("/community/ratings/dataset/coastal-weather/", {"action": "remove"}, follow=True)
    assert "Your rating is removed." in messages_of(removed)
    assert Rating.objects.count() == 0


def test_a_refused_rating_on_the_page_says_why(client, dataset, carol):
    client.force_login(carol)
    answer = client.post("/community/ratings/dataset/coastal-weather/", {"stars": "9"}, follow=True)
    assert "stars: a rating is from 1 to 5 stars; 9 is outside that." in messages_of(answer)
    assert Rating.objects.count() == 0


def test_the_owner_sees_the_rating_but_no_buttons(client, published, host):
    client.force_login(host)
    page = client.get("/datasets/coastal-weather/").content.decode()
    assert 'name="stars"' not in page
    assert "you cannot rate your own work" in page


def test_a_visitor_is_asked_to_log_in_to_rate(client, published):
    page = client.get("/datasets/coastal-weather/").content.decode()
    assert 'name="stars"' not in page
    assert "to rate this dataset" in page


def test_the_help_page_gives_the_formula_and_todays_numbers(client, dataset, carol, settings):
    settings.PODIUM_RATING_PRIOR_WEIGHT = 7
    ratings.rate(user=carol, target=dataset, stars=4)
    page = client.get("/ratings/").content.decode()
    assert "damped = (C × m + sum of stars) ÷ (C + number of ratings)" in page
    assert '<strong id="prior-weight">7</strong>' in page
    assert "datasets <strong>4.00</strong>" in page
    assert "a <strong>vote</strong> (▲) says “this is useful”" in page


def test_a_moderator_removes_an_abusive_rating_from_the_admin_and_the_log_says_so(
    admin_client, moderator, dataset, carol, dave
):
    ratings.rate(user=carol, target=dataset, stars=1)
    ratings.rate(user=dave, target=dataset, stars=5)
    abusive = Rating.objects.get(user=carol)

    done = run_action(
        admin_client, "/admin/community/rating/", "remove_ratings", [abusive], reason="Ring of accounts"
    )

    assert "Removed 1 rating; the averages are counted again." in messages_of(done)
    dataset.refresh_from_db()
    assert (dataset.rating_count, dataset.rating_sum) == (1, 5)
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.action, entry.target, entry.reason) == (
        moderator,
        AuditLogEntry.Action.RATING_REMOVED,
        dataset,
        "Ring of accounts",
    )
    assert entry.target_repr == "Rating of 1 by carol on dataset coastal-weather"
    assert entry.details == {"user": "carol", "stars": 1}


def test_removing_a_rating_needs_a_moderator_and_a_reason(dataset, carol, dave, moderator):
    rating = ratings.rate(user=carol, target=dataset, stars=1)
    with pytest.raises(NotAllowed, match=r"^Only staff can moderate\.$"):
        remove_rating(moderator=dave, rating=rating, reason="I disagree")
    with pytest.raises(ModerationRefused, match="Give a reason"):
        remove_rating(moderator=moderator, rating=rating, reason=" ")
    assert Rating.objects.count() == 1
    assert AuditLogEntry.objects.count() == 0


def test_the_admin_lists_ratings_with_their_item(admin_client, dataset, carol):
    ratings.rate(user=carol, target=dataset, stars=2)
    page = admin_client.get("/admin/community/rating/").content.decode()
    assert '<a href="/datasets/coastal-weather/">Coastal weather</a>' in page


def test_deleting_a_dataset_forgets_its_ratings(dataset, carol):
    ratings.rate(user=carol, target=dataset, stars=2)
    forget_target(target=dataset)
    assert Rating.objects.count() == 0


def test_a_kind_whose_model_lacks_the_totals_fails_the_system_check():
    from community.models import WriteUp

    ratings.ratable(
        name="writeup",
        model=WriteUp,
        find=lambda user, key: WriteUp.objects.get(pk=key),
        key=lambda writeup: str(writeup.pk),
        page_url=lambda writeup: "/",
        authors=lambda writeup: [],
    )
    try:
        found = [message.id for message in checks.run_checks() if message.id == "community.E001"]
    finally:
        del ratings.RATABLE["writeup"]
    assert found == ["community.E001", "community.E001"]
    assert "community.E001" not in {message.id for message in checks.run_checks()}


def test_the_summary_of_an_unrated_item_for_a_visitor(dataset):
    assert ratings.summary(AnonymousUser(), dataset) == ratings.RatingSummary(
        count=0, average=None, yours=None
    )


def test_an_old_account_is_not_braked(api_for, host, settings):
    settings.PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR = 1
    veteran = old_account("veteran")
    for n in range(3):
        Dataset.objects.create(owner=host, title=f"Data {n}", slug=f"data-{n}")
        assert put(api_for, veteran, 3, url=f"/api/v1/ratings/dataset/data-{n}/").status_code == 200
