"""A shopper driving the live site over HTTP like a browser: browses, adds to the cart,
checks out, and keeps its own account of what its cart and orders must hold, checking it
against the site after every step."""

import random
import re
import time
from collections import Counter

import requests

from tests.reliability import stats
from tests.reliability.harness import Browser, Unavailable, form_with, forms_of

ADDRESS = {
    "street": "1 Load Street",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
}
ORDER_PATH = re.compile(r"^/orders/([^/]+)/")
STRIPE_JS = re.compile(r'<script src="([^"]+)/js\.stripe\.com/v3/"')
PUBLISHABLE_KEY = re.compile(r'data-publishable-key="([^"]+)"')


class Shopper:
    def __init__(self, base_url, *, email, password, user_id, books, seed, through_outage=False):
        self.browser = Browser(
            base_url, fault_expected=through_outage, raise_unavailable=through_outage
        )
        # A step cut short by a 503 leaves the shopper unsure whether it happened: the
        # next step reads the cart again, and an order may have been placed (or not).
        self.unsure = False
        self.unsure_places = 0
        self.cut_short = 0
        self.email, self.password, self.user_id = email, password, user_id
        self.books = books  # [(category, book_id)]
        self.rng = random.Random(seed)
        self.cart = Counter()  # (category, book_id) -> copies the cart must hold
        self.orders = {}  # order_id -> Counter of lines
        self.findings = []  # what went wrong (lost lines, duplicated orders)
        self.errors = []

    # -- steps ---------------------------------------------------------------------------
    def sign_in(self):
        response = self.browser.sign_in(self.email, self.password)
        assert response.status_code == 302, response.status_code

    def browse(self):
        category, book_id = self.rng.choice(self.books)
        self.browser.get("/")
        self.browser.get(f"/category/{category}/")
        return self.browser.get(f"/books/{category}/{book_id}/")

    def add(self, copies=None):
        page = self.browse()
        form = form_with(forms_of(page.text, page.request.path_url), action_contains="/cart/add")
        if form is None:  # sold out: no form
            return
        key = (form.fields["category"], form.fields["book_id"])
        copies = copies or self.rng.choice((1, 1, 2))
        response = self.browser.submit(form, quantity=str(copies), next="/cart/")
        self._expect_redirect(response, "add")
        seen = self.read_cart()
        if seen is None:
            return
        if seen[key] == self.cart[key] + copies:  # accepted (else refused: unchanged)
            self.cart[key] += copies
        self._compare(seen)

    def read_cart(self):
        """The cart as its page shows it: Counter of (category, book_id) -> quantity."""
        page = self.browser.get("/cart/")
        if page.status_code != 200:
            return None
        seen = Counter()
        for form in forms_of(page.text, "/cart/"):
            if "/cart/update" in form.action:
                key = (form.fields["category"], form.fields["book_id"])
                seen[key] = int(form.fields["quantity"])
        return seen

    def _compare(self, seen):
        for key in set(seen) | set(self.cart):
            if seen[key] != self.cart[key]:
                self.findings.append(
                    f"cart line {key}: expected {self.cart[key]}, cart shows {seen[key]}"
                )
                stats.add("data_lost")
                self.cart[key] = seen[key]
        self.cart = +self.cart

    def checkout(self):
        """Check out the cart; returns the order id, or None when the store refused."""
        if not self.cart:
            return None
        review = self.review()
        if review is None:
            return None
        return self.place(review)

    def review(self):
        page = self.browser.get("/checkout/")
        if page.status_code != 200:
            self._expect_redirect(page, "checkout")
            return None
        form = form_with(forms_of(page.text, "/checkout/"), field="street")
        response = self.browser.submit(form, **ADDRESS)
        if response.status_code != 200:  # problems with the cart: back to the cart
            self._expect_redirect(response, "review")
            self._clear_problems()
            return None
        return form_with(forms_of(response.text, "/checkout/"), action_contains="/place")

    def place(self, form):
        ordered = Counter(self.cart)
        self.unsure_places += 1  # until the answer says what happened
        response = self.browser.submit(form)
        self.unsure_places -= 1
        self._expect_redirect(response, "place")
        match = ORDER_PATH.match(response.headers.get("Location", ""))
        if not match:  # refused (sold out in the meantime): back to the cart
            self._clear_problems()
            return None
        order_id = match.group(1)
        if order_id in self.orders:
            self.findings.append(f"order {order_id} placed twice")
        self.orders[order_id] = ordered
        self.cart = Counter()
        stats.add("orders")
        if self.rng.random() < 0.2:  # a double submit must give the same order
            repeat = self.browser.submit(form)
            repeated = ORDER_PATH.match(repeat.headers.get("Location", ""))
            if repeated and repeated.group(1) != order_id:
                self.findings.append(
                    f"double submit placed a second order {repeated.group(1)} after {order_id}"
                )
                stats.add("data_lost")
        self.pay(order_id)
        return order_id

    def pay(self, order_id):
        """Pay on the order's payment page as its Stripe.js would: the card goes to the
        Stripe server the page names (the suite's localstripe), only its id to the site."""
        path = f"/orders/{order_id}/pay/"
        page = self.browser.get(path)
        if page.status_code != 200:  # paid already (a double submit landed on it)
            self._expect_redirect(page, "pay")
            return
        stripe_js = STRIPE_JS.search(page.text)
        key = PUBLISHABLE_KEY.search(page.text)
        if not stripe_js or not key:
            self.findings.append(f"order {order_id}: the payment page names no Stripe.js")
            return
        token = requests.post(
            stripe_js.group(1) + "/v1/tokens",
            data={
                "card[number]": "4242424242424242",
                "card[exp_month]": "12",
                "card[exp_year]": "2034",
                "card[cvc]": "123",
                "key": key.group(1),
            },
            timeout=30,
        ).json()
        form = form_with(forms_of(page.text, path), action_contains="/pay/")
        response = self.browser.submit(form, payment_method=token["card"]["id"])
        self._expect_redirect(response, "pay")
        if not response.headers.get("Location", "").endswith("/confirmation/"):
            self.findings.append(f"order {order_id}: paid, but not confirmed")
        else:
            stats.add("payments")

    def _clear_problems(self):
        """The cart could not be checked out (a book sold out): empty it, line by line."""
        page = self.browser.get("/cart/")
        for form in forms_of(page.text, "/cart/"):
            if "/cart/remove" in form.action:
                self._expect_redirect(self.browser.submit(form), "remove")
        self.cart = Counter()
        seen = self.read_cart()
        if seen:
            self.findings.append(f"cart not empty after removing every line: {dict(seen)}")

    def _expect_redirect(self, response, step):
        if response.status_code not in (302, 303):
            self.errors.append(f"{step}: {response.status_code}")

    # -- a session of shopping -------------------------------------------------------------
    def run(self, deadline, clock):
        try:
            while clock() < deadline:
                try:
                    self._step()
                except Unavailable:
                    self.cut_short += 1
                    self.unsure = True
                    time.sleep(0.1)
        except Exception as error:  # noqa: BLE001 - a broken step is a finding
            self.errors.append(repr(error))

    def _step(self):
        if self.unsure:
            self.cart = +(self.read_cart() or Counter())
            self.unsure = False
        roll = self.rng.random()
        if roll < 0.15:
            self.browse()
        elif roll < 0.6 or not self.cart:
            self.add()
        else:
            self.checkout()
