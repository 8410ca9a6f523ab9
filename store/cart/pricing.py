"""The one pricing rule shared by the cart page, the checkout review and the order."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from store.money import to_cents


@dataclass(frozen=True)
class Pricing:
    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal
    discount: Decimal = Decimal("0.00")  # off the subtotal, before tax (a discount code)

    @property
    def discounted_subtotal(self):
        return self.subtotal - self.discount

    @property
    def free_shipping(self):
        return self.subtotal > 0 and self.shipping == 0


def order_pricing(*, lines, discount=None, free_shipping=False):
    """Subtotal, tax, shipping and total of ``lines``, an iterable of ``(unit_price,
    quantity)``. Tax is TAX_RATE of the subtotal; shipping is SHIPPING_FLAT, or nothing for
    an empty cart or from FREE_SHIPPING_THRESHOLD on. Each amount is rounded half-up to the
    cent: one "Clean Code" at 42.99 gives 42.99 + 3.44 + 5.99 = 52.42.

    A discount code's ``discount`` comes off the subtotal before tax (tax is on what is
    left, and so is the free-shipping threshold); ``free_shipping`` waives shipping."""
    subtotal = to_cents(
        sum((Decimal(price) * quantity for price, quantity in lines), Decimal("0"))
    )
    off = min(to_cents(discount or 0), subtotal)
    taxed = subtotal - off
    tax = to_cents(taxed * Decimal(settings.TAX_RATE))
    threshold = settings.FREE_SHIPPING_THRESHOLD
    if subtotal <= 0 or free_shipping or (threshold is not None and taxed >= Decimal(threshold)):
        shipping = to_cents(0)
    else:
        shipping = to_cents(settings.SHIPPING_FLAT)
    return Pricing(
        subtotal=subtotal, tax=tax, shipping=shipping, total=taxed + tax + shipping, discount=off
    )
