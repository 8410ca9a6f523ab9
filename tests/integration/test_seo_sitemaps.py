"""robots.txt, the sitemap index and the per-category sitemaps: valid by the sitemaps.org
schema's rules (tests/sitemap_rules.py), built from Query pages, cacheable by CloudFront,
and without hidden or deleted books."""

import pytest
from django.conf import settings
from django.urls import reverse

from store.catalog import summary
from store.catalog.models import Book
from store.seo import selectors
from tests import sitemap_rules


def site(path):
    return settings.SITE_URL.rstrip("/") + path


def book_url(book):
    return site(reverse("store:book-detail", args=[book.category, book.book_id]))


@pytest.fixture
def catalog(seed_books):
    summary.catalog_summary_rebuild()
    return seed_books


def fetch(client, path, content_type="application/xml"):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    return response


def test_robots_txt_allows_the_store_keeps_private_paths_out_and_names_the_sitemap(client):
    response = fetch(client, "/robots.txt", "text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *" and "Allow: /" in lines
    for private in ("/admin/", "/cart/", "/accounts/", "/checkout/", "/orders/", "/api/"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /books/" not in lines and "Disallow: /category/" not in lines
    assert f"Sitemap: {site('/sitemap.xml')}" in lines
    assert response["Cache-Control"].startswith("public")


def test_sitemap_index_lists_one_sitemap_per_category(client, catalog):
    response = fetch(client, "/sitemap.xml")
    locs = sitemap_rules.validate(response.content, "sitemapindex")
    categories = sorted({b.category for b in catalog})
    assert locs == [site("/sitemaps/pages.xml")] + [site(f"/sitemaps/{c}.xml") for c in categories]


def test_sitemaps_are_cacheable_by_cloudfront(client, catalog):
    for path in ("/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/Technology.xml"):
        control = client.get(path)["Cache-Control"]
        assert control.startswith("public") and "s-maxage=" in control and "max-age=" in control


def test_category_sitemap_lists_the_categorys_books_with_their_dates(client, catalog):
    body = fetch(client, "/sitemaps/Technology.xml").content
    locs = sitemap_rules.validate(body, "urlset")
    technology = [b for b in catalog if b.category == "Technology"]
    assert sorted(locs) == sorted(book_url(b) for b in technology)
    assert b"<lastmod>2025-" in body  # the seed's updated_at, as a W3C Datetime


def test_pages_sitemap_lists_home_and_the_categories(client, catalog):
    locs = sitemap_rules.validate(fetch(client, "/sitemaps/pages.xml").content, "urlset")
    assert site("/") in locs
    assert site(reverse("store:category", args=["Fiction"])) in locs


def test_hidden_and_deleted_books_leave_the_sitemap_and_answer_404(client, make_book):
    shown = make_book(title="Shown")
    hidden = make_book(title="Hidden")
    deleted = make_book(title="Deleted")
    hidden.update(actions=[Book.hidden.set(True)])
    deleted.delete()
    locs = sitemap_rules.validate(fetch(client, "/sitemaps/Technology.xml").content, "urlset")
    assert locs == [book_url(shown)]
    for book in (hidden, deleted):
        path = reverse("store:book-detail", args=[book.category, book.book_id])
        assert client.get(path).status_code == 404


def test_sitemap_of_no_such_category_is_404_not_500(client, tables):
    assert client.get("/sitemaps/Nowhere.xml").status_code == 404
    assert client.get("/sitemaps/" + "x" * 300 + ".xml").status_code == 404


def test_category_sitemap_reads_query_pages_never_a_scan(
    client, make_book, dynamodb_requests, monkeypatch
):
    monkeypatch.setattr(selectors, "QUERY_PAGE_SIZE", 2)
    for n in range(5):
        make_book(title=f"Book {n}")
    dynamodb_requests.clear()
    locs = sitemap_rules.validate(fetch(client, "/sitemaps/Technology.xml").content, "urlset")
    assert len(locs) == 5
    assert dict(dynamodb_requests) == {"Query": 3}  # pages of 2, 2 and 1


def test_sitemap_index_costs_the_summary_read(client, catalog, dynamodb_requests):
    dynamodb_requests.clear()
    client.get("/sitemap.xml")
    assert dict(dynamodb_requests) == {"GetItem": 1}


def test_a_category_sitemap_stops_at_the_protocols_url_limit(client, make_book, monkeypatch):
    assert selectors.MAX_URLS == sitemap_rules.MAX_ENTRIES == 50_000
    monkeypatch.setattr(selectors, "MAX_URLS", 3)
    for n in range(4):
        make_book(title=f"Book {n}")
    locs = sitemap_rules.validate(fetch(client, "/sitemaps/Technology.xml").content, "urlset")
    assert len(locs) == 3


@pytest.mark.parametrize(
    "body, broken",
    [
        (
            b'<urlset xmlns="http://example.com/ns"><url><loc>https://shop.example/a</loc></url></urlset>',
            "root",
        ),
        (
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/books/a/</loc></url></urlset>',
            "absolute",
        ),
        (
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://shop.example/'
            + b"a" * 2048
            + b"</loc></url></urlset>",
            "length",
        ),
        (
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://shop.example/a</loc><lastmod>02/12/2026</lastmod></url></urlset>',
            "W3C",
        ),
        (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "entries"),
    ],
)
def test_the_sitemap_rules_refuse_what_the_schema_refuses(body, broken):
    with pytest.raises(AssertionError, match=broken):
        sitemap_rules.validate(body, "urlset")
