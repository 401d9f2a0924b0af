"""Money as prizes show it: ISO 4217 currencies (from the CLDR data Babel ships) and one way to write an
amount, "25,000 USD", everywhere (pages, cards, the API's texts, the CSV).

The code follows the amount rather than a symbol before it: "$" is the sign of a dozen currencies, and a
code reads the same in every language.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import cache

from babel.core import get_global
from babel.numbers import get_currency_precision


@cache
def currencies_in_use() -> frozenset[str]:
    """The ISO 4217 codes some territory uses as legal tender today (USD, EUR, JPY...; not DEM or XAU)."""
    today = date.today()
    codes: set[str] = set()
    for spans in get_global("territory_currencies").values():
        for code, _start, end, tender in spans:
            if tender and (end is None or date(*end) > today):
                codes.add(code)
    return frozenset(codes)


def decimals_of(currency: str) -> int:
    """The currency's minor unit: 2 for USD and EUR, 0 for JPY, 3 for BHD."""
    return int(get_currency_precision(currency))


def amount_text(amount: Decimal, currency: str) -> str:
    """'25,000 USD', '1,500.50 EUR', '1,000 JPY': whole amounts without decimals, others with the currency's
    own number of them."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,} {currency}"
    places = max(decimals_of(currency), 1)
    return f"{amount:,.{places}f} {currency}"


def totals_by_currency(amounts: Iterable[tuple[Decimal | None, str]]) -> list[tuple[str, Decimal]]:
    """Monetary amounts summed per currency, largest total first (then by code); amounts of None (prizes that
    are not money) are left out."""
    totals: dict[str, Decimal] = {}
    for amount, currency in amounts:
        if amount is not None:
            totals[currency] = totals.get(currency, Decimal(0)) + amount
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def totals_text(totals: list[tuple[str, Decimal]]) -> str:
    """'25,000 USD + 3,000 EUR': per currency, never converted."""
    return " + ".join(amount_text(amount, currency) for currency, amount in totals)
