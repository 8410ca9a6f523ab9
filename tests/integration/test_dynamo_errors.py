"""A cancelled transaction's reasons are read by the names of its actions, whatever order
PynamoDB sends them in (it sends puts before updates, whatever order they were added)."""

import pytest
from pynamodb.exceptions import TransactWriteError

from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import CONDITION_FAILED, cancellation_codes, failed_actions
from store.catalog.models import Book


def test_reasons_are_read_by_action_not_position(make_book):
    book = make_book()
    new = Book(**{**book.attribute_values, "book_id": "test-new", "updated_at": utcnow()})
    with pytest.raises(TransactWriteError) as caught, transaction() as tx:
        tx.update(
            book,
            actions=[Book.title.set("Changed")],
            condition=Book.title == "Not its title",
            name="edit",
        )
        tx.save(new, condition=Book.book_id.does_not_exist(), name="create")
    assert cancellation_codes(caught.value) == {"edit": CONDITION_FAILED}
    assert failed_actions(caught.value) == {"edit"}
    assert not Book.count(book.category, Book.book_id == "test-new")


def test_the_failing_put_is_named_when_an_update_was_added_first(make_book):
    book, other = make_book(), make_book()
    with pytest.raises(TransactWriteError) as caught, transaction() as tx:
        tx.update(other, actions=[Book.title.set("Changed")], name="edit")
        tx.save(book, condition=Book.book_id.does_not_exist(), name="create")
    assert failed_actions(caught.value) == {"create"}
