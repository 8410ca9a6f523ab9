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

    @property
    def free_shipping(self):
        return self.subtotal > 0 and self.shipping == 0


def order_pricing(*, lines):
    """Subtotal, tax, shipping and total of ``lines``, an iterable of ``(unit_price,
    quantity)``. Tax is TAX_RATE of the subtotal; shipping is SHIPPING_FLAT, or nothing for
    an empty cart or from FREE_SHIPPING_THRESHOLD on. Each amount is rounded half-up to the
    cent: one "Clean Code" at 42.99 gives 42.99 + 3.44 + 5.99 = 52.42."""
    subtotal = to_cents(
        sum((Decimal(price) * quantity for price, quantity in lines), Decimal("0"))
    )
    tax = to_cents(subtotal * Decimal(settings.TAX_RATE))
    threshold = settings.FREE_SHIPPING_THRESHOLD
    if subtotal <= 0 or (threshold is not None and subtotal >= Decimal(threshold)):
        shipping = to_cents(0)
    else:
        shipping = to_cents(settings.SHIPPING_FLAT)
    return Pricing(subtotal=subtotal, tax=tax, shipping=shipping, total=subtotal + tax + shipping)
