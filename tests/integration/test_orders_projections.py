"""The orders table's projections against the emulator: the daily sales figures follow
every order, however it was written and however its records are delivered, and the
confirmation email is sent exactly once."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import boto3
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from cloudshelf.dynamo import utcnow
from cloudshelf.streams import local
from cloudshelf.streams.dispatcher import dispatch
from cloudshelf.streams.models import DEAD_LETTER_PK, DeadLetter
from store.orders import services
from store.orders.models import (
    EMAIL_SENT_PK,
    SALES_DAY_PK,
    SALES_LEDGER_PK,
    EmailSent,
    Order,
    SalesDay,
    SalesLedger,
)
from store.orders.projections import Figures, _sales_write, ledger_key
from tests.conftest import add_to_cart, place_form, review_checkout
from tests.payments_fixtures import pay

DAILY_SALES_ONLY = ["store.orders.projections.daily_sales"]
FAILING_MAIL = "tests.mail_backends.FailingEmailBackend"


def day_figures():
    """Every day item, as normalised figures."""
    return {
        item.sk: Figures.of_item(item)
        for item in SalesDay.query(SALES_DAY_PK, consistent_read=True)
    }


def sales_items():
    """Every day and ledger item as stored, for comparing whole states."""
    days = {d.sk: Figures.of_item(d) for d in SalesDay.query(SALES_DAY_PK, consistent_read=True)}
    ledgers = {
        item.sk: (item.day, Figures.of_item(item))
        for item in SalesLedger.query(SALES_LEDGER_PK, consistent_read=True)
    }
    return days, ledgers


def sales_wipe():
    for model, pk in ((SalesDay, SALES_DAY_PK), (SalesLedger, SALES_LEDGER_PK)):
        with model.batch_write() as batch:
            for item in model.query(pk, consistent_read=True):
                batch.delete(item)


def shop(client, book, quantity=1):
    """Buy ``book`` through the real pages; returns the order placed."""
    before = {order.order_id for order in Order.query(client.user.user_id)}
    add_to_cart(client, book, quantity=quantity)
    client.post("/checkout/place/", place_form(review_checkout(client)))
    [order] = [o for o in Order.query(client.user.user_id) if o.order_id not in before]
    return pay(order)


def boto_order_put(**overrides):
    """An order written straight into the orders table, in the seed document's shape."""
    client = boto3.client(
        "dynamodb",
        region_name=settings.AWS_REGION,
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    now = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    item = {
        "user_id": {"S": "user-console"},
        "order_id": {"S": "order-console-1"},
        "order_date": {"S": utcnow().date().isoformat()},
        "items": {
            "L": [
                {
                    "M": {
                        "book_id": {"S": "tech-001"},
                        "title": {"S": "Clean Code"},
                        "price": {"N": "42.99"},
                        "quantity": {"N": "2"},
                    }
                }
            ]
        },
        "subtotal": {"N": "85.98"},
        "tax": {"N": "6.88"},
        "shipping": {"N": "5.99"},
        "total": {"N": "98.85"},
        "status": {"S": "confirmed"},
        "shipping_address": {
            "M": {
                "street": {"S": "1 Console Way"},
                "city": {"S": "Seattle"},
                "state": {"S": "WA"},
                "postal_code": {"S": "98101"},
            }
        },
        "created_at": {"S": now},
        "updated_at": {"S": now},
        **overrides,
    }
    client.put_item(TableName=settings.ORDERS_TABLE_NAME, Item=item)


# --- daily sales ---------------------------------------------------------------------------


def test_orders_placed_at_checkout_make_the_days_figures(shopper_client, make_book, streams):
    book = make_book(price=Decimal("42.99"), stock_quantity=10)
    first = shop(shopper_client, book, quantity=1)
    second = shop(shopper_client, book, quantity=2)
    streams.deliver()
    today = first.order_date
    assert day_figures()[today] == Figures(
        orders=2,
        revenue=first.total + second.total,
        copies={f"{book.category}#{book.book_id}": 3},
        statuses={"confirmed": 2},
    )
    assert isinstance(SalesDay.get(SALES_DAY_PK, today).revenue, Decimal)


def test_an_order_written_with_boto3_is_counted(streams):
    boto_order_put()
    streams.deliver()
    [(day, figures)] = day_figures().items()
    assert day == utcnow().date().isoformat()
    assert (figures.orders, figures.revenue) == (1, Decimal("98.85"))
    assert figures.copies == {"#tech-001": 2}  # the seed's lines name no category


def test_order_records_of_several_days_are_counted_by_their_day(make_order_record, streams):
    today = utcnow().date()
    make_order_record(total="52.42")
    make_order_record(total="10.00", user_id="user-other")
    make_order_record(total="99.00", status="cancelled")
    make_order_record(order_date=(today - timedelta(days=3)).isoformat(), total="20.00")
    streams.deliver()
    figures = day_figures()
    assert (figures[today.isoformat()].orders, figures[today.isoformat()].revenue) == (
        2,
        Decimal("62.42"),
    )
    assert figures[today.isoformat()].cancellations == 1
    assert figures[today.isoformat()].statuses == {"confirmed": 2, "cancelled": 1}
    assert figures[(today - timedelta(days=3)).isoformat()].revenue == Decimal("20.00")


def test_a_cancellation_moves_the_figures(shopper_client, make_book, streams):
    book = make_book(price=Decimal("42.99"))
    order = shop(shopper_client, book, quantity=2)
    streams.deliver()
    services.order_cancel(user_id=order.user_id, order_id=order.order_id)
    streams.deliver()
    assert day_figures()[order.order_date] == Figures(cancellations=1, statuses={"cancelled": 1})


def test_a_cancellation_days_later_counts_on_the_orders_day(make_order_record, streams):
    placed_on = (utcnow().date() - timedelta(days=2)).isoformat()
    order = make_order_record(order_date=placed_on, total="52.42")
    make_order_record(order_date=placed_on, total="10.00")
    streams.deliver()
    services.order_cancel(user_id=order.user_id, order_id=order.order_id)
    streams.deliver()
    figures = day_figures()
    assert list(figures) == [placed_on]
    assert (figures[placed_on].orders, figures[placed_on].revenue) == (1, Decimal("10.00"))
    assert figures[placed_on].cancellations == 1


def test_a_deleted_order_leaves_the_figures(make_order_record, streams):
    order = make_order_record(total="52.42")
    streams.deliver()
    order.delete()
    streams.deliver()
    assert day_figures()[order.order_date].is_zero
    assert list(SalesLedger.query(SALES_LEDGER_PK)) == []


def test_a_write_from_a_stale_ledger_is_refused(make_order_record, streams):
    order = make_order_record(total="52.42")
    streams.deliver()
    sk = ledger_key(order.user_id, order.order_id)
    stale = SalesLedger.get(SALES_LEDGER_PK, sk)
    order.update(actions=[Order.total.set(Decimal("60.00"))])
    streams.deliver()
    before = sales_items()
    # A delivery that read the ledger before the one above wrote: its transaction fails
    # on the ledger's version and it writes nothing.
    order.total = Decimal("70.00")
    assert _sales_write(sk=sk, ledger=stale, order=order) is False
    assert sales_items() == before
    assert day_figures()[order.order_date].revenue == Decimal("60.00")


# --- daily sales: redelivery, duplicates, order, interruption --------------------------------


@pytest.fixture
def order_history(make_order_record, make_user):
    """Orders over three days, one moved on, one cancelled, one deleted; their stream
    records, read but delivered to nobody yet."""
    today = utcnow().date()
    for days_ago in (0, 0, 1, 2):
        make_order_record(order_date=(today - timedelta(days=days_ago)).isoformat())
    shipped = make_order_record(total="15.00")
    shipped.update(actions=[Order.status.set("shipped")])
    cancelled = make_order_record(order_date=(today - timedelta(days=1)).isoformat())
    services.order_cancel(user_id=cancelled.user_id, order_id=cancelled.order_id)
    gone = make_order_record(total="7.00")
    gone.delete()
    changes = []
    with override_settings(STREAM_PROJECTIONS=[]):
        local.deliver_pending(collect=changes)
    assert len(changes) >= 10
    with override_settings(STREAM_PROJECTIONS=DAILY_SALES_ONLY):
        dispatch(changes)
        clean = sales_items()
        sales_wipe()
        yield changes, clean


def test_one_clean_delivery_gives_the_expected_days(order_history):
    _, (days, _) = order_history
    today = utcnow().date()
    assert days[today.isoformat()].orders == 3
    assert days[today.isoformat()].revenue == Decimal("52.42") * 2 + Decimal("15.00")
    assert days[today.isoformat()].statuses == {"confirmed": 2, "shipped": 1}
    assert days[(today - timedelta(days=1)).isoformat()].cancellations == 1


def test_redelivering_the_whole_batch_changes_nothing(order_history):
    changes, clean = order_history
    dispatch(changes)
    dispatch(changes)
    assert sales_items() == clean


def test_each_record_delivered_twice_changes_nothing(order_history):
    changes, clean = order_history
    dispatch([change for change in changes for _ in range(2)])
    assert sales_items() == clean


def test_records_delivered_in_reverse_order_give_the_same_days(order_history):
    changes, clean = order_history
    dispatch(list(reversed(changes)))
    assert sales_items() == clean


def test_stopping_halfway_then_delivering_everything_gives_the_same_days(order_history):
    changes, clean = order_history
    dispatch(changes[: len(changes) // 2])
    dispatch(changes)
    assert sales_items() == clean


def test_delivering_while_orders_change_ends_where_one_delivery_would(make_order_record, streams):
    first = make_order_record(total="30.00")
    streams.deliver()  # the consumer stops here
    services.order_cancel(user_id=first.user_id, order_id=first.order_id)
    make_order_record(total="12.00")
    streams.deliver()  # and starts again
    streams.redeliver()  # and every record comes back late
    days, _ = sales_items()
    out = StringIO()
    call_command("rebuild_projections", "daily-sales", "--dry-run", stdout=out, stderr=out)
    assert "would write 0 items" in out.getvalue()
    assert days[first.order_date].orders == 1
    assert days[first.order_date].cancellations == 1


# --- daily sales: rebuild ------------------------------------------------------------------


def test_rebuild_recomputes_the_days_from_the_orders_and_is_idempotent(make_order_record, streams):
    make_order_record(total="52.42")
    make_order_record(total="10.00", status="cancelled")
    streams.deliver()
    clean = sales_items()
    sales_wipe()
    SalesDay(sk="2001-01-01", orders=5).save()  # a day no order accounts for
    out = StringIO()
    call_command("rebuild_projections", "daily-sales", "--dry-run", stdout=out, stderr=out)
    assert "would write 4 items" in out.getvalue()  # a day, 2 ledgers, a stray day deleted
    assert SalesDay.count(SALES_DAY_PK) == 1
    call_command("rebuild_projections", "daily-sales", stdout=out, stderr=out)
    assert sales_items() == clean
    call_command("rebuild_projections", "daily-sales", stdout=out, stderr=out)
    assert out.getvalue().strip().endswith("daily-sales: wrote 0 items")


# --- the dashboard --------------------------------------------------------------------------


def test_dashboard_shows_each_streams_lag_and_the_dead_letters(
    staff_client, make_order_record, streams
):
    make_order_record(total="52.42")
    streams.deliver()
    body = staff_client.get(reverse("staff:dashboard")).content.decode()
    assert '<h2 id="streams-heading">Event streams</h2>' in body
    assert f'<th scope="row">{settings.ORDERS_TABLE_NAME}</th>' in body
    assert f'data-figure="lag-{settings.ORDERS_TABLE_NAME}">' in body
    assert 'data-figure="dead-letters">0<' in body
    assert "<script" not in body and "style=" not in body


# --- the confirmation email -----------------------------------------------------------------


def test_the_confirmation_email_is_sent_by_the_stream_once(shopper_client, make_book, streams):
    order = shop(shopper_client, make_book(price=Decimal("42.99")))
    assert mail.outbox == []
    streams.deliver()
    streams.redeliver()
    streams.redeliver([change for change in streams.delivered for _ in range(2)])
    [message] = mail.outbox
    assert message.to == [shopper_client.user.email]
    assert order.number in message.subject and "Hello Sam" in message.body
    marker = EmailSent.get(EMAIL_SENT_PK, ledger_key(order.user_id, order.order_id))
    assert marker.state == "sent"


def test_a_later_status_change_sends_no_second_email(shopper_client, make_book, streams):
    order = shop(shopper_client, make_book())
    streams.deliver()
    services.order_status_change(user_id=order.user_id, order_id=order.order_id, status="shipped")
    services.order_status_change(
        user_id=order.user_id, order_id=order.order_id, status="delivered"
    )
    streams.deliver()
    assert len(mail.outbox) == 1


def test_an_order_written_with_boto3_is_confirmed_to_its_user(make_user, streams):
    user = make_user(first_name="Ada")
    boto_order_put(user_id={"S": user.user_id})
    streams.deliver()
    [message] = mail.outbox
    assert message.to == [user.email] and "Hello Ada" in message.body


def test_an_order_of_nobody_known_is_skipped_not_retried(make_order_record, streams):
    order = make_order_record(user_id="user-unknown")
    streams.deliver()
    assert mail.outbox == [] and DeadLetter.count(DEAD_LETTER_PK) == 0
    marker = EmailSent.get(EMAIL_SENT_PK, ledger_key(order.user_id, order.order_id))
    assert marker.state == "skipped"


def test_after_a_mail_fault_the_dead_letter_sends_the_email_once(
    shopper_client, make_book, streams
):
    with override_settings(EMAIL_BACKEND=FAILING_MAIL):
        order = shop(shopper_client, make_book())
        streams.deliver()
    assert mail.outbox == []
    [letter] = DeadLetter.query(DEAD_LETTER_PK)
    assert letter.projection == "order-confirmation-email"
    assert "forced mail fault" in letter.error
    # The claim was released, and the daily figures did not wait for the email.
    assert EmailSent.count(EMAIL_SENT_PK) == 0
    assert day_figures()[order.order_date].orders == 1

    out = StringIO()
    call_command("replay_dead_letters", stdout=out)
    assert "1 of 1 applied" in out.getvalue()
    streams.redeliver()
    call_command("replay_dead_letters", stdout=out)
    [message] = mail.outbox
    assert order.number in message.subject
    assert DeadLetter.count(DEAD_LETTER_PK) == 0


def test_after_a_mail_fault_redelivery_sends_once_and_the_replay_sends_nothing(
    shopper_client, make_book, streams
):
    with override_settings(EMAIL_BACKEND=FAILING_MAIL):
        shop(shopper_client, make_book())
        streams.deliver()
    streams.redeliver()  # the fault is gone: the stream's record sends it
    out = StringIO()
    call_command("replay_dead_letters", stdout=out)  # the letter finds it sent
    assert "1 of 1 applied" in out.getvalue()
    assert len(mail.outbox) == 1 and DeadLetter.count(DEAD_LETTER_PK) == 0


def test_a_live_claim_of_another_delivery_is_not_sent_over(shopper_client, make_book, streams):
    order = shop(shopper_client, make_book())
    now = int(utcnow().timestamp())
    sk = ledger_key(order.user_id, order.order_id)
    EmailSent(sk=sk, state="sending", claim="other", claimed_until=now + 300).save()
    streams.deliver()
    assert mail.outbox == [] and DeadLetter.count(DEAD_LETTER_PK) == 1
    # That delivery died: once its claim is stale, the dead letter sends the email.
    EmailSent(sk=sk, state="sending", claim="other", claimed_until=now - 1).save()
    call_command("replay_dead_letters", stdout=StringIO())
    assert len(mail.outbox) == 1
