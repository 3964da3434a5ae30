"""Pricing rules: unit prices, discount codes, tax and shipping quotes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from ..config import get_settings, load_rate_table
from ..db import Order

_CENT = Decimal("0.01")
_TAX_RATES = {"DE": Decimal("0.19"), "FR": Decimal("0.20"), "NL": Decimal("0.21"), "US": Decimal("0")}
_DISCOUNTS = {"WELCOME10": Decimal("0.10"), "VIP20": Decimal("0.20"), "STAFF30": Decimal("0.30")}


@dataclass(frozen=True)
class ShippingQuote:
    """Price of shipping one order to one region."""

    region: str
    amount: Decimal
    currency: str


@lru_cache(maxsize=256)
def tax_rate(region: str) -> Decimal:
    """VAT / sales-tax rate of a region; unknown regions pay the EU standard rate."""
    return _TAX_RATES.get(region.upper(), Decimal("0.20"))


class PriceCalculator:
    """Applies the price book (SKU -> base price) with regional mark-ups."""

    def __init__(self, price_book: dict[str, Decimal], markups: dict[str, Decimal]) -> None:
        self._price_book = price_book
        self._markups = markups

    @lru_cache(maxsize=4096)
    def unit_price(self, sku: str, region: str) -> Decimal:
        """Price of one unit of ``sku`` in ``region``, rounded to the cent."""
        base = self._price_book[sku]
        markup = self._markups.get(region.upper(), Decimal("0"))
        return (base * (1 + markup)).quantize(_CENT, ROUND_HALF_UP)


def quote_shipping(order: Order, region: str) -> ShippingQuote:
    """Shipping cost of ``order`` to ``region``, from the logistics rate table."""
    settings = get_settings()
    table = load_rate_table(settings.rate_table_path)
    base, per_kg = table.get(region.upper(), table["DEFAULT"])
    amount = (base + per_kg * order.weight_kg).quantize(_CENT, ROUND_HALF_UP)
    return ShippingQuote(region=region.upper(), amount=amount, currency=settings.base_currency)


async def apply_discount(order: Order, code: str | None) -> Decimal:
    """Order total after a discount code; unknown or missing codes change nothing."""
    total = order.total
    if not code:
        return total
    rate = _DISCOUNTS.get(code.strip().upper(), Decimal("0"))
    return (total * (1 - rate)).quantize(_CENT, ROUND_HALF_UP)
