"""Prizes: how amounts read, every rule a host's prizes follow (each refusal names the field and the rule, on
the API and the Host tab), the list sorted by total prize, and teams marked not eligible."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competitions.models import Competition, Prize
from competitions.money import amount_text, totals_by_currency, totals_text
from competitions.prizes import PrizeDraft, PrizeRefused, set_prize_eligibility, set_prizes
from competitions.services import update_competition
from config.errors import NotAllowed
from tests.factories import end_now, joined, make_competition

PRIZES = "/api/v1/competitions/animals/prizes/"


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("25000", "USD", "25,000 USD"),
        ("25000.00", "USD", "25,000 USD"),
        ("1500.5", "EUR", "1,500.50 EUR"),
        ("1000000", "JPY", "1,000,000 JPY"),
        ("0.125", "BHD", "0.125 BHD"),
        ("999", "GBP", "999 GBP"),
    ],
)
def test_an_amount_reads_as_grouped_digits_and_its_currency_code(amount, currency, text):
    assert amount_text(Decimal(amount), currency) == text


def test_totals_are_summed_per_currency_largest_first_and_never_converted():
    totals = totals_by_currency(
        [(Decimal("100"), "EUR"), (Decimal("25000"), "USD"), (None, ""), (Decimal("0.10"), "EUR")]
    )
    assert totals == [("USD", Decimal("25000")), ("EUR", Decimal("100.10"))]
    assert totals_text(totals) == "25,000 USD + 100.10 EUR"


def test_the_host_sets_money_and_non_monetary_prizes_and_a_lower_case_code_is_read_in_capitals(
    competition, host
):
    saved = set_prizes(
        competition=competition,
        user=host,
        prizes=[
            PrizeDraft(place=2, amount=Decimal("10000"), currency="usd", description=" and a trip "),
            PrizeDraft(place=1, amount=Decimal("25000.50"), currency="USD"),
            PrizeDraft(place=3, description="A GPU"),
        ],
    )

    assert [(p.place, p.amount, p.currency, p.description, p.text) for p in saved] == [
        (1, Decimal("25000.500"), "USD", "", "25,000.50 USD"),
        (2, Decimal("10000.000"), "USD", "and a trip", "10,000 USD (and a trip)"),
        (3, None, "", "A GPU", "A GPU"),
    ]
    assert competition.prize_total_text == "35,000.50 USD"
    set_prizes(competition=competition, user=host, prizes=[])
    assert not Prize.objects.exists()


REFUSALS = [
    (
        [PrizeDraft(place=1, amount=Decimal("-5"), currency="USD")],
        "prizes[0].amount",
        "The prize for place 1: the amount must be more than zero (it is -5); for a non-monetary prize leave "
        "the amount and the currency empty and describe it.",
    ),
    (
        [PrizeDraft(place=1, amount=Decimal("0"), currency="USD")],
        "prizes[0].amount",
        "The prize for place 1: the amount must be more than zero (it is 0); for a non-monetary prize leave "
        "the amount and the currency empty and describe it.",
    ),
    (
        [PrizeDraft(place=1, amount=Decimal("100"), currency="XYZ")],
        "prizes[0].currency",
        "The prize for place 1: 'XYZ' is not an ISO 4217 currency code in use; give one such as USD, EUR or GBP.",
    ),
    (
        [PrizeDraft(place=1, amount=Decimal("100"), currency="DEM")],
        "prizes[0].currency",
        "The prize for place 1: 'DEM' is not an ISO 4217 currency code in use; give one such as USD, EUR or GBP.",
    ),
    (
        [PrizeDraft(place=1, amount=Decimal("100"))],
        "prizes[0].currency",
        "The prize for place 1: give the currency of the amount, an ISO 4217 code such as USD or EUR.",
    ),
    (
        [PrizeDraft(place=1, currency="USD")],
        "prizes[0].amount",
        "The prize for place 1 has a currency (USD) but no amount; give both.",
    ),
    (
        [PrizeDraft(place=1)],
        "prizes[0].description",
        "The prize for place 1 needs an amount and a currency, or a description of what it is (a non-monetary "
        "prize).",
    ),
    (
        [PrizeDraft(place=1, amount=Decimal("1000.5"), currency="JPY")],
        "prizes[0].amount",
        "The prize for place 1: amounts in JPY have no decimals (1000.5 has more).",
    ),
    (
        [PrizeDraft(place=1, amount=Decimal("10.001"), currency="USD")],
        "prizes[0].amount",
        "The prize for place 1: amounts in USD have at most 2 decimals (10.001 has more).",
    ),
    (
        [PrizeDraft(place=1, amount=Decimal("1e12"), currency="USD")],
        "prizes[0].amount",
        "The prize for place 1: the amount is at most 999,999,999,999.",
    ),
    (
        [PrizeDraft(place=1, description="A"), PrizeDraft(place=1, description="B")],
        "prizes[1].place",
        "Place 1 has two prizes; give each place one prize (or describe both in one).",
    ),
    (
        [PrizeDraft(place=1, description="A"), PrizeDraft(place=3, description="C")],
        "prizes[1].place",
        "Prizes go to places 1 to 2 with no gap: place 2 has no prize but place 3 has one.",
    ),
    (
        [PrizeDraft(place=0, description="A")],
        "prizes[0].place",
        "Prize places run from 1 to 100; 0 is not one.",
    ),
    (
        [PrizeDraft(place=101, description="A")],
        "prizes[0].place",
        "Prize places run from 1 to 100; 101 is not one.",
    ),
    (
        [PrizeDraft(place=n, description="A") for n in range(1, 102)],
        "prizes",
        "A competition has at most 100 prizes; 101 were given.",
    ),
    (
        [PrizeDraft(place=1, description="x" * 201)],
        "prizes[0].description",
        "The prize for place 1: the description has at most 200 characters.",
    ),
]


@pytest.mark.parametrize(("prizes", "field", "message"), REFUSALS)
def test_each_bad_prize_is_refused_naming_the_field_and_the_rule(competition, host, prizes, field, message):
    with pytest.raises(PrizeRefused) as refused:
        set_prizes(competition=competition, user=host, prizes=prizes)

    assert refused.value.details["field"] == field
    assert refused.value.message == message
    assert not Prize.objects.exists()


def test_only_the_host_sets_prizes_and_not_after_the_end(competition, host, participant):
    with pytest.raises(NotAllowed):
        set_prizes(competition=competition, user=participant, prizes=[PrizeDraft(place=1, description="A")])
    end_now(competition)
    with pytest.raises(PrizeRefused) as refused:
        set_prizes(competition=competition, user=host, prizes=[PrizeDraft(place=1, description="A")])
    assert refused.value.message == "The competition has ended; its prizes can no longer change."


def test_the_api_replaces_the_prizes_and_the_detail_lists_them(api_for, competition, host):
    body = {
        "prizes": [
            {"place": 1, "amount": "25000", "currency": "USD"},
            {"place": 2, "amount": 1500.5, "currency": "eur", "description": "and a trip"},
            {"place": 3, "description": "A GPU"},
        ]
    }
    answer = api_for(host).put(PRIZES, body, format="json")

    assert answer.status_code == 200
    assert [(p["place"], p["amount"], p["currency"], p["text"]) for p in answer.json()["prizes"]] == [
        (1, "25000.00", "USD", "25,000 USD"),
        (2, "1500.50", "EUR", "1,500.50 EUR (and a trip)"),
        (3, None, "", "A GPU"),
    ]
    assert answer.json()["totals"] == [
        {"currency": "USD", "amount": "25000.00", "text": "25,000 USD"},
        {"currency": "EUR", "amount": "1500.50", "text": "1,500.50 EUR"},
    ]
    detail = api_for().get("/api/v1/competitions/animals/").json()
    assert [p["text"] for p in detail["prizes"]] == ["25,000 USD", "1,500.50 EUR (and a trip)", "A GPU"]


@pytest.mark.parametrize(
    ("prizes", "field", "message"),
    [
        (
            [{"place": 1, "amount": "100", "currency": "ABC"}],
            "prizes[0].currency",
            "The prize for place 1: 'ABC' is not an ISO 4217 currency code in use; give one such as USD, EUR or GBP.",
        ),
        (
            [{"place": 1, "amount": "-1", "currency": "USD"}],
            "prizes[0].amount",
            "The prize for place 1: the amount must be more than zero (it is -1); for a non-monetary prize "
            "leave the amount and the currency empty and describe it.",
        ),
        (
            [{"place": 1, "description": "A"}, {"place": 1, "description": "B"}],
            "prizes[1].place",
            "Place 1 has two prizes; give each place one prize (or describe both in one).",
        ),
    ],
)
def test_the_api_refuses_a_bad_prize_with_its_field_and_rule(
    api_for, competition, host, prizes, field, message
):
    answer = api_for(host).put(PRIZES, {"prizes": prizes}, format="json")

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_prize"
    assert answer.json()["message"] == message
    assert answer.json()["details"]["field"] == field


def test_the_api_refuses_malformed_prizes_before_the_rules(api_for, competition, host):
    client = api_for(host)
    too_many = client.put(PRIZES, {"prizes": [{"place": 1, "description": "A"}] * 101}, format="json")
    not_a_number = client.put(
        PRIZES, {"prizes": [{"place": 1, "amount": "lots", "currency": "USD"}]}, format="json"
    )
    number_as_text = client.put(PRIZES, {"prizes": [{"place": 1, "description": 5}]}, format="json")
    place_zero = client.put(PRIZES, {"prizes": [{"place": 0, "description": "A"}]}, format="json")

    assert too_many.status_code == 400
    assert "A competition has at most 100 prizes." in str(too_many.json()["details"])
    assert not_a_number.status_code == 400
    assert "A valid number is required." in str(not_a_number.json()["details"])
    assert number_as_text.status_code == 400
    assert "Must be text, not a number or true/false." in str(number_as_text.json()["details"])
    assert "Prize places start at 1 (the winner)." in str(place_zero.json()["details"])


def test_only_the_host_may_put_prizes(api_for, competition, participant):
    answer = api_for(participant).put(PRIZES, {"prizes": []}, format="json")
    assert answer.status_code == 403
    assert answer.json()["message"] == "Only the competition's host or a co-host can change its prizes."


def test_putting_prizes_without_signing_in_asks_to_sign_in(api_for, competition):
    answer = api_for().put(PRIZES, {"prizes": []}, format="json")

    assert answer.status_code == 401


def prize_row_post(**rows) -> dict:
    data = {}
    for row in range(5):
        values = rows.get(f"row{row}", {})
        data[f"place_{row}"] = values.get("place", row + 1)
        for name in ("amount", "currency", "description"):
            data[f"{name}_{row}"] = values.get(name, "")
    return data


def test_the_host_tab_saves_prizes_and_the_overview_shows_them(client, competition, host):
    client.force_login(host)
    answer = client.post(
        "/competitions/animals/host/prizes/",
        prize_row_post(
            row0={"amount": "25,000", "currency": "usd"},
            row1={"amount": "10000", "currency": "USD", "description": "and a conference trip"},
            row2={"description": "Swag"},
        ),
    )

    assert answer.status_code == 302
    assert answer["Location"] == "/competitions/animals/host/#prizes"
    overview = client.get("/competitions/animals/").content.decode()
    assert "35,000 USD in total" in overview
    assert (
        '<span class="prize-place">1st place</span> <span class="prize-amount">25,000 USD</span>' in overview
    )
    assert '<span class="prize-description">and a conference trip</span>' in overview
    assert (
        '<span class="prize-place">3rd place</span> <span class="prize-amount">Swag</span></li>' in overview
    )
    host_tab = client.get("/competitions/animals/host/").content.decode()
    assert 'name="amount_0" value="25000"' in host_tab


def test_the_host_tab_shows_a_refusal_on_the_row_and_field_it_names(client, competition, host):
    client.force_login(host)
    answer = client.post(
        "/competitions/animals/host/prizes/",
        prize_row_post(row0={"amount": "100", "currency": "USD"}, row2={"amount": "50", "currency": "QQQ"}),
    )

    page = answer.content.decode()
    assert answer.status_code == 200
    assert (
        '<a href="#id_currency_2">Currency of prize row 3</a>: The prize for place 3: &#x27;QQQ&#x27; is not an '
        "ISO 4217 currency code in use" in page
    )
    assert not Prize.objects.exists()


def test_the_host_tab_refuses_an_amount_that_is_not_a_number(client, competition, host):
    client.force_login(host)
    page = client.post(
        "/competitions/animals/host/prizes/", prize_row_post(row0={"amount": "a lot", "currency": "USD"})
    ).content.decode()
    assert "&#x27;a lot&#x27; is not an amount; write a number such as 25000 or 1500.50." in page


def test_a_participant_cannot_post_prizes(client, competition, participant):
    client.force_login(participant)
    answer = client.post("/competitions/animals/host/prizes/", prize_row_post(row0={"description": "A"}))
    assert answer.status_code == 403


# --- Eligibility ------------------------------------------------------------------------------------------


def test_the_host_marks_a_team_not_eligible_on_the_host_tab_and_the_team_sees_why(
    client, competition, host, participant
):
    team = joined(competition, participant)
    client.force_login(host)
    answer = client.post(
        "/competitions/animals/host/prize-eligibility/",
        {"team": team.name, "reason": "Works for the sponsor."},
    )
    assert answer.status_code == 302
    host_tab = client.get("/competitions/animals/host/").content.decode()
    assert f"<strong>{team.name}</strong>: Works for the sponsor." in host_tab

    client.force_login(participant)
    team_tab = client.get("/competitions/animals/team/").content.decode()
    assert (
        "Your team is not eligible for prizes: Works for the sponsor. It still ranks on the leaderboards as usual"
        in team_tab
    )
    assert api_team(participant)["is_prize_eligible"] is False

    client.force_login(host)
    client.post("/competitions/animals/host/prize-eligibility/", {"team": team.name, "eligible": "1"})
    team.refresh_from_db()
    assert team.is_prize_eligible


def api_team(user) -> dict:
    from tests.conftest import api_client_for

    return api_client_for(user).get("/api/v1/competitions/animals/team/").json()


def test_marking_needs_a_known_team_and_a_reason(client, competition, host, participant):
    team = joined(competition, participant)
    client.force_login(host)
    unknown = client.post("/competitions/animals/host/prize-eligibility/", {"team": "nobody", "reason": "x"})
    no_reason = client.post(
        "/competitions/animals/host/prize-eligibility/", {"team": team.name, "reason": ""}
    )

    assert (
        "No team is named &#x27;nobody&#x27; in this competition; check the leaderboard."
        in unknown.content.decode()
    )
    assert "Reason (the team sees it)</a>: This field is required." in no_reason.content.decode()
    with pytest.raises(PrizeRefused) as refused:
        set_prize_eligibility(team=team, user=host, eligible=False, reason="  ")
    assert (
        refused.value.message
        == f"Give the reason team '{team.name}' is not eligible for prizes; the team sees it."
    )


def test_the_api_marks_a_team_not_eligible_and_eligible_again(api_for, competition, host, participant):
    team = joined(competition, participant)
    url = f"/api/v1/competitions/animals/teams/{team.pk}/prize-eligibility/"

    marked = api_for(host).post(url, {"eligible": False, "reason": "Two accounts."}, format="json")
    refused = api_for(participant).post(url, {"eligible": True}, format="json")
    no_reason = api_for(host).post(url, {"eligible": False}, format="json")
    missing = api_for(host).post(
        "/api/v1/competitions/animals/teams/999999/prize-eligibility/", {"eligible": True}, format="json"
    )
    restored = api_for(host).post(url, {"eligible": True}, format="json")

    assert marked.status_code == 200
    assert marked.json()["eligible"] is False
    assert marked.json()["reason"] == "Two accounts."
    assert refused.status_code == 403
    assert no_reason.status_code == 400
    assert no_reason.json()["details"]["field"] == "reason"
    assert missing.status_code == 404
    assert restored.json() == {"team": team.name, "eligible": True, "reason": "", "not_eligible_since": None}


# --- The list ---------------------------------------------------------------------------------------------


@pytest.fixture
def prized(host):
    """Four running competitions: 25,000 USD; 1,000 USD + 90,000 EUR; 500,000 JPY; no prize."""
    made = {}
    for slug, prizes in (
        ("big", [("25000", "USD")]),
        ("mixed", [("90000", "EUR"), ("1000", "USD")]),
        ("yen", [("500000", "JPY")]),
        ("none", []),
    ):
        made[slug] = make_competition(host=host, title=slug.title(), slug=slug, lasts=timedelta(days=5))
        set_prizes(
            competition=made[slug],
            user=host,
            prizes=[
                PrizeDraft(place=n, amount=Decimal(a), currency=c) for n, (a, c) in enumerate(prizes, start=1)
            ],
        )
    return made


def slugs(api_for, query: str) -> list[str]:
    return [c["slug"] for c in api_for().get(f"/api/v1/competitions/?{query}").json()["results"]]


def test_the_list_sorts_by_the_total_prize_in_the_chosen_currency_then_the_rest(api_for, prized):
    by_usd = slugs(api_for, "ordering=prize")
    by_eur = slugs(api_for, "ordering=prize&currency=eur")

    assert by_usd[:2] == ["big", "mixed"]
    assert by_eur[:1] == ["mixed"]
    assert slugs(api_for, "ordering=prize&currency=JPY")[:1] == ["yen"]
    rest = [slug for slug in slugs(api_for, "ordering=default") if slug not in ("big", "mixed")]
    assert by_usd[2:] == rest


def test_the_list_answers_each_competitions_totals_and_refuses_an_unknown_currency(api_for, prized):
    results = {c["slug"]: c for c in api_for().get("/api/v1/competitions/").json()["results"]}
    refused = api_for().get("/api/v1/competitions/?ordering=prize&currency=ZZZ")

    assert [t["text"] for t in results["mixed"]["prize_totals"]] == ["90,000 EUR", "1,000 USD"]
    assert results["none"]["prize_totals"] == []
    assert refused.status_code == 400
    assert "'ZZZ' is not an ISO 4217 currency code in use" in str(refused.json()["details"])


def test_cards_show_the_total_prize_and_the_page_sorts_by_it(client, prized):
    page = client.get("/competitions/?ordering=prize&currency=EUR").content.decode()

    assert '<span class="nowrap prize-total">90,000 EUR + 1,000 USD in prizes</span>' in page
    assert '<span class="nowrap prize-total">500,000 JPY in prizes</span>' in page
    assert page.index("Mixed") < page.index("Big")
    assert '<option value="EUR" selected>EUR</option>' in page


def test_the_currency_choices_never_tell_of_a_private_competition(client, prized, host):
    update_competition(
        competition=prized["yen"], user=host, changes={"visibility": Competition.Visibility.PRIVATE}
    )

    page = client.get("/competitions/?ordering=prize").content.decode()

    assert '<option value="EUR">EUR</option>' in page
    assert "JPY" not in page


def test_the_list_reads_every_prize_in_one_query_however_many_competitions_have_prizes(api_for, host, prized):
    client = api_for()
    with CaptureQueriesContext(connection) as four:
        client.get("/api/v1/competitions/?ordering=prize")
    for n in range(3):
        more = make_competition(host=host, title=f"More {n}", slug=f"more-{n}")
        set_prizes(
            competition=more, user=host, prizes=[PrizeDraft(place=1, amount=Decimal("10"), currency="USD")]
        )
    with CaptureQueriesContext(connection) as seven:
        answer = client.get("/api/v1/competitions/?ordering=prize")

    assert len(answer.json()["results"]) == 7
    assert len(seven.captured_queries) == len(four.captured_queries)
