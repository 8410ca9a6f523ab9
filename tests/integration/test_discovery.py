"""Discovery against the emulator: best sellers, "also bought", new releases and category
sorting follow the orders and books as the stream projections deliver them, and each page
keeps its request budget."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from cloudshelf.dynamo import utcnow
from store.discovery import selectors
from store.discovery.models import (
    BOOK_FACTS_PK,
    SALES_DAY_PK,
    BookFacts,
    SalesCounterDay,
)
from store.discovery.projections import discovery_sales_rebuild
from store.orders.models import OrderLine

DISCOVERY_ONLY = [
    "store.discovery.projections.discovery_sales",
    "store.discovery.projections.discovery_books",
    "store.catalog.projections.catalog_summary",
]

pytestmark = pytest.mark.usefixtures("discovery_projections")


@pytest.fixture
def discovery_projections():
    with override_settings(STREAM_PROJECTIONS=DISCOVERY_ONLY):
        yield


def line(book, quantity=1):
    return OrderLine(
        book_id=book.book_id,
        category=book.category,
        title=book.title,
        price=book.price,
        quantity=quantity,
    )


@pytest.fixture
def shelf(make_book):
    """Six books in two categories."""
    books = {
        "a": make_book(category="Technology", book_id="t-a", title="Alpha", price=Decimal("30")),
        "b": make_book(category="Technology", book_id="t-b", title="Bravo", price=Decimal("10")),
        "c": make_book(category="Technology", book_id="t-c", title="Charlie", price=Decimal("20")),
        "d": make_book(category="Fiction", book_id="f-d", title="Delta", price=Decimal("15")),
        "e": make_book(category="Fiction", book_id="f-e", title="Echo", price=Decimal("25")),
        "f": make_book(category="Fiction", book_id="f-f", title="Foxtrot", price=Decimal("5")),
    }
    return books


@pytest.fixture
def history(shelf, make_order_record, streams):
    """A known order history: copies sold a=6, b=3, d=4, c=1; a and b bought together
    three times, a and d twice, a and c once."""
    today = utcnow().date()
    s = shelf
    orders = [
        [line(s["a"]), line(s["b"])],
        [line(s["a"]), line(s["b"])],
        [line(s["a"]), line(s["b"]), line(s["d"])],
        [line(s["a"]), line(s["d"])],
        [line(s["a"], 2), line(s["c"])],
        [line(s["d"], 2)],
    ]
    made = [
        make_order_record(items=items, order_date=(today - timedelta(days=i)).isoformat())
        for i, items in enumerate(orders)
    ]
    # a sale 20 days ago counts for 30 days only
    made.append(
        make_order_record(
            items=[line(s["e"], 9)], order_date=(today - timedelta(days=20)).isoformat()
        )
    )
    streams.deliver()
    return made


def ids(entries):
    return [e.book_id for e in entries]


def test_best_sellers_rank_the_known_history(history):
    assert ids(selectors.best_sellers_get(days=7)) == ["t-a", "f-d", "t-b", "t-c"]
    assert ids(selectors.best_sellers_get(days=30)) == ["f-e", "t-a", "f-d", "t-b", "t-c"]
    assert [e.count for e in selectors.best_sellers_get(days=7)] == [6, 4, 3, 1]


def test_best_sellers_per_category(history):
    assert ids(selectors.best_sellers_get(days=7, category="Technology")) == ["t-a", "t-b", "t-c"]
    assert ids(selectors.best_sellers_get(days=7, category="Fiction")) == ["f-d"]
    assert ids(selectors.best_sellers_get(days=30, category="Fiction")) == ["f-e", "f-d"]


def test_cancellation_lowers_the_count(history, streams):
    order = history[2]  # a, b, d
    order.update(actions=[type(order).status.set("cancelled")])
    streams.deliver()
    counts = {e.book_id: e.count for e in selectors.best_sellers_get(days=7)}
    assert counts == {"t-a": 5, "f-d": 3, "t-b": 2, "t-c": 1}


def test_order_awaiting_payment_is_not_counted_until_paid(shelf, make_order_record, streams):
    order = make_order_record(items=[line(shelf["c"], 4)], status="awaiting payment")
    streams.deliver()
    assert selectors.best_sellers_get(days=7) == []
    order.update(actions=[type(order).status.set("paid")])
    streams.deliver()
    assert [(e.book_id, e.count) for e in selectors.best_sellers_get(days=7)] == [("t-c", 4)]


def test_redelivery_changes_no_count(history, streams):
    before = {d.sk: d.copies.as_dict() for d in SalesCounterDay.query(SALES_DAY_PK)}
    facts = {f.sk: (f.sold, f.partners.as_dict()) for f in BookFacts.query(BOOK_FACTS_PK)}
    streams.redeliver()
    streams.redeliver()
    assert {d.sk: d.copies.as_dict() for d in SalesCounterDay.query(SALES_DAY_PK)} == before
    assert {f.sk: (f.sold, f.partners.as_dict()) for f in BookFacts.query(BOOK_FACTS_PK)} == facts
    assert [e.count for e in selectors.best_sellers_get(days=7)] == [6, 4, 3, 1]


def test_rebuild_agrees_with_the_projection_and_writes_nothing_more(history):
    assert discovery_sales_rebuild(dry_run=True) == 0


def test_hidden_book_never_shows(history, shelf, streams, client):
    book = shelf["a"]
    book.update(actions=[type(book).hidden.set(True)])
    streams.deliver()
    assert "t-a" not in ids(selectors.best_sellers_get(days=7))
    assert "t-a" not in ids(selectors.best_sellers_get(days=30, category="Technology"))
    page = client.get(reverse("store:book-detail", args=["Technology", "t-b"]))
    assert "Alpha" not in page.content.decode()
    listing = client.get(reverse("store:category", args=["Technology"]), {"sort": "title"})
    assert "Alpha" not in listing.content.decode()
    assert "Alpha" not in client.get("/").content.decode()


def also(book):
    from store.discovery.models import ALSO_BOUGHT_PK, AlsoBought

    try:
        item = AlsoBought.get(ALSO_BOUGHT_PK, f"{book.category}#{book.book_id}")
    except AlsoBought.DoesNotExist:
        return []
    return ids(item.entries)


def test_also_bought_ranks_known_co_purchases(history, shelf):
    assert also(shelf["a"]) == ["t-b", "f-d", "t-c"]
    assert also(shelf["b"]) == ["t-a", "f-d"]
    assert also(shelf["e"]) == []  # bought alone: nothing to show


def test_also_bought_leaves_out_sold_out_books(history, shelf, streams):
    book = shelf["b"]
    book.update(actions=[type(book).stock_quantity.set(0)])
    streams.deliver()
    assert also(shelf["a"]) == ["f-d", "t-c"]


def test_book_page_shows_also_bought_in_two_requests(history, client, dynamodb_requests):
    response = client.get(reverse("store:book-detail", args=["Technology", "t-a"]))
    body = response.content.decode()
    assert "Customers who bought this also bought" in body
    assert body.index("Bravo") < body.index("Delta") < body.index("Charlie")
    assert sum(dynamodb_requests.values()) == 2


def test_book_without_co_purchases_shows_no_also_bought(shelf, client):
    response = client.get(reverse("store:book-detail", args=["Fiction", "f-f"]))
    assert "also bought" not in response.content.decode()


def test_home_shows_best_sellers_read_with_the_summary(history, client, dynamodb_requests):
    body = client.get("/").content.decode()
    # one BatchGetItem for the summary and the lists, one for the featured cards' ratings
    assert dict(dynamodb_requests) == {"BatchGetItem": 2}
    section = body[body.index("Best sellers") :]
    assert section.index("Alpha") < section.index("Delta") < section.index("Bravo")


def test_best_sellers_page_offers_both_windows_and_categories(history, client):
    response = client.get(reverse("store:best-sellers"), {"days": "30", "category": "Fiction"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Echo") < body.index("Delta")
    assert "Alpha" not in body


@pytest.mark.parametrize("query", [{"days": "8"}, {"days": "x"}, {"category": "~catalog"}])
def test_best_sellers_page_refuses_bad_choices(tables, client, query):
    assert client.get(reverse("store:best-sellers"), query).status_code == 400


def category_titles(client, category, **query):
    response = client.get(reverse("store:category", args=[category]), query)
    assert response.status_code == 200
    body = response.content.decode()
    if '<ul class="book-grid">' not in body:
        return []
    grid = body.split('<ul class="book-grid">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<span class="book-card__title">([^<]*)</span>', grid)


@pytest.mark.parametrize(
    "sort,expected",
    [
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("price", ["Bravo", "Charlie", "Alpha"]),
        ("price-desc", ["Alpha", "Charlie", "Bravo"]),
        ("best", ["Alpha", "Bravo", "Charlie"]),
    ],
)
def test_category_sorts(history, client, sort, expected):
    assert category_titles(client, "Technology", sort=sort) == expected


def test_category_newest_first(shelf, make_book, streams, client):
    make_book(
        category="Technology", book_id="t-z", title="Zulu", created_at=utcnow() + timedelta(days=1)
    )
    streams.deliver()
    assert category_titles(client, "Technology", sort="newest")[0] == "Zulu"


def test_in_stock_only_leaves_out_sold_out(shelf, streams, client):
    book = shelf["c"]
    book.update(actions=[type(book).stock_quantity.set(0)])
    streams.deliver()
    assert category_titles(client, "Technology", sort="title", in_stock="1") == ["Alpha", "Bravo"]
    assert "Charlie" in category_titles(client, "Technology", sort="title")


@pytest.mark.parametrize("sort", ["", "title", "price", "price-desc", "newest", "best"])
def test_category_page_is_one_query_and_the_ratings_whatever_the_sort(
    history, client, sort, dynamodb_requests
):
    response = client.get(
        reverse("store:category", args=["Technology"]), {"sort": sort} if sort else {}
    )
    # the Query, then ONE BatchGetItem: the cards' ratings and the category's best sellers
    assert dict(dynamodb_requests) == {"Query": 1, "BatchGetItem": 1}
    assert "Best sellers in Technology" in response.content.decode()


def best_sellers_section(body, category):
    heading = f'<h2 id="category-best-sellers-heading">Best sellers in {category}</h2>'
    if heading not in body:
        return None
    return body.split(heading, 1)[1].split("</section>", 1)[0]


def test_category_page_shows_its_30_day_best_sellers_linked_to_their_books(history, client):
    body = client.get(reverse("store:category", args=["Technology"])).content.decode()
    section = best_sellers_section(body, "Technology")
    assert section is not None
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', section)
    assert links == [
        (reverse("store:book-detail", args=["Technology", b]), title)
        for b, title in [("t-a", "Alpha"), ("t-b", "Bravo"), ("t-c", "Charlie")]
    ]
    fiction = client.get(reverse("store:category", args=["Fiction"])).content.decode()
    section = best_sellers_section(fiction, "Fiction")
    assert section is not None
    # Echo's 9 copies were sold 20 days ago: in the 30-day list, first
    assert re.findall(r'">([^<]*)</a>', section) == ["Echo", "Delta"]


def test_category_page_with_no_sales_has_no_best_sellers_section(shelf, streams, client):
    streams.deliver()
    body = client.get(reverse("store:category", args=["Technology"])).content.decode()
    assert best_sellers_section(body, "Technology") is None
    assert "All best sellers in Technology" in body


def test_category_best_sellers_leave_out_a_hidden_book(history, shelf, streams, client):
    book = shelf["a"]
    book.update(actions=[type(book).hidden.set(True)])
    streams.deliver()
    body = client.get(reverse("store:category", args=["Technology"])).content.decode()
    section = best_sellers_section(body, "Technology")
    assert section is not None
    assert re.findall(r'">([^<]*)</a>', section) == ["Bravo", "Charlie"]


def test_sorted_pages_follow_signed_tokens(make_book, streams, client, settings):
    settings.CATALOG_PAGE_SIZE = 2
    for n in range(5):
        make_book(category="Poetry", book_id=f"p-{n}", title=f"Poem {n}", price=Decimal(10 - n))
    streams.deliver()
    seen = []
    query = {"sort": "price"}
    for _page in range(4):
        response = client.get(reverse("store:category", args=["Poetry"]), query)
        seen += category_titles(client, "Poetry", **query)
        token = response.context["next_token"]
        if not token:
            break
        query = {"sort": "price", "page": token}
    assert seen == [f"Poem {n}" for n in (4, 3, 2, 1, 0)]


def test_unknown_sort_or_forged_token_is_400(shelf, client):
    url = reverse("store:category", args=["Technology"])
    assert client.get(url, {"sort": "colour"}).status_code == 400
    assert client.get(url, {"sort": "price", "page": "forged"}).status_code == 400


def test_new_releases_newest_first(shelf, make_book, streams, client):
    make_book(
        category="Fiction",
        book_id="f-new",
        title="Newest Novel",
        created_at=utcnow() + timedelta(days=1),
    )
    streams.deliver()
    assert selectors.new_releases_page(category=None)[0].title == "Newest Novel"
    assert selectors.new_releases_page(category="Fiction")[0].title == "Newest Novel"
    assert "Newest Novel" in client.get(reverse("store:new-releases")).content.decode()


def test_unknown_category_sorted_is_404(tables, client):
    response = client.get(reverse("store:category", args=["Nowhere"]), {"sort": "price"})
    assert response.status_code == 404
