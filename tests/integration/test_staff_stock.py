"""Stock adjustments: atomic, audited in the same transaction, never below zero."""

import threading
from types import SimpleNamespace

import pytest
from django.urls import reverse

from store.audit.models import AuditEntry, book_subject
from store.catalog import selectors, stock
from store.catalog.models import Book

STAFF = SimpleNamespace(user_id="user-staff", email="staff@example.com")


def stock_url(book):
    return reverse("staff:book-stock", args=[book.category, book.book_id])


def run_in_threads(count, work):
    """Start ``count`` threads at once; returns what each returned or raised."""
    results, barrier = [None] * count, threading.Barrier(count)

    def run(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_adding_stock_through_the_page_changes_it_and_says_so(staff_client, make_book):
    book = make_book(stock_quantity=10)
    response = staff_client.post(
        stock_url(book), {"delta": "15", "reason": "delivery"}, follow=True
    )
    assert Book.get(book.category, book.book_id).stock_quantity == 25
    assert "Stock is now 25" in response.content.decode()


def test_adjustment_is_audited_with_who_why_how_much_and_result(staff_client, make_book):
    book = make_book(stock_quantity=10)
    staff_client.post(stock_url(book), {"delta": "-4", "reason": "damaged in storage"})
    [entry] = AuditEntry.query(book_subject(book.category, book.book_id))
    assert (
        entry.action,
        entry.actor_id,
        entry.delta,
        entry.stock_before,
        entry.stock_after,
        entry.reason,
    ) == ("stock.adjust", staff_client.user.user_id, -4, 10, 6, "damaged in storage")


def test_audit_trail_is_shown_on_the_book_page(staff_client, make_book):
    book = make_book(stock_quantity=10)
    staff_client.post(stock_url(book), {"delta": "-4", "reason": "damaged in storage"})
    body = staff_client.get(
        reverse("staff:book-detail", args=[book.category, book.book_id])
    ).content.decode()
    assert "damaged in storage" in body and staff_client.user.email in body


def test_removing_more_than_in_stock_is_refused_and_changes_nothing(staff_client, make_book):
    book = make_book(stock_quantity=3)
    response = staff_client.post(stock_url(book), {"delta": "-4", "reason": "count"})
    assert response.status_code == 400
    assert "Only 3 in stock" in response.content.decode()
    assert Book.get(book.category, book.book_id).stock_quantity == 3
    assert not list(AuditEntry.query(book_subject(book.category, book.book_id)))


@pytest.mark.parametrize("delta,reason", [("0", "nothing"), ("5", ""), ("x", "typo")])
def test_invalid_adjustment_is_400(staff_client, make_book, delta, reason):
    book = make_book(stock_quantity=3)
    response = staff_client.post(stock_url(book), {"delta": delta, "reason": reason})
    assert response.status_code == 400
    assert Book.get(book.category, book.book_id).stock_quantity == 3


def test_concurrent_adjustments_all_count(make_book):
    book = make_book(stock_quantity=10)
    results = run_in_threads(
        8,
        lambda i: stock.book_stock_adjust(
            category=book.category, book_id=book.book_id, delta=5, reason=f"box {i}", actor=STAFF
        ),
    )
    assert all(isinstance(r, AuditEntry) for r in results), results
    assert Book.get(book.category, book.book_id).stock_quantity == 50


def test_concurrent_adjustments_leave_an_unbroken_audit_chain(make_book):
    book = make_book(stock_quantity=10)
    run_in_threads(
        6,
        lambda i: stock.book_stock_adjust(
            category=book.category, book_id=book.book_id, delta=i + 1, reason="box", actor=STAFF
        ),
    )
    entries = sorted(
        AuditEntry.query(book_subject(book.category, book.book_id)), key=lambda e: e.stock_before
    )
    assert [e.stock_before for e in entries[1:]] == [e.stock_after for e in entries[:-1]]
    assert entries[-1].stock_after == 10 + sum(range(1, 7))


def test_concurrent_removals_never_go_below_zero(make_book):
    book = make_book(stock_quantity=5)
    results = run_in_threads(
        8,
        lambda i: stock.book_stock_adjust(
            category=book.category,
            book_id=book.book_id,
            delta=-1,
            reason="sold at fair",
            actor=STAFF,
        ),
    )
    assert sum(isinstance(r, AuditEntry) for r in results) == 5
    assert sum(isinstance(r, stock.NotEnoughStock) for r in results) == 3
    assert Book.get(book.category, book.book_id).stock_quantity == 0


def low_books():
    return [(b.book_id, b.stock_quantity) for b in selectors.low_stock_list()]


def test_book_that_runs_low_is_on_the_low_stock_list(make_book, streams):
    book = make_book(stock_quantity=10)
    stock.book_stock_adjust(
        category=book.category, book_id=book.book_id, delta=-8, reason="sale", actor=STAFF
    )
    streams.deliver()
    assert low_books() == [(book.book_id, 2)]


def test_restocked_book_leaves_the_low_stock_list(make_book, streams):
    book = make_book(stock_quantity=2)
    stock.book_stock_adjust(
        category=book.category, book_id=book.book_id, delta=-1, reason="sale", actor=STAFF
    )
    streams.deliver()
    stock.book_stock_adjust(
        category=book.category, book_id=book.book_id, delta=30, reason="delivery", actor=STAFF
    )
    streams.deliver()
    assert low_books() == []


def test_recount_finds_books_that_ran_low_before_the_stream_was_read(staff_client, make_book):
    make_book(stock_quantity=1, book_id="sold-elsewhere")
    make_book(stock_quantity=40, book_id="plenty")
    staff_client.post(reverse("staff:low-stock-recount"))
    assert low_books() == [("sold-elsewhere", 1)]
