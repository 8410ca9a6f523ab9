"""The pages the benchmarks measure: one entry each in PAGES.

A new page is one more ``Page(...)``: its URL (or a function of the context giving it), who
asks for it, what has to be true before each request (``prepare``, not measured) and its
DynamoDB budget. A page whose URL name does not resolve in this build is reported as
"not in this build" instead of failing the run.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client
from django.urls import NoReverseMatch, reverse

ORIGIN = "http://testserver"
BOOK = ("Technology", "tech-001")  # the seed's "Clean Code", 42.99
SEARCH_EXACT = "Clean Code"
SEARCH_LOWER = "clean code"
SEARCH_PREFIXES = "clea co"


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    url: str | Callable  # a path, or ``url(ctx)``
    user: str = "anonymous"  # anonymous, shopper, staff or signing-in
    method: str = "GET"
    data: Callable | None = None  # ``data(ctx)`` for a POST
    prepare: Callable | None = None  # ``prepare(ctx)`` before each request, unmeasured
    budget: dict = field(default_factory=dict)  # the page's own requests: {"GetItem": 1}
    budget_text: str = "(none set)"
    url_name: str | None = None  # the page exists when this name resolves
    statuses: tuple = (200,)
    load: bool = True  # served under load by gunicorn
    in_mix: float = 0.0  # share of page views in a browsing mix

    def exists(self):
        if not self.url_name:
            return True
        try:
            reverse(self.url_name)
        except NoReverseMatch:
            return False
        return True

    def path(self, ctx):
        return self.url(ctx) if callable(self.url) else self.url

    def request(self, client, ctx):
        path = self.path(ctx)
        if self.method == "POST":
            return client.post(path, self.data(ctx) if self.data else {}, HTTP_ORIGIN=ORIGIN)
        return client.get(path)


# -- what some pages need before each request ---------------------------------------
def _cart_filled(ctx):
    ctx.ensure_cart_filled()


def _order_placed(ctx):
    ctx.ensure_order_placed()


def _quote_ready(ctx):
    ctx.ensure_cart_filled()
    ctx.review_order()


def _code_ready(ctx):
    ctx.ensure_cart_filled()
    ctx.ensure_code()


def _code_quote_ready(ctx):
    _code_ready(ctx)
    ctx.client("shopper").post("/cart/discount/", {"discount_code": BENCH_CODE})
    ctx.review_order()


BENCH_CODE = "BENCH10"


def _place_data(ctx):
    return {**CHECKOUT_ADDRESS, "quote": ctx.quote}


def _add_data(ctx):
    return {"category": BOOK[0], "book_id": BOOK[1], "quantity": 1, "next": "/cart/"}


def shopper_post(name, label, url, **fields):
    """A form a signed-in shopper posts, answered with a redirect; not served under load."""
    return Page(
        name, label, url, user="shopper", method="POST", statuses=(302,), load=False, **fields
    )


def search_page(name, label, words):
    """A search for ``words``: its budget is the search's, whatever the words."""
    return Page(
        name,
        label,
        f"/search/?q={words.replace(' ', '+')}",
        budget={"total": 6},
        budget_text="at most 4 Queries of the search index + 2 BatchGetItem (books, ratings)",
        in_mix=0.05,
    )


def order_page(name, label, suffix, budget_text):
    """A page of the order the shopper has just placed: one GetItem; not served under load."""
    return Page(
        name,
        label,
        lambda ctx: ctx.order_url + suffix,
        user="shopper",
        prepare=_order_placed,
        budget={"total": 1},
        budget_text=budget_text,
        url_name="store:order-list",
        load=False,
    )


PAGES = [
    Page(
        "home",
        "Home",
        "/",
        budget={"total": 2},
        budget_text="1 BatchGetItem (the catalog summary, best sellers, new releases) "
        "+ 1 BatchGetItem (the featured cards' ratings)",
        in_mix=0.25,
    ),
    Page(
        "category",
        "Category",
        "/category/Technology/",
        budget={"total": 2},
        budget_text="1 Query + 1 BatchGetItem (the cards' ratings, the category's best sellers)",
        in_mix=0.25,
    ),
    Page(
        "category-sorted",
        "Category, by price, in stock only",
        "/category/Technology/?sort=price&in_stock=1",
        budget={"total": 2},
        budget_text="1 Query (the category's sort items) "
        "+ 1 BatchGetItem (the cards' ratings, the category's best sellers)",
        load=False,
    ),
    Page(
        "best-sellers",
        "Best sellers, 30 days",
        "/best-sellers/?days=30",
        budget={"total": 1},
        budget_text="1 GetItem (the ranking of that scope and window)",
        load=False,
    ),
    Page(
        "book",
        "Book",
        f"/books/{BOOK[0]}/{BOOK[1]}/",
        budget={"total": 2},
        budget_text="1 GetItem (the book) + 1 BatchGetItem (its rating summary, also bought)",
        in_mix=0.30,
    ),
    Page(
        "book-signed-in",
        "Book, signed in",
        f"/books/{BOOK[0]}/{BOOK[1]}/",
        user="shopper",
        budget={"total": 2},
        budget_text="1 GetItem + 1 BatchGetItem (ratings, own review, wishlist entry, also bought)",
        load=False,
    ),
    Page(
        "reviews",
        "All reviews of a book",
        f"/books/{BOOK[0]}/{BOOK[1]}/reviews/",
        budget={"total": 2},
        budget_text="2 GetItem (the book, its rating summary with the newest reviews)",
        load=False,
    ),
    Page(
        "wishlist",
        "Wishlist",
        "/wishlist/",
        user="shopper",
        budget={"total": 2},
        budget_text="1 Query + 1 BatchGetItem",
        url_name="store:wishlist",
        load=False,
    ),
    search_page("search", "Search, a whole title in lower case", SEARCH_LOWER),
    search_page("search_prefix", "Search, word prefixes", SEARCH_PREFIXES),
    Page(
        "home_signed_in",
        "Home, signed in",
        "/",
        user="shopper",
        budget={"total": 2},
        budget_text="1 read + 1 BatchGetItem (ratings) + sign-in overhead",
        load=False,
    ),
    Page(
        "sign_in",
        "Sign in (POST)",
        "/accounts/sign-in/",
        user="signing-in",
        method="POST",
        data=lambda ctx: {"email": ctx.user("shopper").email, "password": PASSWORD},
        statuses=(302,),
        url_name="accounts:login",
        load=False,
    ),
    Page(
        "profile",
        "Account profile",
        "/accounts/profile/",
        user="shopper",
        url_name="accounts:profile",
        load=False,
    ),
    shopper_post(
        "cart_add",
        "Add to cart (POST)",
        "/cart/add/",
        data=_add_data,
        url_name="store:cart-add",
    ),
    Page(
        "cart",
        "Cart",
        "/cart/",
        user="shopper",
        prepare=_cart_filled,
        budget={"total": 3},
        budget_text="2 reads + 1 Query (saved for later)",
        url_name="store:cart",
        in_mix=0.05,
    ),
    Page(
        "checkout",
        "Checkout: address",
        "/checkout/",
        user="shopper",
        prepare=_cart_filled,
        url_name="store:checkout",
        in_mix=0.02,
    ),
    Page(
        "checkout_review",
        "Checkout: review (POST)",
        "/checkout/",
        user="shopper",
        method="POST",
        data=lambda ctx: dict(CHECKOUT_ADDRESS),
        prepare=_cart_filled,
        url_name="store:checkout",
        load=False,
    ),
    shopper_post(
        "checkout_place",
        "Checkout: place order (POST)",
        "/checkout/place/",
        data=_place_data,
        prepare=_quote_ready,
        budget={"GetItem": 2, "BatchGetItem": 1, "TransactWriteItems": 1},
        budget_text="the cart's and the payment time limit's GetItem, 1 BatchGetItem, "
        "1 TransactWriteItems (the Stripe PaymentIntent is created before it, outside "
        "DynamoDB)",
        url_name="store:checkout-place",
    ),
    shopper_post(
        "cart_discount",
        "Apply a discount code (POST)",
        "/cart/discount/",
        data=lambda ctx: {"discount_code": BENCH_CODE},
        prepare=_code_ready,
        budget={"GetItem": 2, "UpdateItem": 1},
        budget_text="1 GetItem of the code, beside the cart's GetItem and UpdateItem",
        url_name="store:cart-discount",
    ),
    shopper_post(
        "checkout_place_code",
        "Checkout: place order with a discount code (POST)",
        "/checkout/place/",
        data=_place_data,
        prepare=_code_quote_ready,
        budget={"GetItem": 3, "BatchGetItem": 1, "TransactWriteItems": 1},
        budget_text="the cart's, the code's and the payment time limit's GetItem, "
        "1 BatchGetItem, 1 TransactWriteItems",
        url_name="store:cart-discount",
    ),
    order_page(
        "order_payment",
        "Order payment page (card form through Stripe.js)",
        "pay/",
        "1 GetItem (Stripe.js talks to Stripe, not to DynamoDB)",
    ),
    order_page("order_confirmation", "Order confirmation", "confirmation/", "1 GetItem"),
    Page(
        "order_history",
        "Order history",
        "/orders/",
        user="shopper",
        prepare=_order_placed,
        budget={"total": 3},
        budget_text="2 Query (the account's orders, and those placed as a guest with its "
        "email) + 1 BatchGetItem (the cards' ratings)",
        url_name="store:order-list",
        in_mix=0.03,
    ),
    Page(
        "staff_dashboard",
        "Staff dashboard",
        "/admin/",
        user="staff",
        url_name="staff:dashboard",
    ),
]

# One order, as a shopper makes it: from the book page to the confirmation.
ORDER_JOURNEY = [
    "book",
    "cart_add",
    "cart",
    "checkout",
    "checkout_review",
    "checkout_place",
    "order_payment",
    "order_confirmation",
]


class Context:
    """Signed-in clients and the state some pages need, made once per run."""

    def __init__(self):
        self._clients = {}
        self._users = {}
        self.order_url = None
        self.quote = None

    def user(self, kind):
        if kind not in self._users:
            from accounts.services import user_create

            self._users[kind] = user_create(
                email=f"bench-{kind}@example.com",
                password=PASSWORD,
                first_name="Bench",
                last_name=kind.title(),
                is_staff=(kind == "staff"),
            )
        return self._users[kind]

    def client(self, kind="anonymous"):
        if kind not in self._clients:
            client = Client()
            if kind not in ("anonymous", "signing-in"):
                user = self.user(kind)
                response = client.post(
                    "/accounts/sign-in/", {"email": user.email, "password": PASSWORD}
                )
                if response.status_code != 302:
                    raise RuntimeError(f"could not sign the {kind} in: {response.status_code}")
            self._clients[kind] = client
        return self._clients[kind]

    def session_cookie(self, kind):
        from django.conf import settings

        return self.client(kind).cookies[settings.SESSION_COOKIE_NAME].value

    def ensure_cart_filled(self):
        response = self.client("shopper").get("/cart/")
        if f"/books/{BOOK[0]}/{BOOK[1]}/" not in response.content.decode():
            response = self.client("shopper").post(
                "/cart/add/", _add_data(self), HTTP_ORIGIN=ORIGIN
            )
            if response.status_code != 302:
                raise RuntimeError(f"adding to the cart answered {response.status_code}")

    def review_order(self):
        """POST the address to the checkout; keep the signed quote the review page holds."""
        response = self.client("shopper").post("/checkout/", dict(CHECKOUT_ADDRESS))
        match = re.search(
            r'name="quote"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="quote"',
            response.content.decode(),
        )
        if response.status_code != 200 or not match:
            raise RuntimeError(
                f"the checkout review answered {response.status_code} without a quote"
            )
        self.quote = html.unescape(match.group(1) or match.group(2))

    def ensure_code(self):
        """The 10 % code BENCH_CODE, made once (for the discount-code pages)."""
        from decimal import Decimal

        from store.promotions.selectors import promotion_get
        from store.promotions.services import PromotionFields, promotion_create

        if promotion_get(code=BENCH_CODE) is None:
            promotion_create(
                actor=self.user("staff"),
                code=BENCH_CODE,
                values=PromotionFields(kind="percent", value=Decimal("10")),
            )

    def ensure_order_placed(self):
        if self.order_url:
            return
        self.ensure_cart_filled()
        self.review_order()
        response = self.client("shopper").post("/checkout/place/", _place_data(self))
        if response.status_code != 302:
            raise RuntimeError(f"placing an order answered {response.status_code}")
        # The payment page: /orders/<order_id>/pay/; keep /orders/<order_id>/.
        self.order_url = response["Location"].removesuffix("pay/")


PASSWORD = "benchmark password 2026"
CHECKOUT_ADDRESS = {
    "street": "123 Main St",
    "city": "Anytown",
    "state": "ST",
    "postal_code": "12345",
    "country": "US",
}  # the seed's sample address


def pages_in_build():
    """(pages that exist in this build, names of those that do not)."""
    present, missing = [], []
    for page in PAGES:
        (present if page.exists() else missing).append(page)
    return present, [p.name for p in missing]
