"""The one pricing rule of the cart page, the checkout review and the order."""

from decimal import Decimal

import pytest

from store.cart.pricing import order_pricing


def test_seeds_worked_example():
    pricing = order_pricing(lines=[(Decimal("42.99"), 1)])
    assert (pricing.subtotal, pricing.tax, pricing.shipping, pricing.total) == (
        Decimal("42.99"),
        Decimal("3.44"),
        Decimal("5.99"),
        Decimal("52.42"),
    )


def test_amounts_are_decimals_with_cents():
    pricing = order_pricing(lines=[(Decimal("12.99"), 3), (Decimal("26.99"), 2)])
    for amount in (pricing.subtotal, pricing.tax, pricing.shipping, pricing.total):
        assert isinstance(amount, Decimal) and amount.as_tuple().exponent == -2
    assert pricing.subtotal == Decimal("92.95")


@pytest.mark.parametrize(
    "price,tax", [("0.10", "0.01"), ("0.50", "0.03"), ("0.90", "0.05"), ("0.29", "0.01")]
)
def test_tax_rounds_half_up_to_the_cent(settings, price, tax):
    # At 5 %, 0.10 gives 0.005 and 0.50 gives 0.025: half a cent, rounded up (banker's
    # rounding would give 0.00 and 0.02); 0.29 gives 0.0145, rounded down.
    settings.TAX_RATE = Decimal("0.05")
    assert order_pricing(lines=[(Decimal(price), 1)]).tax == Decimal(tax)


def test_empty_cart_costs_nothing():
    pricing = order_pricing(lines=[])
    assert pricing.total == Decimal("0.00") and pricing.shipping == Decimal("0.00")


def test_free_shipping_from_the_threshold(settings):
    settings.FREE_SHIPPING_THRESHOLD = Decimal("50")
    assert order_pricing(lines=[(Decimal("49.99"), 1)]).shipping == Decimal("5.99")
    at = order_pricing(lines=[(Decimal("25.00"), 2)])
    assert at.shipping == Decimal("0.00") and at.free_shipping


def test_rates_come_from_settings(settings):
    settings.TAX_RATE = Decimal("0.10")
    settings.SHIPPING_FLAT = Decimal("4.00")
    pricing = order_pricing(lines=[(Decimal("10.00"), 2)])
    assert (pricing.tax, pricing.shipping, pricing.total) == (
        Decimal("2.00"),
        Decimal("4.00"),
        Decimal("26.00"),
    )
