"""A competition's prizes and which teams may win them: the rules a host's prizes follow, and the writes.

Prizes go to final places 1 to N (N at most MAX_PRIZES), one per place, with no gap: the board's size is
known only at the end, so a prize for a place no eligible team reaches is shown as not awarded rather than
refused. Each prize is an amount of money in an ISO 4217 currency (with an optional description), or a
description alone (a non-monetary prize). Amounts are Decimals, never floats.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from competitions import locks
from competitions.errors import CompetitionError
from competitions.models import Competition, Prize, Team
from competitions.money import currencies_in_use, decimals_of
from competitions.queries import require_manager
from config.plain_text import refuse_control_characters

MAX_PRIZES = 100
MAX_AMOUNT = Decimal("999999999999")
DESCRIPTION_LENGTH = 200
REASON_LENGTH = 500


class PrizeRefused(CompetitionError):
    code = "invalid_prize"


@dataclass(frozen=True)
class PrizeDraft:
    """One prize as a host typed it (the page's rows and the API's list both build these)."""

    place: int
    amount: Decimal | None = None
    currency: str = ""
    description: str = ""


def refusal(index: int, attribute: str, message: str) -> PrizeRefused:
    """A refusal naming the prize (its position in what was sent, from 0) and the field in it."""
    return PrizeRefused(
        message, details={"field": f"prizes[{index}].{attribute}", "index": index, "attribute": attribute}
    )


def checked_prize(index: int, draft: PrizeDraft) -> PrizeDraft:
    """One prize, its currency in capitals and its description trimmed, or the refusal of its first fault."""
    which = f"The prize for place {draft.place}"
    if not 1 <= draft.place <= MAX_PRIZES:
        raise refusal(index, "place", f"Prize places run from 1 to {MAX_PRIZES}; {draft.place} is not one.")
    currency = draft.currency.strip().upper()
    description = draft.description.strip()
    refuse_control_characters(description, field=f"prizes[{index}].description", label="prize description")
    if len(description) > DESCRIPTION_LENGTH:
        raise refusal(
            index, "description", f"{which}: the description has at most {DESCRIPTION_LENGTH} characters."
        )
    amount = draft.amount
    if amount is None:
        if currency:
            raise refusal(index, "amount", f"{which} has a currency ({currency}) but no amount; give both.")
        if not description:
            raise refusal(
                index,
                "description",
                f"{which} needs an amount and a currency, or a description of what it is (a non-monetary "
                "prize).",
            )
        return PrizeDraft(place=draft.place, description=description)
    if not amount.is_finite() or amount <= 0:
        raise refusal(
            index,
            "amount",
            f"{which}: the amount must be more than zero (it is {amount}); for a non-monetary prize leave the "
            "amount and the currency empty and describe it.",
        )
    if amount > MAX_AMOUNT:
        raise refusal(index, "amount", f"{which}: the amount is at most {MAX_AMOUNT:,}.")
    if not currency:
        raise refusal(
            index,
            "currency",
            f"{which}: give the currency of the amount, an ISO 4217 code such as USD or EUR.",
        )
    if currency not in currencies_in_use():
        raise refusal(
            index,
            "currency",
            f"{which}: '{currency}' is not an ISO 4217 currency code in use; give one such as USD, EUR or GBP.",
        )
    decimals = decimals_of(currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals:
        allowed = "no decimals" if decimals == 0 else f"at most {decimals} decimals"
        raise refusal(index, "amount", f"{which}: amounts in {currency} have {allowed} ({amount} has more).")
    return PrizeDraft(place=draft.place, amount=amount, currency=currency, description=description)


def check_prizes(drafts: list[PrizeDraft]) -> list[PrizeDraft]:
    """The prizes, checked one by one and together: at most MAX_PRIZES, one per place, places 1 to N."""
    if len(drafts) > MAX_PRIZES:
        raise PrizeRefused(
            f"A competition has at most {MAX_PRIZES} prizes; {len(drafts)} were given.",
            details={"field": "prizes"},
        )
    checked = [checked_prize(index, draft) for index, draft in enumerate(drafts)]
    seen: dict[int, int] = {}
    for index, prize in enumerate(checked):
        if prize.place in seen:
            raise refusal(
                index,
                "place",
                f"Place {prize.place} has two prizes; give each place one prize (or describe both in one).",
            )
        seen[prize.place] = index
    for place in range(1, len(checked) + 1):
        if place not in seen:
            last = max(seen)
            raise refusal(
                seen[last],
                "place",
                f"Prizes go to places 1 to {len(checked)} with no gap: place {place} has no prize but place "
                f"{last} has one.",
            )
    return sorted(checked, key=lambda prize: prize.place)


def parse_amount(text: str, *, index: int) -> Decimal | None:
    """An amount as typed ('25000', '25,000', '1500.50'), as a Decimal; empty is None."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise refusal(
            index, "amount", f"'{text}' is not an amount; write a number such as 25000 or 1500.50."
        ) from None


def set_prizes(*, competition: Competition, user: User, prizes: list[PrizeDraft]) -> list[Prize]:
    """Replace the competition's prizes with these (an empty list removes them). Refused once it has ended:
    the prizes then are what the teams competed for."""
    require_manager(user, competition, "change its prizes")
    checked = check_prizes(prizes)
    if competition.phase == Competition.Phase.FINISHED:
        raise PrizeRefused("The competition has ended; its prizes can no longer change.", code="ended")
    with transaction.atomic():
        locked = locks.lock_competition(competition.pk)
        Prize.objects.filter(competition=locked).delete()
        Prize.objects.bulk_create(
            Prize(
                competition=locked,
                place=prize.place,
                amount=prize.amount,
                currency=prize.currency,
                description=prize.description,
            )
            for prize in checked
        )
    return list(competition.prizes.all())


def set_prize_eligibility(*, team: Team, user: User, eligible: bool, reason: str = "") -> Team:
    """The host marks a team not eligible for prizes (it still ranks; the prize goes to the next eligible
    team), with a reason the team sees, or eligible again. Allowed after the end too: that is when hosts
    check winners."""
    require_manager(user, team.competition, "decide which teams are eligible for prizes")
    reason = reason.strip()
    if not eligible:
        if not reason:
            raise PrizeRefused(
                f"Give the reason team '{team.name}' is not eligible for prizes; the team sees it.",
                details={"field": "reason"},
            )
        if len(reason) > REASON_LENGTH:
            raise PrizeRefused(
                f"The reason has at most {REASON_LENGTH} characters.", details={"field": "reason"}
            )
    with transaction.atomic():
        locked = locks.lock_team(team.pk)
        locked.prize_ineligible_at = None if eligible else (locked.prize_ineligible_at or timezone.now())
        locked.prize_ineligibility_reason = "" if eligible else reason
        locked.save(update_fields=["prize_ineligible_at", "prize_ineligibility_reason"])
    return locked
