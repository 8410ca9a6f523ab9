"""The payment time limit that staff set (/admin/payments/): stamped on each order placed
after it, used by the sweep, bounded, and recorded in the audit trail."""

from datetime import timedelta

import pytest

from cloudshelf.dynamo import utcnow
from store.audit.models import AuditEntry
from store.catalog.models import Book
from store.orders.models import Order
from store.payments.models import AUDIT_SUBJECT
from store.payments.selectors import payment_time_limit_minutes
from store.payments.services import payments_sweep
from tests.conftest import add_to_cart, place_form, review_checkout
from tests.integration.test_payments import clean_code  # noqa: F401 (fixture)

URL = "/admin/payments/"


def set_limit(make_user, minutes):
    from store.payments.services import payment_time_limit_set

    payment_time_limit_set(minutes=minutes, actor=make_user(is_staff=True))


def place(client, book):
    add_to_cart(client, book)
    response = client.post("/checkout/place/", place_form(review_checkout(client)))
    assert response.status_code == 302
    [order] = list(Order.query(client.user.user_id, consistent_read=True))
    return order


def test_without_a_setting_the_limit_is_the_configured_default(tables, settings):
    settings.PAYMENT_TIME_LIMIT_MINUTES = 30
    assert payment_time_limit_minutes() == 30


def test_the_staff_page_shows_a_labelled_form_with_the_limit_now(staff_client):
    response = staff_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_time_limit_minutes">Payment time limit (minutes)</label>' in page
    assert 'value="30"' in page
    assert "Save the time limit" in page


def test_staff_set_the_limit_and_the_audit_trail_says_who(staff_client):
    response = staff_client.post(URL, {"time_limit_minutes": "12"})
    assert response.status_code == 302
    assert payment_time_limit_minutes() == 12
    [entry] = list(AuditEntry.query(AUDIT_SUBJECT))
    assert entry.action == "settings.payment_time_limit"
    assert entry.actor_email == staff_client.user.email
    assert entry.change_map == {"payment time limit (minutes)": ["30", "12"]}
    page = staff_client.get(URL).content.decode()
    assert 'value="12"' in page
    assert staff_client.user.email in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("4", "Enter at least 5 minutes."),
        ("1441", "Enter at most 1440 minutes (a day)."),
        ("ten", "Enter a whole number of minutes from 5 to 1440."),
        ("7.5", "Enter a whole number of minutes from 5 to 1440."),
        ("", "Enter a number of minutes from 5 to 1440."),
    ],
)
def test_a_limit_out_of_bounds_is_refused_with_a_400_and_changes_nothing(
    staff_client, value, message
):
    response = staff_client.post(URL, {"time_limit_minutes": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert payment_time_limit_minutes() == 30
    assert list(AuditEntry.query(AUDIT_SUBJECT)) == []


def test_a_shopper_cannot_set_the_limit(shopper_client):
    assert shopper_client.post(URL, {"time_limit_minutes": "10"}).status_code == 403
    assert payment_time_limit_minutes() == 30


def test_an_order_placed_after_the_change_holds_its_stock_for_the_new_limit(
    make_user,
    shopper_client,
    clean_code,  # noqa: F811
):
    set_limit(make_user, 10)
    before = utcnow()
    order = place(shopper_client, clean_code)
    assert (
        timedelta(minutes=10)
        <= order.payment_expires_at - before
        < timedelta(minutes=10, seconds=30)
    )
    assert payments_sweep(now=utcnow() + timedelta(minutes=9))["released"] == 0
    assert payments_sweep(now=utcnow() + timedelta(minutes=11))["released"] == 1
    stock = Book.get(clean_code.category, clean_code.book_id, consistent_read=True)
    assert stock.stock_quantity == clean_code.stock_quantity


def test_the_sweep_gives_an_order_without_a_deadline_the_limit_staff_set(
    make_user,
    shopper_client,
    clean_code,  # noqa: F811
):
    order = place(shopper_client, clean_code)
    order.update(actions=[Order.payment_expires_at.remove()])
    assert payments_sweep(now=utcnow() + timedelta(minutes=20))["released"] == 0  # 30 still
    set_limit(make_user, 15)
    assert payments_sweep(now=utcnow() + timedelta(minutes=20))["released"] == 1


def test_placing_an_order_reads_the_limit_with_one_get_item(
    shopper_client,
    clean_code,  # noqa: F811
    dynamodb_requests,
):
    add_to_cart(shopper_client, clean_code)
    form = place_form(review_checkout(shopper_client))
    dynamodb_requests.clear()
    assert shopper_client.post("/checkout/place/", form).status_code == 302
    assert dict(dynamodb_requests).get("TransactWriteItems") == 1
    assert dict(dynamodb_requests).get("GetItem") == 4  # session, user, cart, the limit


def test_the_staff_page_costs_one_get_item_and_one_query(staff_client, dynamodb_requests):
    staff_client.get(URL)
    dynamodb_requests.clear()
    assert staff_client.get(URL).status_code == 200
    # the session, the user, the setting; the audit entries
    assert dict(dynamodb_requests) == {"GetItem": 3, "Query": 1}
