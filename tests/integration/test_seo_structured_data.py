"""JSON-LD, canonical links and link-preview tags on the home, category and book pages,
validated against what Google's rich results ask of the types they claim
(tests/structured_data_rules.py)."""

import html as html_lib
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from store.catalog import summary
from store.reviews.models import Review
from tests import structured_data_rules as rules

LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(body: str) -> list[dict]:
    return [json.loads(text) for text in LD_SCRIPT.findall(body)]


def of_type(blocks, name):
    found = [b for b in blocks if name in rules.types_of(b)]
    assert found, f"no {name} in {[b.get('@type') for b in blocks]}"
    return found[0]


def meta(body: str, attribute: str, name: str) -> str | None:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', body)
    return html_lib.unescape(match.group(1)) if match else None


def canonical(body: str) -> str | None:
    match = re.search(r'<link rel="canonical" href="([^"]*)">', body)
    return html_lib.unescape(match.group(1)) if match else None


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def book_url(book):
    return reverse("store:book-detail", args=[book.category, book.book_id])


def site(path):
    return settings.SITE_URL.rstrip("/") + path


@pytest.fixture
def catalog(seed_books):
    summary.catalog_summary_rebuild()
    return seed_books


# --- Book pages ----------------------------------------------------------------------


def test_book_page_carries_a_book_and_product_with_an_offer_as_google_lists(client, make_book):
    book = make_book(title="Dune", author="Frank Herbert", isbn="9780441013593", price="9.99")
    body = page(client, book_url(book))
    data = of_type(json_ld(body), "Book")
    assert {"Book", "Product"} <= rules.types_of(data)
    assert rules.missing(data, rules.BOOK_REQUIRED) == []
    assert rules.missing(data, rules.PRODUCT_REQUIRED) == []
    assert (
        rules.missing(data, [p for p in rules.PRODUCT_RECOMMENDED if p != "aggregateRating"]) == []
    )
    offer = data["offers"]
    assert offer["@type"] == "Offer"
    assert rules.missing(offer, rules.OFFER_REQUIRED + rules.OFFER_RECOMMENDED) == []
    assert offer["availability"] in rules.OFFER_AVAILABILITY
    edition = data["workExample"]
    assert rules.missing(edition, rules.EDITION_REQUIRED) == []
    assert edition["bookFormat"] in rules.EDITION_BOOK_FORMATS
    assert edition["isbn"] == data["isbn"] and edition["name"] == data["name"]
    assert rules.missing(edition["potentialAction"], rules.READ_ACTION_REQUIRED) == []
    # What the page shows, the data says.
    assert data["name"] == "Dune" and "Dune" in body
    assert data["author"] == {"@type": "Person", "name": "Frank Herbert"}
    assert data["isbn"] == "9780441013593" and data["gtin13"] == "9780441013593"
    assert offer["price"] == "9.99" and "$9.99" in body
    assert offer["priceCurrency"] == "USD"
    assert data["url"] == offer["url"] == site(book_url(book))
    assert data["image"].startswith(("http://", "https://"))


def test_book_format_and_language_are_the_stores_settings(client, make_book, settings):
    book = make_book()
    data = of_type(json_ld(page(client, book_url(book))), "Book")
    assert data["workExample"]["bookFormat"] == "https://schema.org/Paperback"
    assert data["workExample"]["inLanguage"] == data["inLanguage"] == "en"
    settings.BOOK_FORMAT, settings.BOOK_LANGUAGE = "Hardcover", "pt-BR"
    data = of_type(json_ld(page(client, book_url(book))), "Book")
    assert data["workExample"]["bookFormat"] == "https://schema.org/Hardcover"
    assert data["workExample"]["inLanguage"] == data["inLanguage"] == "pt-BR"


@pytest.mark.parametrize(
    "quantity, wording, availability",
    [
        (40, "In stock", "https://schema.org/InStock"),
        (2, "Only 2 left", "https://schema.org/LimitedAvailability"),
        (0, "Sold out", "https://schema.org/OutOfStock"),
    ],
)
def test_offer_availability_says_what_the_page_says(
    client, make_book, quantity, wording, availability
):
    book = make_book(stock_quantity=quantity)
    body = page(client, book_url(book))
    assert f">{wording}<" in body
    assert of_type(json_ld(body), "Book")["offers"]["availability"] == availability


def test_book_without_reviews_claims_no_rating(client, make_book):
    body = page(client, book_url(make_book()))
    assert "aggregateRating" not in of_type(json_ld(body), "Book")


def test_book_with_reviews_carries_their_aggregate_rating(client, make_book, streams):
    book = make_book()
    for user_id, rating in (("u-1", 4), ("u-2", 5)):
        Review(
            book_id=book.book_id,
            user_id=user_id,
            category=book.category,
            rating=rating,
            title="A read",
            text="Worth it.",
            created_at=f"2026-01-0{rating}T10:00:00.000000Z",
            updated_at=f"2026-01-0{rating}T10:00:00.000000Z",
        ).save()
    streams.deliver()
    body = page(client, book_url(book))
    rating = of_type(json_ld(body), "Book")["aggregateRating"]
    assert rules.missing(rating, rules.AGGREGATE_RATING_REQUIRED) == []
    assert rules.missing(rating, rules.AGGREGATE_RATING_RECOMMENDED) == []
    assert rating["ratingValue"] == "4.5" and rating["reviewCount"] == 2


def test_hostile_title_cannot_leave_the_script_element(client, make_book):
    hostile = '</script><script>alert("x")</script> <!-- & "quoted" \u2028'
    book = make_book(title=hostile, author="</SCRIPT>", description="<b>bold</b> & more")
    body = page(client, book_url(book))
    head = body.split("</head>", 1)[0]
    for block in LD_SCRIPT.findall(head):
        assert "<" not in block and ">" not in block and "&" not in block
    data = of_type(json_ld(body), "Book")
    assert data["name"] == hostile  # read back exactly by a JSON parser
    assert data["author"]["name"] == "</SCRIPT>"
    assert '<script>alert("x")' not in body
    assert meta(body, "property", "og:title") == hostile


def test_structured_data_needs_no_loosened_content_security_policy(client, make_book):
    response = client.get(book_url(make_book()))
    policy = response["Content-Security-Policy"]
    assert policy == settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "nonce-" not in policy
    body = response.content.decode()
    # Every inline script is a JSON-LD data block, which the browser does not execute.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    assert inline and all(attrs == ' type="application/ld+json"' for attrs in inline)


def test_book_page_has_canonical_description_and_preview_tags(client, make_book):
    book = make_book(title="Dune", description="A desert planet. " * 20, price="9.99")
    body = page(client, book_url(book) + "?utm_source=newsletter&ref=x")
    assert canonical(body) == site(book_url(book))
    description = meta(body, "name", "description")
    assert description.startswith("A desert planet.") and len(description) <= 160
    assert meta(body, "property", "og:title") == "Dune"
    assert meta(body, "property", "og:type") == "product"
    assert meta(body, "property", "og:url") == site(book_url(book))
    assert meta(body, "property", "og:image").startswith("http")
    assert meta(body, "property", "product:price:amount") == "9.99"
    assert meta(body, "property", "product:price:currency") == "USD"
    assert meta(body, "name", "twitter:card") == "summary_large_image"
    assert meta(body, "name", "twitter:title") == "Dune"
    assert meta(body, "name", "twitter:image") == meta(body, "property", "og:image")
    assert meta(body, "name", "twitter:data1") == "$9.99"
    assert body.count('name="description"') == 1


def test_book_page_breadcrumbs_are_a_breadcrumb_list(client, make_book):
    book = make_book(title="Dune", category="Fiction")
    crumbs = of_type(json_ld(page(client, book_url(book))), "BreadcrumbList")
    items = crumbs["itemListElement"]
    assert [i["name"] for i in items] == ["Home", "Fiction", "Dune"]
    assert [i["position"] for i in items] == [1, 2, 3]
    for item in items:
        assert rules.missing(item, rules.LIST_ITEM_REQUIRED) == []


def test_structured_data_costs_the_book_page_no_request(client, make_book, dynamodb_requests):
    book = make_book()
    dynamodb_requests.clear()
    client.get(book_url(book))
    assert dict(dynamodb_requests) == {"GetItem": 1, "BatchGetItem": 1}  # the book, the rest


# --- Category pages ------------------------------------------------------------------


def test_category_page_lists_its_books_and_breadcrumbs(client, catalog):
    path = reverse("store:category", args=["Technology"])
    body = page(client, path)
    blocks = json_ld(body)
    items = of_type(blocks, "ItemList")
    assert rules.missing(items, rules.ITEM_LIST_REQUIRED) == []
    shown = [b for b in catalog if b.category == "Technology"]
    assert {i["url"] for i in items["itemListElement"]} == {site(book_url(b)) for b in shown}
    for item in items["itemListElement"]:
        assert rules.missing(item, rules.ITEM_LIST_ITEM_REQUIRED) == []
        assert item["@type"] == "ListItem"
    crumbs = of_type(blocks, "BreadcrumbList")
    assert rules.missing(crumbs, rules.BREADCRUMB_LIST_REQUIRED) == []
    assert [i["name"] for i in crumbs["itemListElement"]] == ["Home", "Technology"]
    assert canonical(body) == site(path)
    assert meta(body, "property", "og:title") == "Technology books"
    assert "Technology" in meta(body, "name", "description")
    assert meta(body, "name", "twitter:card")


def test_later_category_page_is_canonical_to_the_category(client, make_book, settings):
    settings.CATALOG_PAGE_SIZE = 1
    make_book(title="One")
    make_book(title="Two")
    path = reverse("store:category", args=["Technology"])
    token = re.search(r'rel="next" href="\?page=([^"]+)"', page(client, path)).group(1)
    body = page(client, f"{path}?page={html_lib.unescape(token)}")
    assert canonical(body) == site(path)


def test_category_structured_data_costs_no_request(client, catalog, dynamodb_requests):
    dynamodb_requests.clear()
    client.get(reverse("store:category", args=["Technology"]))
    assert dict(dynamodb_requests) == {"Query": 1, "BatchGetItem": 1}


# --- Home page -----------------------------------------------------------------------


def test_home_page_carries_a_website_with_a_working_search_action(client, indexed_seed_books):
    summary.catalog_summary_rebuild()
    body = page(client, "/")
    website = of_type(json_ld(body), "WebSite")
    assert rules.missing(website, rules.WEBSITE_REQUIRED) == []
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert rules.missing(action, rules.SEARCH_ACTION_REQUIRED) == []
    template = action["target"]["urlTemplate"]
    assert "{search_term_string}" in template
    assert action["query-input"] == "required name=search_term_string"
    filled = template.replace("{search_term_string}", "clean+code")
    assert filled.startswith(settings.SITE_URL.rstrip("/"))
    found = page(client, filled.removeprefix(settings.SITE_URL.rstrip("/")))
    assert "Clean Code" in found
    assert canonical(body) == site("/")
    assert meta(body, "name", "description")


@pytest.mark.parametrize("path", ["/search/?q=dune", "/cart/"])
def test_other_pages_keep_a_meta_description(client, tables, path):
    body = page(client, path)
    assert meta(body, "name", "description")
