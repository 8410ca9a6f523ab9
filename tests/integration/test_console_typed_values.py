"""Books whose values were typed into the DynamoDB console in the wrong type or form: a
number as a string is read and rewritten as a number on the stream; a value that holds no
number, timestamp or flag leaves the book out for shoppers, never a 500, and staff see what
to fix and can fix it from the book's page."""

from decimal import Decimal
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from store.cart import services as cart_services
from tests.conftest import place_form, review_checkout
from tests.integration.test_catalog_projections import (
    console_put,
    console_set,
    dynamodb,
    home_counts,
)


def stored(name, book_id="poe-001"):
    """The raw typed value of one attribute, as DynamoDB holds it."""
    item = dynamodb().get_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Key={"category": {"S": "Poetry"}, "book_id": {"S": book_id}},
        ConsistentRead=True,
    )["Item"]
    return item.get(name)


def stored_number(name, book_id="poe-001"):
    """The stored value as a Decimal if DynamoDB holds it as a number, else None."""
    value = stored(name, book_id)
    return Decimal(value["N"]) if "N" in value else None


def two_poetry_books_one_with(name, value):
    console_put("poe-001")
    console_put("poe-002", title="Song of Myself")
    console_set("poe-001", name, value)


def details_form(**fields):
    return {
        "category": "Poetry",
        "title": "Leaves of Grass",
        "author": "Walt Whitman",
        "isbn": "9780140421996",
        "price": "14.50",
        "description": "Poems.",
        "image_url": "",
        **fields,
    }


def staff_page(category, book_id):
    return reverse("staff:book-detail", args=[category, book_id])


# --- numbers typed as strings ----------------------------------------------------------------


def test_a_price_typed_as_a_string_is_shown_before_the_stream_rewrites_it(client, tables):
    two_poetry_books_one_with("price", {"S": "14.50"})
    page = client.get("/books/Poetry/poe-001/")
    assert page.status_code == 200 and "$14.50" in page.content.decode()


def test_the_stream_rewrites_a_price_and_stock_typed_as_strings_as_numbers(tables, streams):
    two_poetry_books_one_with("price", {"S": "14.50"})
    console_set("poe-001", "stock_quantity", {"S": " 7 "})
    streams.deliver()
    assert stored_number("price") == Decimal("14.50")
    assert stored_number("stock_quantity") == 7


def test_a_shopper_can_buy_a_book_whose_price_and_stock_were_typed_as_strings(
    shopper_client, tables, streams
):
    two_poetry_books_one_with("stock_quantity", {"S": "3"})
    console_set("poe-001", "price", {"S": "14.50"})
    streams.deliver()
    cart_services.cart_item_add(
        owner=shopper_client.user.user_id, category="Poetry", book_id="poe-001", quantity=1
    )
    response = shopper_client.post("/checkout/place/", place_form(review_checkout(shopper_client)))
    assert response.status_code == 302
    assert stored_number("stock_quantity") == 2


def test_the_rewrite_leaves_a_string_that_holds_no_number(tables, streams):
    two_poetry_books_one_with("price", {"S": "fourteen"})
    streams.deliver()
    assert stored("price") == {"S": "fourteen"}


def test_rebuilding_book_numbers_rewrites_strings_the_stream_never_saw(tables):
    two_poetry_books_one_with("price", {"S": "14.50"})
    out = StringIO()
    call_command("rebuild_projections", "book-numbers", stdout=out)
    assert stored_number("price") == Decimal("14.50")
    assert stored_number("price", "poe-002") == Decimal("14.50")


# --- values the store cannot read ----------------------------------------------------------


def test_a_book_with_an_unreadable_price_is_left_out_of_its_category_not_a_500(
    client, tables, streams
):
    two_poetry_books_one_with("price", {"S": "fourteen"})
    streams.deliver()
    category = client.get("/category/Poetry/")
    body = category.content.decode()
    assert category.status_code == 200
    assert "Song of Myself" in body and "Leaves of Grass" not in body
    assert client.get("/books/Poetry/poe-001/").status_code == 404
    assert home_counts(client)["Poetry"] == 1


def test_a_console_book_without_a_price_is_left_out_of_its_category_not_a_500(
    client, tables, streams
):
    two_poetry_books_one_with("title", {"S": "Leaves of Grass"})
    dynamodb().update_item(
        TableName=settings.BOOKS_TABLE_NAME,
        Key={"category": {"S": "Poetry"}, "book_id": {"S": "poe-001"}},
        UpdateExpression="REMOVE price",
    )
    streams.deliver()
    category = client.get("/category/Poetry/")
    assert category.status_code == 200 and "Leaves of Grass" not in category.content.decode()
    assert client.get("/books/Poetry/poe-001/").status_code == 404
    sitemap = client.get("/sitemaps/Poetry.xml").content.decode()
    assert "/books/Poetry/poe-002/" in sitemap and "/books/Poetry/poe-001/" not in sitemap


def test_unreadable_values_of_every_kind_never_break_a_shopper_page(client, tables, streams):
    values = [
        ("created_at", {"S": "yesterday"}),
        ("stock_quantity", {"S": "twelve"}),
        ("hidden", {"S": "no"}),
        ("description", {"L": []}),
    ]
    for number, (name, value) in enumerate(values, start=3):
        book_id = f"poe-{number:03d}"
        console_put(book_id)
        console_set(book_id, name, value)
    console_put("poe-002", title="Song of Myself")
    streams.deliver()
    pages = ["/", "/category/Poetry/", "/search/?q=leaves", "/search/?q=Leaves+of+Grass"]
    assert [client.get(url).status_code for url in pages] == [200, 200, 200, 200]
    assert [b.book_id for b in client.get("/search/", {"q": "whitman"}).context["books"]] == [
        "poe-002"
    ]


def test_staff_see_which_values_cannot_be_read_and_how_to_fix_them(staff_client, tables):
    two_poetry_books_one_with("price", {"S": "fourteen"})
    console_set("poe-001", "stock_quantity", {"S": "twelve"})
    page = staff_client.get(staff_page("Poetry", "poe-001"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Shoppers cannot see this book yet" in body
    assert "<code>price</code>: enter it under Details" in body
    assert "<code>stock_quantity</code>: add the copies you hold under Stock" in body
    listing = staff_client.get(reverse("staff:book-list"), {"category": "Poetry"})
    assert listing.content.decode().count(">Unreadable<") == 1


def test_staff_saving_a_price_puts_an_unreadable_book_back_on_sale(staff_client, tables, streams):
    two_poetry_books_one_with("price", {"S": "fourteen"})
    console_set("poe-001", "created_at", {"S": "last week"})
    streams.deliver()
    response = staff_client.post(staff_page("Poetry", "poe-001"), details_form(price="13.00"))
    assert response.status_code == 302
    streams.deliver()
    assert stored_number("price") == 13
    assert stored("created_at")["S"].endswith("Z")
    assert staff_client.get("/books/Poetry/poe-001/").status_code == 200
    assert home_counts(staff_client)["Poetry"] == 2


def test_staff_saving_unchanged_details_repairs_an_unreadable_created_at(staff_client, tables):
    two_poetry_books_one_with("created_at", {"S": "yesterday"})
    assert staff_client.get("/books/Poetry/poe-001/").status_code == 404
    as_stored = details_form(image_url="https://cloudshelf-images.s3.amazonaws.com/leaves.jpg")
    response = staff_client.post(staff_page("Poetry", "poe-001"), as_stored)
    assert response.status_code == 302
    assert stored("created_at")["S"].endswith("Z")
    assert staff_client.get("/books/Poetry/poe-001/").status_code == 200


def test_staff_saving_a_price_over_a_console_price_of_zero_puts_the_book_on_sale(
    staff_client, tables
):
    two_poetry_books_one_with("price", {"N": "0"})
    assert staff_client.get("/books/Poetry/poe-001/").status_code == 404
    response = staff_client.post(staff_page("Poetry", "poe-001"), details_form(price="9.00"))
    assert response.status_code == 302
    assert stored_number("price") == 9
    assert staff_client.get("/books/Poetry/poe-001/").status_code == 200


def test_a_stock_adjustment_over_unreadable_stock_counts_from_zero(staff_client, tables):
    two_poetry_books_one_with("stock_quantity", {"S": "twelve"})
    response = staff_client.post(
        reverse("staff:book-stock", args=["Poetry", "poe-001"]),
        {"delta": "5", "reason": "Counted the shelf"},
    )
    assert response.status_code == 302
    assert stored_number("stock_quantity") == 5


def test_staff_can_show_a_book_whose_hidden_flag_cannot_be_read(staff_client, tables):
    two_poetry_books_one_with("hidden", {"S": "no"})
    assert staff_client.get("/books/Poetry/poe-001/").status_code == 404
    staff_client.post(
        reverse("staff:book-visibility", args=["Poetry", "poe-001"]), {"hidden": "0"}
    )
    assert stored("hidden") == {"BOOL": False}
    assert staff_client.get("/books/Poetry/poe-001/").status_code == 200


# --- keys that cannot form a page address ---------------------------------------------------


def test_a_console_book_whose_key_holds_a_slash_is_left_out_and_breaks_no_page(
    staff_client, tables, streams
):
    console_put("a/b")
    console_put("sf-001", category="Sci/Fi")
    console_put("poe-002", title="Song of Myself")
    streams.deliver()
    pages = ["/", "/category/Poetry/", "/search/?q=whitman", "/sitemap.xml", "/api/v1/categories"]
    assert [staff_client.get(url).status_code for url in pages] == [200] * len(pages)
    assert home_counts(staff_client) == {"Poetry": 1}
    listing = staff_client.get(reverse("staff:book-list")).content.decode()
    assert listing.count("No page address") == 2
