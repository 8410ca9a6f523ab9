"""Back-in-stock alerts against the emulator: confirmed by a signed link, sent once per
subscriber when the stock goes from zero to more, whoever writes it, never twice under
redelivery, never for 3 -> 5."""

import re

import boto3
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from store.alerts.models import StockAlert, alert_pk
from store.alerts.services import stock_alert_subscribe
from store.catalog.models import Book

LINK = re.compile(r"https?://[^/\s]+(/\S+)")


@pytest.fixture
def sold_out(make_book):
    return make_book(title="Sold Out Book", stock_quantity=0)


def subscribe(client, book, email="reader@example.com"):
    url = reverse("store:stock-alert-subscribe", args=[book.category, book.book_id])
    return client.post(url, {"email": email})


def links(message):
    return LINK.findall(message.body)


def restock(book, quantity):
    Book(book.category, book.book_id).update(actions=[Book.stock_quantity.set(quantity)])


def subscriptions(book):
    return list(StockAlert.query(alert_pk(book.book_id), consistent_read=True))


def confirmed_subscriber(client, book, email="reader@example.com"):
    subscribe(client, book, email)
    [message] = [m for m in mail.outbox if email in m.to]
    confirm = links(message)[0]
    assert client.get(confirm).status_code == 302
    mail.outbox.clear()


def test_sold_out_page_offers_the_alert(client, sold_out):
    html = client.get(reverse("store:book-detail", args=[sold_out.category, sold_out.book_id]))
    assert "Email me when it is back" in html.content.decode()


def test_in_stock_page_does_not_offer_it(client, make_book):
    book = make_book(stock_quantity=3)
    html = client.get(reverse("store:book-detail", args=[book.category, book.book_id]))
    assert "Email me when it is back" not in html.content.decode()


def test_anonymous_subscription_waits_for_its_link(client, sold_out, streams):
    assert subscribe(client, sold_out).status_code == 302
    [confirmation] = mail.outbox
    assert "Confirm" in confirmation.subject
    mail.outbox.clear()
    restock(sold_out, 4)
    streams.deliver()
    assert mail.outbox == []  # never confirmed: no alert


def test_confirmed_subscriber_gets_exactly_one_alert_under_redelivery(client, sold_out, streams):
    confirmed_subscriber(client, sold_out)
    confirmed_subscriber(Client(), sold_out, "other@example.com")
    restock(sold_out, 1)  # one copy still emails everyone
    streams.deliver()
    streams.redeliver()
    streams.redeliver()
    assert sorted(m.to[0] for m in mail.outbox) == ["other@example.com", "reader@example.com"]
    assert "back in stock" in mail.outbox[0].subject
    assert subscriptions(sold_out) == []  # the subscriptions end


def test_alert_links_lead_to_the_book_and_unsubscribe(client, sold_out, streams):
    confirmed_subscriber(client, sold_out)
    restock(sold_out, 2)
    streams.deliver()
    [alert] = mail.outbox
    book_link, unsubscribe = links(alert)
    assert Client().get(book_link).status_code == 200
    page = Client().get(unsubscribe)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()


def test_unsubscribe_needs_no_sign_in_and_ends_it(client, sold_out, streams):
    confirmed_subscriber(client, sold_out)
    [alert] = subscriptions(sold_out)
    from store.alerts.services import unsubscribe_link

    path = LINK.match(unsubscribe_link(alert)).group(1)
    assert Client().post(path + "done/").status_code == 200
    assert subscriptions(sold_out) == []
    restock(sold_out, 2)
    streams.deliver()
    assert mail.outbox == []


def test_no_alert_when_stock_goes_from_three_to_five(make_book, streams):
    book = make_book(stock_quantity=3)
    stock_alert_subscribe(book=book, email="early@example.com", verified=True)
    restock(book, 5)
    streams.deliver()
    assert mail.outbox == []
    assert len(subscriptions(book)) == 1


def test_restock_by_any_writer_sends_it(sold_out, streams):
    stock_alert_subscribe(book=sold_out, email="console@example.com", verified=True)
    client = boto3.client(
        "dynamodb",
        region_name=settings.AWS_REGION,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    client.update_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Key={"category": {"S": sold_out.category}, "book_id": {"S": sold_out.book_id}},
        UpdateExpression="SET stock_quantity = :n",
        ExpressionAttributeValues={":n": {"N": "7"}},
    )
    streams.deliver()
    assert [m.to for m in mail.outbox] == [["console@example.com"]]


def test_subscribing_twice_is_one_subscription_and_reveals_nothing(client, sold_out):
    first = subscribe(client, sold_out)
    second = subscribe(Client(), sold_out)
    assert first.status_code == second.status_code == 302
    assert len(subscriptions(sold_out)) == 1


def test_signed_in_shopper_is_confirmed_with_the_account_address(
    shopper_client, sold_out, streams
):
    url = reverse("store:stock-alert-subscribe", args=[sold_out.category, sold_out.book_id])
    assert shopper_client.post(url).status_code == 302
    assert mail.outbox == []  # no confirmation needed
    page = shopper_client.get(
        reverse("store:book-detail", args=[sold_out.category, sold_out.book_id])
    )
    assert "We will email you once when it is back" in page.content.decode()
    restock(sold_out, 3)
    streams.deliver()
    assert [m.to for m in mail.outbox] == [[shopper_client.user.email]]


@pytest.mark.parametrize("token", ["forged", "a" * 300])
def test_forged_links_are_refused(client, token):
    assert client.get(reverse("store:stock-alert-confirm", args=[token])).status_code == 400
    done = reverse("store:stock-alert-unsubscribe-done", args=[token])
    assert client.post(done).status_code == 400


def test_bad_address_is_refused_and_nothing_stored(client, sold_out):
    assert subscribe(client, sold_out, email="not an address").status_code == 400
    assert subscriptions(sold_out) == []


def test_confirmation_is_sent_inline_when_subscribing_not_by_a_projection(
    client, sold_out, streams
):
    subscribe(client, sold_out)
    [confirmation] = mail.outbox  # before any stream record is delivered
    assert confirmation.subject == "Confirm your alert for Sold Out Book"
    streams.deliver()
    streams.redeliver()
    assert mail.outbox == [confirmation]  # no projection sends it again


def test_mail_fault_at_subscribing_is_a_clear_503_and_a_retry_sends_the_link(
    client, sold_out, settings
):
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    response = subscribe(client, sold_out)
    assert response.status_code == 503
    assert "could not send the confirmation email" in response.content.decode()
    [pending] = subscriptions(sold_out)
    assert pending.state == "pending"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert subscribe(client, sold_out).status_code == 302
    [confirmation] = mail.outbox
    assert client.get(links(confirmation)[0]).status_code == 302
    assert [a.state for a in subscriptions(sold_out)] == ["confirmed"]
