"""The quote a shopper agrees to on the review page, carried by the "Place order" form:
the id the order will have (derived from the cart's state) and the unit price of each line.
Signed, so it cannot be altered; the prices in it still have to match the catalog's."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core import signing

SALT = "cloudshelf.checkout-quote"
MAX_AGE = 24 * 60 * 60


@dataclass(frozen=True)
class CheckoutQuote:
    order_id: str
    prices: dict  # line key ("category/book_id") -> Decimal unit price
    # The discount code agreed to, the version of the code it was computed from, and what
    # it took off (store/promotions): at placing, the code must still give exactly that.
    code: str | None = None
    code_version: int | None = None
    discount: Decimal | None = None


def quote_sign(quote, *, user_id):
    return signing.dumps(
        {
            "u": user_id,
            "o": quote.order_id,
            "p": {key: str(price) for key, price in quote.prices.items()},
            "c": [quote.code, quote.code_version, str(quote.discount)] if quote.code else None,
        },
        salt=SALT,
        compress=True,
    )


def quote_unsign(token, *, user_id):
    """The quote in ``token`` if we signed it for this user in the last day, else None."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
        if data["u"] != user_id or not isinstance(data["o"], str):
            return None
        code, version, discount = data.get("c") or (None, None, None)
        return CheckoutQuote(
            order_id=data["o"],
            prices={key: Decimal(price) for key, price in data["p"].items()},
            code=code,
            code_version=int(version) if code else None,
            discount=Decimal(discount) if code else None,
        )
    except (
        signing.BadSignature,
        KeyError,
        TypeError,
        AttributeError,
        InvalidOperation,
        ValueError,
    ):
        return None
