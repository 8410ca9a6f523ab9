"""What a discount code takes off: property tests against a reference Decimal computation."""

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.cart.pricing import order_pricing
from store.promotions.models import AMOUNT, CODE_PK, ENDED, PAUSED, PERCENT, Promotion
from store.promotions.rules import CodeNotUsable, PricedLine, promotion_discount

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
percents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)
lines = st.lists(
    st.tuples(st.sampled_from(["Fiction", "Technology", "Poetry"]), prices, st.integers(1, 10)),
    min_size=1,
    max_size=8,
)


def code(**fields):
    values = {"kind": PERCENT, "value": Decimal("10"), "version": 1, "uses": 0}
    values.update(fields)
    return Promotion(CODE_PK, "TEST", created_at=NOW, updated_at=NOW, **values)


def priced(raw):
    return [
        PricedLine(category=c, book_id=f"b{i}", price=p, quantity=q)
        for i, (c, p, q) in enumerate(raw)
    ]


def reference_cents(value):
    """Half-up to the cent, computed independently of store.money."""
    scaled = value * 100
    whole = int(scaled)
    if scaled - whole >= Decimal("0.5"):
        whole += 1
    return Decimal(whole) / 100


@given(lines, percents)
def test_a_percentage_is_of_the_subtotal_rounded_half_up(raw, percent):
    discount = promotion_discount(promotion=code(value=percent), lines=priced(raw), now=NOW)
    subtotal = sum((p * q for _, p, q in raw), Decimal(0))
    assert discount.amount == reference_cents(subtotal * percent / 100)
    assert Decimal(0) <= discount.amount <= subtotal


@given(lines, percents)
def test_tax_is_on_the_discounted_subtotal_and_the_total_adds_up(raw, percent):
    discount = promotion_discount(promotion=code(value=percent), lines=priced(raw), now=NOW)
    pricing = order_pricing(lines=[(p, q) for _, p, q in raw], discount=discount.amount)
    subtotal = sum((p * q for _, p, q in raw), Decimal(0))
    expected_tax = ((subtotal - discount.amount) * Decimal("0.08")).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert pricing.discount == discount.amount
    assert pricing.tax == expected_tax
    assert pricing.total == subtotal - discount.amount + pricing.tax + pricing.shipping


@given(lines, percents)
def test_a_category_code_discounts_only_its_categories(raw, percent):
    promotion = code(value=percent, categories=["Fiction"])
    eligible = sum((p * q for c, p, q in raw if c == "Fiction"), Decimal(0))
    if not eligible:
        with pytest.raises(CodeNotUsable, match="applies only to books in Fiction"):
            promotion_discount(promotion=promotion, lines=priced(raw), now=NOW)
        return
    discount = promotion_discount(promotion=promotion, lines=priced(raw), now=NOW)
    assert discount.amount == reference_cents(eligible * percent / 100)


@given(lines, prices)
def test_a_fixed_amount_never_exceeds_the_subtotal(raw, amount):
    discount = promotion_discount(
        promotion=code(kind=AMOUNT, value=amount), lines=priced(raw), now=NOW
    )
    subtotal = sum((p * q for _, p, q in raw), Decimal(0))
    assert discount.amount == min(amount, subtotal)


@pytest.mark.parametrize(
    "price,percent,expected",
    [
        ("0.05", "10", "0.01"),  # 0.005 rounds up
        ("0.04", "10", "0.00"),
        ("33.33", "15", "5.00"),  # 4.9995
        ("19.99", "33.33", "6.66"),  # 6.662667
        ("0.01", "50", "0.01"),  # 0.005
        ("42.99", "10", "4.30"),
    ],
)
def test_awkward_percentages(price, percent, expected):
    line = [("Fiction", Decimal(price), 1)]
    discount = promotion_discount(
        promotion=code(value=Decimal(percent)), lines=priced(line), now=NOW
    )
    assert discount.amount == Decimal(expected)


@pytest.mark.parametrize(
    "fields,reason",
    [
        ({"state": ENDED}, "has ended"),
        ({"state": PAUSED}, "is paused"),
        ({"ends_at": NOW}, "expired on June 1, 2026"),
        ({"starts_at": NOW + timedelta(days=1)}, "can be used from June 2, 2026"),
        ({"max_uses": 3, "uses": 3}, "used as many times as it may be"),
        ({"min_subtotal": Decimal("100")}, r"at least \$100.00; yours is \$10.00"),
        ({"books": ["Poetry/x"]}, "applies only to some named books"),
    ],
)
def test_a_code_that_gives_nothing_says_why(fields, reason):
    with pytest.raises(CodeNotUsable, match=reason):
        promotion_discount(
            promotion=code(**fields), lines=priced([("Fiction", Decimal("10"), 1)]), now=NOW
        )


def test_free_shipping_waives_shipping_only():
    pricing = order_pricing(lines=[(Decimal("42.99"), 1)], free_shipping=True)
    assert (pricing.subtotal, pricing.tax, pricing.shipping, pricing.total) == (
        Decimal("42.99"),
        Decimal("3.44"),
        Decimal("0.00"),
        Decimal("46.43"),
    )


def test_no_discount_keeps_the_seeds_worked_example():
    pricing = order_pricing(lines=[(Decimal("42.99"), 1)])
    assert (pricing.discount, pricing.total) == (Decimal("0.00"), Decimal("52.42"))
